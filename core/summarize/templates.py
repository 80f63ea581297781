"""Summary styles as prompt templates: ``resources/prompts/<style>.txt``, overridable by a file of the
same name in ``config_dir()/prompts``. The format is plain text with ``[section]`` headers so that a
clinician or ML engineer can edit it without knowing Python."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core import paths
from core.errors import ChartBriefError

STYLES = ("brief", "soap", "discharge", "handoff")
SECTIONS = ("system", "user", "map", "reduce", "max_new_tokens")


@dataclass(frozen=True)
class Template:
    style: str
    system: str
    user: str
    map: str
    reduce: str
    max_new_tokens: int
    source: str  # "builtin" or "user"

    def render_user(self, note: str) -> str:
        return self.user.replace("{note}", note)

    def render_map(self, note: str, part: int, parts: int) -> str:
        return self.map.replace("{part}", str(part)).replace("{parts}", str(parts)).replace("{note}", note)

    def render_reduce(self, parts_text: str) -> str:
        return self.reduce.replace("{parts_text}", parts_text)


def parse(text: str, style: str, source: str, origin: Path) -> Template:
    sections: dict[str, list[str]] = {}
    current = None
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            continue
        m = re.fullmatch(r"\[(\w+)\]\s*", line)
        if m:
            current = m.group(1)
            if current not in SECTIONS:
                raise ChartBriefError(f"{origin.name}, line {lineno}: unknown section [{current}].",
                                      hint=f"Sections are {', '.join('[' + s + ']' for s in SECTIONS)}.")
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    body = {k: "\n".join(v).strip() for k, v in sections.items()}
    missing = [s for s in SECTIONS if not body.get(s)]
    if missing:
        raise ChartBriefError(f"{origin.name}: missing section(s) {', '.join(missing)}.",
                              hint="Copy the built-in template from resources/prompts and edit it.")
    for sec, needed in (("user", "{note}"), ("map", "{note}"), ("reduce", "{parts_text}")):
        if needed not in body[sec]:
            raise ChartBriefError(f"{origin.name}: section [{sec}] must contain {needed}.")
    try:
        max_new = int(body["max_new_tokens"])
    except ValueError as exc:
        raise ChartBriefError(f"{origin.name}: [max_new_tokens] must be a whole number.") from exc
    return Template(style, body["system"], body["user"], body["map"], body["reduce"], max_new, source)


def load(style: str) -> Template:
    if style not in STYLES:
        raise ChartBriefError(f"Unknown summary style '{style}'.", hint=f"Choose one of: {', '.join(STYLES)}.")
    user_file = paths.config_dir() / "prompts" / f"{style}.txt"
    if user_file.is_file():
        return parse(user_file.read_text(encoding="utf-8"), style, "user", user_file)
    builtin = paths.RESOURCES / "prompts" / f"{style}.txt"
    return parse(builtin.read_text(encoding="utf-8"), style, "builtin", builtin)
