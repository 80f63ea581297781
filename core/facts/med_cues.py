"""What a medication clause says in words: the change words (``resources/facts/medication_changes.tsv``
and the arrows, one-time doses and counted blood products read beside them), the nearest of them to a drug,
doses and rates, and a dose's amount, frequency and route for comparing two mentions."""

from __future__ import annotations

import functools
import re

from core import paths
from core.facts import tables

CUES = paths.RESOURCES / "facts" / "medication_changes.tsv"


CUT = re.compile(
    r"\s*(?:;|\.\s|(?<!\|)\s[-–]\s(?!\|)|,\s+(?=[A-Za-z]{4,}\b)|,\s{5}|\(reason|\breason:|\s(?:comma|period|new\s+paragraph)\b|"
    r"\s(?:and|but|because|since|so|which|as)\s(?=(?:she|he|they|we|i|her|his|the|this|that|it|there)\b))",
    re.IGNORECASE)


LAB_NAMES = paths.RESOURCES / "facts" / "lab_names.txt"


# Units as typed ("40 mEq") or dictated in full ("650 milligrams", "100 milliequivalents").
_SPELLED = {"milligram": "mg", "microgram": "mcg", "gram": "g", "milliequivalent": "meq", "millimole": "mmol",
            "milliliter": "ml", "millilitre": "ml", "liter": "l", "litre": "l"}


_LONG_UNITS = "|".join(rf"{word}s?" for word in _SPELLED)


DOSE_UNIT = re.compile(
    rf"\d\s*(?:(?:mg|mcg|µg|g|meq|mmol|ml|l|units?|u|iu|tabs?|tablets?|caps?|puffs?|drops?|{_LONG_UNITS})\b|%)",
    re.IGNORECASE)


# An arrow between two values is a change ("MTX 15 -> 20 mg", "cefepime 2 g q8h -> 2 g q12h"); an arrow
# between events or drugs ("propofol continued -> vanc d/c'd 11:00") only separates them, and so does one
# to a solution named by its strength ("Na 137 -> 3% saline STOPPED") or to a blood pressure ("labetalol 10 mg IV
# 05:20 -> 148/84 at 06:00": what the dose did).
ARROW = re.compile(r"(?<=[\w%)])\s*(?:->|→)\s*(?!\d[\d.]*\s*%\s*(?:saline|nacl|sodium|albumin|dextrose)\b)"
                   r"(?!\d{2,3}/\d{2,3}\b(?!\s*(?:mg|mcg|units?)\b))(?=\d|q\s?\d|(?:daily|bid|tid|qid|qd|qhs|weekly)\b|"
                   r"(?:iv|po|sc|sq|im|sl|pr|oral|enteral|per\s+tube|ng|peg|prn)\b\s*(?::|\d|$|[.,;)]))", re.IGNORECASE)
# Another amount in place of the old: "take furosemide 20 mg instead of 40 mg" changes the dose ("instead" alone starts
# the drug that replaces another).
_INSTEAD_OF_AMOUNT = re.compile(r"\binstead\s+of\s+(?:the\s+)?\d", re.IGNORECASE)
# A run of doses counted out: "potassium chloride 10 mEq/h IV x4 runs", "x2 doses".
_RUNS = re.compile(r"\bx\s?\d{1,2}\s+(?:runs?|doses?|bags?)\b", re.IGNORECASE)


# A regimen given from a numbered day of the stay: "G-CSF 5 mcg/kg daily from D+5", "acyclovir from Day -7",
# "heparin SC from POD 1" (its start; "from 50 to 100 mg" is a dose change, read by its arrow words).
_FROM_DAY = re.compile(r"\bfrom\s+(?:D|Day|HD|POD)\s?[+-]?\d{1,3}\b(?!\s*(?:to|through|until|-)\s*(?:D|Day|HD|POD)?\s?[+-]?\d)",
                       re.IGNORECASE)


# An electrolyte replaced by an amount: "Magnesium replaced with 2 g IV" (not "replaced with apixaban": a switch).
_REPLACED_WITH_AMOUNT = re.compile(r"\breplaced\s+with\s+(?=\d)", re.IGNORECASE)


