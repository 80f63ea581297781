"""installer/requirements.lock (the known-good set install.sh and build_wheelhouse.sh install exactly)
agrees with pyproject.toml: every exact pin there is the lock's version, every other dependency is locked."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "installer" / "requirements.lock"
LOCKED_EXTRAS = ("dev",)  # what `install.sh --dev` installs; the bench extra (llama.cpp) is not in the lock


def locked() -> dict[str, str]:
    out = {}
    for n, line in enumerate(LOCK.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        assert m, f"{LOCK.name}:{n}: not 'name==version': {line!r}"
        out[canonicalize_name(m[1])] = m[2]
    return out


def wanted() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in LOCKED_EXTRAS:
        reqs += project["optional-dependencies"][extra]
    return [Requirement(r) for r in reqs]


def test_every_dependency_is_locked_at_a_version_its_pin_allows():
    lock = locked()
    problems = []
    for req in wanted():
        version = lock.get(canonicalize_name(req.name))
        if version is None:
            problems.append(f"{req.name}: in pyproject.toml, not in {LOCK.name}")
        elif not req.specifier.contains(version.split("+")[0], prereleases=True):
            problems.append(f"{req.name}: pyproject.toml wants '{req.specifier}', {LOCK.name} has {version}")
    assert not problems, "regenerate the lock (see its header):\n" + "\n".join(problems)


def test_the_lock_holds_the_pinned_stack():
    lock = locked()
    for name, version in {"torch": "2.13.0", "transformers": "4.45.2", "peft": "0.13.2", "ipex-llm": "2.2.0",
                          "openvino": "2024.6.0", "optimum-intel": "1.20.1", "pyside6-essentials": None}.items():
        assert name in lock, name
        assert version is None or lock[name].split("+")[0] == version, (name, lock[name])


def test_the_installer_and_the_wheelhouse_use_the_lock():
    for script in ("install.sh", "build_wheelhouse.sh"):
        text = (ROOT / "installer" / script).read_text(encoding="utf-8")
        assert "requirements.lock" in text, script


def test_this_venv_holds_the_locked_versions():
    """The venv the tests run in (made by install.sh) has exactly the lock's versions."""
    from importlib import metadata

    def installed(name: str) -> str | None:
        # metadata.version: the copy the venv imports (setuptools also carries vendored packaging and
        # platformdirs with their own dist-info, which a walk over every distribution would pick up).
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    wrong = [f"{name}: locked {version}, installed {installed(name)}"
             for name, version in locked().items() if installed(name) != version]
    assert not wrong, "\n".join(wrong)
