"""The drugs a text names: the grounding dictionary's names, the clinical abbreviations that only
context makes a drug ("NS" as a fluid, "plasma" as a product), one key for names of one drug, and
combination products."""

from __future__ import annotations

import functools
import re

from core import paths
from core.facts import tables
from core.grounding import medications
from core.grounding.findings import Mention

ABBREVIATIONS = paths.RESOURCES / "facts" / "drug_abbreviations.tsv"


@functools.lru_cache(maxsize=1)
def _abbreviations() -> dict[str, str]:
    """``resources/facts/drug_abbreviations.tsv``: abbreviation -> generic name, under the dictionary's key
    when the dictionary knows the name ("vaso" -> "vasopressins", the key "vasopressin" itself has), so that
    the short and the full name are one drug."""
    return {short.lower(): _key(drug) for short, drug in tables.pairs(ABBREVIATIONS)}


def _key(name: str) -> str:
    found = [m for m in medications.find(name) if m.key]
    whole = len(found) == 1 and (found[0].start, found[0].end) == (0, len(name))
    return str(found[0].key) if whole else name


@functools.lru_cache(maxsize=1)
def _phrases() -> re.Pattern[str] | None:
    """The table's names of more than one word ("parenteral nutrition"), matched as a phrase."""
    names = sorted((n for n in _abbreviations() if " " in n), key=len, reverse=True)
    words = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    return re.compile(rf"(?<![\w/-])(?:{words})(?![\w/-])", re.IGNORECASE) if names else None


def _abbreviation_mentions(note: str, taken: list[Mention]) -> list[Mention]:
    table = _abbreviations()
    found = []
    phrases = _phrases()
    for m in phrases.finditer(note) if phrases else ():
        if not any(t.start <= m.start() < t.end for t in taken):
            found.append(Mention(m.start(), m.end(), m.group(), table[re.sub(r"\s+", " ", m.group().lower())]))
    for m in re.finditer(r"(?<![\w/-])[A-Za-z][A-Za-z0-9-]{1,24}(?<!-)(?![\w/])", note):
        drug = table.get(m.group().lower())
        if drug and not any(t.start <= m.start() < t.end for t in taken):
            found.append(Mention(m.start(), m.end(), m.group(), drug))
    in_context = ((_NS, "saline solution"), (_PLASMA, "plasma"), (_NE, "norepinephrine"), (_TAC, "tacrolimus"),
                  (_ALBUMIN, "albumin"), (_PLT, "platelet transfusion"), (_MAGNESIUM_GIVEN, "magnesium sulfate"),
                  (_POTASSIUM_GIVEN, "potassium chloride"), (_GRAFT, "hematopoietic stem cells"), *_CONDITIONING)
    for pattern, drug in in_context:  # read in context
        for m in pattern.finditer(note):
            if not any(t.start <= m.start() < t.end for t in taken):
                found.append(Mention(m.start(), m.end(), m.group(), drug))
    return found


# "plasma" is a blood product only with units or beside the other products ("8 u plasma", "plasma 8 u",
# "PRBC / plasma / platelets"); otherwise it is a lab's sample or a cell ("plasma glucose", "plasma cells").
_PLASMA = re.compile(r"(?:(?<=\d\su\s)|(?<=\d\sunits\s)|(?<=/\s)|(?<=/))plasma\b|\bplasma(?=\s*\d+\s*(?:u|units)\b|\s*/)",
                     re.IGNORECASE)


# "NS" is normal saline only as a fluid: with a rate or volume, a bolus, or a change right after it, or a
# volume before it ("250 mL NS"); otherwise it may be neurosurgery or nephrotic syndrome.
_NS = re.compile(r"(?<![\w/-])NS(?=\s*(?:@|at\s+\d|\d|bolus|infusion|gtt|drip|"
                 r"running|stopped|held|increased|decreased|continues|continued|off\b|d/c|->|→|↓|↑|(?:hyper)?hydration))")


# "NE" is norepinephrine only as a running infusion: a rate or a titration right after it ("NE 0.24 -> 0.12",
# "NE off 11:00", "weaning NE"); otherwise a direction or a lab.
_NE = re.compile(r"(?<![\w/-])NE(?=\s*(?:(?:was|is|has\s+been)\s+)?(?:\d|off\b|weaned|titrated|started|stopped|gtt|drip|"
                 r"infusion|at\s+\d|->|→|↓|↑))|"
                 r"(?<=\b(?i:weaning)\s)NE\b|(?<=\b(?i:off)\s)NE\b")