# A one-time dose, given by its route: "furosemide 80 mg IV once" (not "once daily"), "magnesium sulfate 2 g IV
# over 2 hours", "calcium gluconate 1 gram IV over ten minutes".
_ONE_TIME = re.compile(
    r"\b(?:iv|ivpb|po|im|sc|subcu|sl|pr|by\s+mouth|nebulized|by\s+nebulizer)\s+(?:once\b(?!\s+(?:daily|a\s+day|"
    r"weekly|a\s+week|nightly|every|per))|over\s+(?:\d+|one|two|three|four|five|six|eight|ten|fifteen|twenty|thirty)"
    r"\s*(?:min|mins|minutes|h|hr|hrs|hours?)\b)", re.IGNORECASE)


# A blood product counted out before its name: "1 unit apheresis platelets", "2 units irradiated PRBC" - given.
TRANSFUSED = re.compile(
    r"(?<![\w.])\d{1,2}\s*(?:units?|u|pools?|bags?|doses?)\s+(?:of\s+)?(?:(?:irradiated|leukoreduced|washed|apheresis|"
    r"pooled|single-donor|hla-matched|crossmatched|uncrossmatched|group\s+\w+|cmv-safe),?\s+){0,3}"
    r"(?=(?:platelets?|plts?|prbcs?|red\s+cells|rbcs?|plasma|ffp|cryo(?:precipitate)?)\b(?!\s+(?:crossmatched|"
    r"cross-matched|on\s+hold|available|ready|typed|reserved|on\s+standby)))", re.IGNORECASE)  # "2 units PRBC
# crossmatched" are ready, not given


# A rate: "2.5 mg/h", "0.05 mcg/kg/min", "18 units/hr", "2 g/h".
RATE = re.compile(r"\d\s*(?:mg|mcg|µg|g|units?|u|ml|meq|mmol|ng)(?:/kg)?/(?:h|hr|hour|min)\b", re.IGNORECASE)


def is_infusion(after: str) -> bool:
    """Whether the words after a drug make it an infusion: "infusion", "drip", "gtt" right after its name, or
    a rate in its clause."""
    return bool(FORM.match(after) or RATE.search(after[:60]))


def dose_in(text: str) -> bool:
    """Whether ``text`` gives a dose: a number with its unit ("40 mEq", "2 mg/h", "1 tab")."""
    return bool(DOSE_UNIT.search(text))


@functools.lru_cache(maxsize=1)
def _table() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for change, pattern in tables.pairs(CUES):
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in pattern.split("|"))
        out.append((change, re.compile(rf"(?<![\w/-])(?:{words})(?![\w/-])", re.IGNORECASE)))
    return out


# An arrow between two readings of a vital sign or a lab ("HR 88 -> 104", "K 3.1 -> 4.0") says how the patient
# changed, not a drug's dose: a drug named beside it ("DMSO odor, HR 88 -> 104") was not changed by it.
_READING_ARROW = re.compile(
    r"(?<![\w/-])(?:hr|heart\s+rate|pulse|bp|blood\s+pressure|rr|resp(?:iratory)?\s+rate|spo2|sats?|o2\s+sat|map|t|temp|"
    r"tmax|k|na|mg|phos|ca|ica|cr|creat(?:inine)?|bun|hgb|hb|plts?|platelets|wbc|anc|inr|glucose|bg|lactate|"
    r"bili(?:rubin)?|ast|alt|lipase|trop(?:onin)?(?:\s+i)?|blasts?|fio2)\s*:?\s*\d[\d.,/]*\s*%?\s*(?:->|→)\s*\d"
    r"|\b\d{1,2}/10\s*(?:->|→)\s*\d{1,2}/10\b", re.IGNORECASE)  # a pain score: "pain 5/10 -> 2/10"


# An arrow from a weight- or area-based dose to an amount ("filgrastim 5 mcg/kg -> 300 mcg SQ daily start today",
# "Flu 30 mg/m2 -> 55 mg/dose") works one dose out; it does not change it.
# So does an arrow to the amount rounded to a vial ("320 mcg -> vial-rounded to 300 mcg").
_WORKED_OUT = re.compile(r"\d+(?:\.\d+)?\s*(?:mg|mcg|µg|g|units?)/(?:kg|m2|m²)(?:/(?:day|d|dose))?"
                         r"(?:\s*[x×]\s*\d+(?:\.\d+)?\s*(?:kg|m2|m²))?(?:\s*=\s*\d[\d,]*(?:\.\d+)?\s*(?:mg|mcg|µg|g|units?))?"
                         r"\s*(?:->|→)\s*"
                         r"\d[\d,]*(?:\.\d+)?\s*(?:mg|mcg|µg|g|units?)\b(?!/(?:kg|m2|m²|h|hr|min|day|d)\b)|"
                         r"(?:->|→)\s*(?:(?:vial|dose)[- ])?round(?:ed|s)?\s+(?:up\s+|down\s+)?to\b", re.IGNORECASE)


