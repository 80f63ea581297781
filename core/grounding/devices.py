"""A drug named by its pump or catheter: "Hydromorphone PCA started 11:00" and later "PCA ↑: demand 0.2 -> 0.3
mg"; "bupivacaine 0.1% + hydromorphone 10 mcg/mL epidural at 8 mL/h" and later "epidural 8 -> 6 mL/h". Both the
fact extractor (what happened to the drug) and the grounding check (which drug a dose in that sentence belongs
to) read the bare "PCA" or "epidural" as the drug last named with it. So with fluids: "Hyperhydration: D5-1/2NS +
KCl 20 mEq/L at 150 mL/h", then "Hyperhydration stopped 12:00 today" stops the KCl."""

from __future__ import annotations

import re

from core.grounding.findings import Mention

# Not the drug's: the space, a bleed or abscess there, an injection, a procedure.
_DEVICE = re.compile(r"\b(PCA|PCEA|epidural)\b(?!\s+(?:sympathectomy|hematoma|abscess|space|injection|steroid|blood\s+patch|"
                     r"placement|placed|anesthesia|analgesia\s+consult))|"
                     r"\b((?:hyper)?hydration|m?IVFs?|maintenance\s+(?:IV\s+)?fluids?)\b", re.IGNORECASE)
_FLUIDS = {"saline solution", "potassium chloride", "ringer's lactate", "sodium bicarbonate"}
"""What runs as a fluid: only these are named by "hydration" or "IVF" ("mesna and hyperhydration" names no
mesna)."""
NEAR = 40
"""How far (characters) a drug may stand from its device word on their line to be the device's drug."""
_BREAK = re.compile(r"[;:()]|\.\s|,\s")  # "fentanyl 50. Epidural 8 mL/h": the epidural is not the fentanyl's
_NOT_NAMING = re.compile(r"\b(?:per|available|for|without|reversal|protocol|policy|if)\b", re.IGNORECASE)  # "Naloxone
# available per PCA protocol" names no naloxone PCA
_LABEL = re.compile(r"\s*:")  # "Hyperhydration: D5-1/2NS + KCl ...", "PCA: hydromorphone 0.2 mg": the device's label


def _kind(word: str) -> str:
    word = word.lower()
    return "pca" if word == "pca" else "epidural" if word in ("pcea", "epidural") else "fluids"


def _joins(text: str, a: int, b: int) -> bool:
    """Whether the stretch from ``a`` to ``b`` joins a drug to its device: a few characters with no clause break
    and no word that makes it another's ("per", "available", ...)."""
    return 0 <= b - a <= NEAR and not _BREAK.search(text, a, b) and not _NOT_NAMING.search(text, a, b)


def mentions(text: str, drugs: list[Mention]) -> list[Mention]:
    """Mentions of a drug by its device: a bare "PCA", "epidural" or "hydration" (no drug in ``drugs`` within a few words
    on its line, with no sentence or clause break between) stands for the drug last named with that device
    before it. Nothing without such a drug earlier (a "PCA territory" stroke has no hydromorphone PCA)."""
    named: list[tuple[int, str, object]] = []  # (offset, device kind, drug key), in text order
    out: list[Mention] = []
    for w in _DEVICE.finditer(text):
        kind = _kind(w.group(1) or w.group(2))
        line_start, line_end = text.rfind("\n", 0, w.start()) + 1, text.find("\n", w.end())
        line_end = len(text) if line_end < 0 else line_end
        label = _LABEL.match(text, w.end())
        after = label.end() if label else w.end()
        near = [d for d in drugs if line_start <= d.start < line_end and (kind != "fluids" or d.key in _FLUIDS)
                and (_joins(text, after, d.start) or _joins(text, d.end, w.start()))]
        if near:
            named.append((w.start(), kind, near[0].key))
            continue
        earlier = [key for at, k, key in named if at < w.start() and k == kind]
        if earlier:
            out.append(Mention(w.start(), w.end(), w.group(), earlier[-1]))
    return out