# "TAC" ("Tac", "FK") is tacrolimus only as a transplant team writes an order for it: a dose, a route or an
# infusion, a level or trough, or a change right after it ("TAC 2 mg PO BID", "TAC CIV 1.2 mg/24h", "Tac level 9",
# "FK trough 14", "TAC hold x1", "TAC ↑"); a
# dermatologist's "TAC 0.1% cream" is triamcinolone, and "TAC" alone may be a chemotherapy regimen.
_TAC = re.compile(r"(?<![\w/-])(?:TAC|Tac|tac|FK)(?=(?i:\s*(?:\d+(?:\.\d+)?\s*(?:mg|mcg)\b(?!\s*/\s*(?:g|ml)\b)|civ\b|iv\b|"
                  r"po\b|sl\b|levels?\b|trough|dose\b|infusion\b|gtt\b|drip\b|start|stop|hold|held|restart|resum|"
                  r"inc'?d|dec'?d|increased|decreased|reduced|d/c|->|→|↓|↑)))")


# "albumin" is the infused product only with a concentration, an amount in grams or mL, or as an infusion or
# bolus ("Albumin 25% 25 g IV q8h x 3 doses", "albumin 5% 500 mL", "25% albumin", "IV albumin", "albumin
# challenge"); otherwise it is the lab ("albumin 1.9", "serum albumin 1.9 g/dL").
_ALBUMIN = re.compile(r"(?<![\w/-])(?:(?<=%\s)|(?<=\b(?i:iv)\s)|(?<=\b(?i:give)\s)|(?<=\b(?i:infuse)\s))?(?i:albumin)"
                      r"(?=(?i:\s*(?:\d+(?:\.\d+)?\s*%|\d+(?:\.\d+)?\s*(?:g|grams?|ml)\b(?!\s*/)|"
                      r"(?:infusion|bolus|challenge|drip|gtt)\b)))|"
                      r"(?:(?<=%\s)|(?<=\b(?i:iv)\s))(?i:albumin)\b")


# "plt" is the platelet product only as a transfusion: a count of units, "x1", or a transfusion word right after
# it ("plt 1 unit irradiated x1", "Plt transfusion x1", "plt tx", "1 u plt" counted before it); otherwise it is
# the count ("plt 8", "plt 61K").
_PLT = re.compile(r"(?<![\w/-])(?i:plts?)(?=\s*(?:(?:\d{1,2}|one|two)\s*(?:units?|u|packs?|bags?|doses?)\b|x\s?\d\b|"
                  r"(?i:transfus\w*|txfn|tx\b|tx'?d|apheresis|pheresis|irradiated|given)))|"
                  r"(?<=(?i:\d\su\s))(?i:plts?)\b|(?<=(?i:\d\sunit\s))(?i:plts?)\b|(?<=(?i:\d\sunits\s))(?i:plts?)\b")


# "magnesium" and "potassium" are the lab values ("magnesium 1.6") unless a repletion verb follows them: "Magnesium
# replaced with 2 g IV", "Potassium repleted with 40 mEq PO", "Mag 2 g IV given" (the IV salt, as a team gives it).
_REPLETED = (r"(?=(?i:\s+(?:(?:was|were|is|being)\s+)?(?:replaced|repleted|replete|repleting|supplemented)\b|"
             r"\s+\d+(?:\.\d+)?\s*(?:g|grams?|meq)\s+(?:iv|po)\b))")
_MAGNESIUM_GIVEN = re.compile(rf"(?<![\w/-])(?i:magnesium|mag){_REPLETED}")
_POTASSIUM_GIVEN = re.compile(rf"(?<![\w/-])(?i:potassium){_REPLETED}")


# The graft of a stem cell transplant is a product given like a transfusion, but its names are also the procedure's
# ("stem cell transplant", "PBSC collection", "bone marrow biopsy"): a name is the product only as it is infused,
# thawed or given ("Allogeneic PBSC infused via CVC", "Stem cell infusion uneventful", "received the stem cells",
# "infusion of 2 cord blood units"). The full plural names ("peripheral blood stem cells") are in the abbreviation
# table: they never name the procedure.
_GRAFT_NAME = (r"(?:(?:peripheral\s+blood|h(?:a)?ematopoietic|allogeneic|autologous)\s+)?stem[\s-]+cells?|PBSCs?|"
               r"HPC(?:-A|-M|-C)?|(?:double\s+)?(?:umbilical\s+)?cord[\s-]+blood(?:\s+units?)?|(?:bone\s+)?marrow(?:\s+graft)?")
