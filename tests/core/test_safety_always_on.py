"""Redaction, the crash hook, the privacy scan and the audit log cannot switch themselves off.

They are imported like any other module: a broken or missing one stops the program with an
ImportError instead of quietly running without redaction or auditing (issue 16, point 1).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("core", "gui")
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, ast.Name) and k.id in IMPORT_ERRORS for k in kinds)


def _first_party_imports(body: list[ast.stmt]) -> list[str]:
    names = []
    for node in (n for stmt in body for n in ast.walk(stmt)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            names.append(_literal_prefix(node.args[0]) if node.args else "")
    return [n for n in names if n.split(".")[0] in FIRST_PARTY]


def _literal_prefix(arg: ast.expr) -> str:
    """The constant start of a module name given to ``import_module`` (``f"core.cli.{name}"`` → ``core.cli.``)."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value)
    return ""


def guarded_first_party_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of each first-party import inside a ``try`` whose handler swallows ImportError."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers):
            found.extend((node.lineno, name) for name in _first_party_imports(node.body))
    return found


def test_the_checker_finds_a_guarded_import():
    source = "def f():\n    try:\n        from core import audit\n    except ImportError:\n        return\n"
    assert guarded_first_party_imports(source) == [(2, "core")]
    assert guarded_first_party_imports("try:\n    import openvino\nexcept ImportError:\n    pass\n") == []
    dynamic = "try:\n    m = importlib.import_module(f'core.cli.{name}')\nexcept ModuleNotFoundError:\n    m = None\n"
    assert guarded_first_party_imports(dynamic) == [(1, "core.cli.")]


def test_no_first_party_import_is_guarded():
    offenders = []
    for package in FIRST_PARTY:
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, name in guarded_first_party_imports(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {name} under 'except ImportError'")
    assert offenders == []


# A safety module that cannot be imported must make its users fail to import, not run without it.
DEPENDENTS = [
    ("core.audit", "core.adapters"),
    ("core.audit", "core.summarize.batch"),
    ("core.audit", "core.finetune.launcher"),
    ("core.audit", "core.finetune.worker"),
    ("core.audit", "core.evaluate.runner"),
    ("core.privacy", "core.finetune.dataset_record"),
    ("core.logsafe", "gui.app"),
]


@pytest.mark.parametrize(("blocked", "user"), DEPENDENTS)
def test_a_missing_safety_module_fails_loudly(blocked, user):
    code = (
        "import importlib, sys\n"
        f"sys.modules[{blocked!r}] = None  # import of it raises ImportError\n"
        "try:\n"
        f"    importlib.import_module({user!r})\n"
        "except ImportError as exc:\n"
        f"    sys.exit(0 if {blocked!r} in str(exc) else 3)\n"
        "sys.exit(1)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"{user} imported without {blocked}\n{proc.stdout}{proc.stderr}"