# A drug screen's result: "UDS +fentanyl, +methamphetamine", "utox positive for cocaine/opiates" - found, not given.
SCREENED = re.compile(r"\b(?:uds|u-?tox|(?:urine\s+)?(?:drug|tox(?:icology)?)\s+screen)\s*:?\s*(?:(?:positive|pos)\s+"
                       r"(?:for\s+)?)?\+?[a-z][\w-]*(?:\s*(?:,|/|and)\s*\+?[a-z][\w-]*)*", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _not_cues() -> list[re.Pattern[str]]:
    """The table's "-" rows: words holding a cue that say no change ("given the AKI"), readings' arrows,
    worked-out doses and a drug screen's results."""
    return [pattern for change, pattern in _table() if change == "-"] + [_READING_ARROW, _WORKED_OUT, SCREENED]


@functools.lru_cache(maxsize=1)
def cues() -> list[tuple[str, re.Pattern[str]]]:
    out = [(change, pattern) for change, pattern in _table() if change != "-"]
    out.append(("changed", ARROW))
    out.append(("changed", _INSTEAD_OF_AMOUNT))
    out.append(("started", _ONE_TIME))
    out.append(("started", TRANSFUSED))
    out.append(("started", _RUNS))
    out.append(("started", _REPLACED_WITH_AMOUNT))
    out.append(("started", _FROM_DAY))
    out.append(("stopped", _COMPLETED))
    out += [("started", _PLUS_SIGN), ("stopped", _MINUS_SIGN), ("changed", _GLUED_ARROW)]
    return out


# A sign glued to a drug in a team's shorthand: "+Keppra 500 mg PO bid", "- -vanc (last dose 14:00)", "Meds:
# -propofol, +cisatracurium gtt", "↓MTX d11 to 5 mg/m2". A minus counts only after a word and one space (a
# bullet, an arrow, a colon), never as a line's own bullet ("-aspirin 81 mg daily") or in "Day -3".
_PLUS_SIGN = re.compile(r"(?<![\w+])\+(?=[A-Za-z]{2})")
_MINUS_SIGN = re.compile(r"(?<=\S[ \t])-(?=[A-Za-z]{2})")
_GLUED_ARROW = re.compile(r"[↑↓](?=[A-Za-z])")


# A course finished: "Keppra completed 7-day course (last dose 06:00 today)", "antibiotic course complete".
_COMPLETED = re.compile(r"\bcompleted\s+(?:(?:a|the|its|his|her)\s+)?(?:(?:\d+|full|planned)[- ](?:day|week|dose)s?\s+)?"
                        r"(?:course|therapy|treatment|taper)\b|\b(?:course|therapy|treatment|taper|prophylaxis|regimen)\s+"
                        r"(?:(?:is|was|now)\s+)?(?:completed|complete|finished|ended)\b|"
                        r"\bcourse\s+of\s+[\w-]+(?:\s+[\w-]+)?\s+(?:(?:is|was|has|now)\s+)?(?:completed|finished|ended)\b|"
                        r"\bcompleted\s+(?:a\s+|the\s+|all\s+)?\d+\s+(?:days?|weeks?|doses?)\s+of\b",
                        re.IGNORECASE)  # "the 7-day course of ceftriaxone ended on day 7"


@functools.lru_cache(maxsize=1)
def lab_names() -> frozenset[str]:
    return frozenset(name.lower() for name in tables.lines(LAB_NAMES))


def change_in(text: str, anchor: int, anchor_end: int | None = None) -> tuple[str, int, int] | None:
    """The change word in ``text`` nearest to the drug name at ``anchor`` (ending at ``anchor_end``, so that
    a long name is not penalized for its length): (change, start, end), or None."""
    best = None
    after = anchor if anchor_end is None else anchor_end
    masked = [m.span() for pattern in _not_cues() for m in pattern.finditer(text)]
    for change, pattern in cues():
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in masked):
                continue  # "given the AKI": not a cue
            distance = anchor - m.end() if m.end() <= anchor else max(0, m.start() - after)
            if best is None or distance < best[0] or (distance == best[0] and m.start() <= best[2] and m.end() >= best[3]
                                                      and m.end() - m.start() > best[3] - best[2]):
                best = (distance, change, m.start(), m.end())  # a longer cue holding the nearest: "no change"
    return best[1:] if best else None