_GRAFT = re.compile(rf"(?<![\w/-])(?i:{_GRAFT_NAME})(?=(?i:\s+(?:\w+\s+){{0,3}}?(?:infus\w*|thaw\w*|given|received|"
                    rf"transfused|product\s+(?:infused|given|arrived))\b))|"
                    rf"(?<=(?i:infusion\sof\s))(?:\w+\s+){{0,3}}?(?i:{_GRAFT_NAME})\b|"
                    rf"(?<=(?i:received\sthe\s))(?i:{_GRAFT_NAME})\b")


# A transplant team's short names of conditioning drugs ("Flu #1 40 mg/m2 = 70 mg IV", "Cy 50 mg/kg", "Bu 3.2
# mg/kg", "Mel 140 mg/m2") name the drug only with a dose number or a dose right after them: "Flu" is otherwise
# influenza ("Flu A PCR"), and "Flu/Cy/TBI" names the regimen, not a dose given.
_DOSED = r"(?=\s*(?:#\s?\d|\d+(?:\.\d+)?\s*(?:mg|g)(?:/(?:kg|m2|m²))?\b(?!\s*/\s*(?:dl|l|ml)\b)))"
_CONDITIONING = tuple((re.compile(rf"(?<![\w/-]){short}(?![\w/-]){_DOSED}"), drug)
                      for short, drug in (("Flu", "fludarabine"), ("Cy", "cyclophosphamide"), ("Bu", "busulfan"),
                                          ("Mel", "melphalan")))


SAME_DRUG = paths.RESOURCES / "facts" / "same_drug.tsv"


@functools.lru_cache(maxsize=1)
def _same_drug() -> dict[str, str]:
    """``resources/facts/same_drug.tsv``: a dictionary key -> the key of the one drug it also names."""
    return {name.lower(): drug for name, drug in tables.pairs(SAME_DRUG)}


def mentions(text: str) -> list[Mention]:
    """Every drug ``text`` names: the grounding dictionary's names (brands and generics share a key) and the
    abbreviations of ``drug_abbreviations.tsv`` ("MTX", "vanc"), in text order; a salt that is the only form
    of its drug shares the drug's key (``same_drug.tsv``: "lithium carbonate" is "lithium")."""
    found = [m for m in medications.find(text) if m.key]
    same = _same_drug()
    named = [m._replace(key=same.get(str(m.key).lower(), m.key)) for m in found + _abbreviation_mentions(text, found)]
    # a name inside a longer one is not a drug of its own ("saline" in "3% saline", hypertonic saline)
    named = [m for m in named if not any(o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start
                                         for o in named)]
    named = [_regular_insulin(text, m) for m in named]
    return _combinations(text, sorted(named, key=lambda m: m.start))


_INFUSED = re.compile(r"\s*(?:regular\s+)?(?:gtt|drip|infusion|iv\s+(?:gtt|drip|infusion))\b", re.IGNORECASE)


def _regular_insulin(text: str, m: Mention) -> Mention:
    """Plain "insulin" is a class, but an insulin drip is regular insulin ("insulin gtt off at 13:00",
    "Regular insulin drip"): the same drug as the note's "insulin regular infusion"."""
    if m.key == "insulin" and (m.text.lower().startswith("regular") or _INFUSED.match(text, m.end)):
        return m._replace(key="insulin human")
    return m


def _combinations(text: str, named: list[Mention]) -> list[Mention]:
    """Two names a bare hyphen or slash joins are one product ("calcium carbonate-vitamin D3",
    "amlodipine-benazepril", "Lasix/furosemide"): one mention under the first name's key, so the product has
    one change, not one per ingredient."""
    out: list[Mention] = []
    for m in named:
        if out and text[out[-1].end : m.start] in ("-", "/"):
            out[-1] = out[-1]._replace(end=m.end, text=text[out[-1].start : m.end])
        else:
            out.append(m)
    return out