_AMOUNT = re.compile(rf"(\d[\d,]*(?:\.\d+)?)\s*(mg|mcg|µg|g|units?|u|meq|mmol|ml|tabs?|tablets?|puffs?|{_LONG_UNITS})\b",
                     re.IGNORECASE)


def _unit(word: str) -> str:
    """"milligrams" -> "mg", "Units" -> "unit", "tabs" -> "tab"."""
    word = word.lower().rstrip("s")
    return _SPELLED.get(word, "unit" if word == "u" else word)


_FREQUENCY = {"daily": r"daily|once\s+daily|qd|q\s?24\s?h|every\s+day", "bid": r"bid|twice\s+daily|q\s?12\s?h",
              "tid": r"tid|three\s+times\s+daily|q\s?8\s?h", "qid": r"qid|four\s+times\s+daily|q\s?6\s?h",
              "hs": r"qhs|hs|at\s+bedtime|nightly", "weekly": r"weekly|once\s+a\s+week", "q4h": r"q\s?4\s?h"}


_ROUTE = {"oral": r"po|oral(?:ly)?|by\s+mouth|per\s+(?:og|ng)t?", "iv": r"iv|intravenous(?:ly)?",
          "sc": r"sc|sq|subcut\w*|subcutaneous(?:ly)?"}


def dose_of(text: str) -> dict[str, str]:
    """The first dose a clause gives — amount with unit, frequency, route — as far as it says them."""
    out: dict[str, str] = {}
    amount = _AMOUNT.search(text)
    if amount:
        out["amount"] = f"{float(amount.group(1).replace(',', '')):g} {_unit(amount.group(2))}"
        text = text[amount.start() :]
    for field, table in (("frequency", _FREQUENCY), ("route", _ROUTE)):
        hits = [(m.start(), name) for name, pattern in table.items()
                for m in [re.search(rf"(?<![\w/-])(?:{pattern})(?![\w/-])", text, re.IGNORECASE)] if m]
        if hits:
            out[field] = min(hits)[1]
    return out


def differs(new: dict[str, str], old: dict[str, str]) -> bool:
    return any(new[k] != old[k] for k in new.keys() & old.keys())


def other_amount(new: str, old: str) -> bool:
    """Whether two mentions of a drug give different amounts in the same unit ("4 puffs" / "2 puffs")."""
    def amounts(text: str) -> dict[str, float]:
        return {_unit(m.group(2)): float(m.group(1).replace(",", "")) for m in _AMOUNT.finditer(text)}

    a, b = amounts(new), amounts(old)
    return any(a[u] != b[u] for u in a.keys() & b.keys())


# A lab-like name given as a treatment: "insulin infusion per protocol", "potassium drip".
FORM = re.compile(r"\s*(?:infusions?|drips?|gtt|sliding\s+scale|correction\s+scale|replacement\s+protocol|"
                  r"(?:replacement|repletion)\s+per\s+protocol|protocol|rider)\b", re.IGNORECASE)


_STRUCK = re.compile(r"~~([^~\n]+)~~")


def unstruck(note: str) -> str:
    """``note`` with struck-through text ("~~continue cefazolin~~ stopped 03/17", a copied-forward plan line an
    author crossed out) read as withdrawn: the marks and the change words inside them become spaces, offset for
    offset, so the drug is what the words after the strike say, not what the stale line said."""
    if "~~" not in note:
        return note
    out = list(note)
    for m in _STRUCK.finditer(note):
        out[m.start() : m.start() + 2] = "  "
        out[m.end() - 2 : m.end()] = "  "
        inner = m.group(1)
        for _, pattern in cues():
            for c in pattern.finditer(inner):
                at = m.start(1) + c.start()
                out[at : at + len(c.group())] = " " * len(c.group())
    return "".join(out)
