"""Doses, vitals and lab values: a number with a unit, normalized so ``1 g`` == ``1,000 mg`` == ``1000mg``.

Values are converted to one base unit per dimension (mg, mL, °C, kg, mm, days); conversions
that round (lb, °F, months) compare with a small tolerance.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from core.grounding.findings import Mention, Taken

NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_BEFORE = r"(?<![\w.,/^])(?<![A-Za-z]-)"
_NOT_ALONE = re.compile(r"[\d/]|[.,]\d|\s*[-–]\s*\d")  # part of a ratio, range or longer number
_CASED = {"u", "l", "c", "f"}  # bare single letters count as units only in upper case
_LOWER = {"d"}  # ... and "d" only in lower case: "7 d total" is days, "vitamin D 1000" no unit
LABELS = (
    "HR|heart rate|pulse|RR|resp(?:iratory)? rate|SpO2|O2 sat(?:uration)?|sats?|temp(?:erature)?|"
    "WBC|Hgb|Hb|hemoglobin|Hct|Plt|platelets?|Na|sodium|K|potassium|Cl|chloride|HCO3|bicarb(?:onate)?|"
    "BUN|Cr|creatinine|glucose|BG|troponin|trop|BNP|NT-proBNP|INR|PTT|lactate|A1c|HbA1c|LVEF|EF|"
    "ejection fraction|eGFR|GFR|CRP|ESR|procalcitonin|ALT|AST|ALP|bilirubin|albumin|TSH|LDL|HDL|Mg|"
    "magnesium|phos(?:phorus)?|Ca|calcium|pH|pCO2|pO2|weight|wt|BMI|GCS|MAP|pain score"
)
_CONCENTRATIONS = (
    "mg/dl|mg/l|g/dl|g/l|mmol/l|umol/l|nmol/l|pmol/l|meq/l|u/l|iu/l|miu/l|ng/ml|ng/dl|ng/l|pg/ml|ug/ml|"
    "ug/l|uiu/ml|miu/ml|mg/mmol|cells/ul|mm/h|cmh2o|mmhg"
)


class Quantity(NamedTuple):
    kind: str  # "dose" or "number"
    dim: str | None  # None: a bare number after a label such as "HR"
    values: tuple[float, ...]  # in the dimension's base unit
    raw: tuple[float, ...]  # as written
    approx: bool


class _Unit(NamedTuple):
    kind: str
    dim: str
    scale: float
    offset: float = 0.0
    approx: bool = False


def _spellings() -> dict[str, _Unit]:
    table: dict[str, _Unit] = {}

    def add(spellings: str, kind: str, dim: str, scale: float = 1.0, offset: float = 0.0, approx=False):
        for s in spellings.split("|"):
            table[s] = _Unit(kind, dim, scale, offset, approx)

    numerators = {
        "mg|milligram|milligrams": ("mg", 1.0),
        "mcg|ug|microgram|micrograms": ("mg", 1e-3),
        "g|gm|gram|grams": ("mg", 1e3),
        "ml|cc|milliliter|milliliters": ("ml", 1.0),
        "l|liter|liters|litre|litres": ("ml", 1e3),
        "units|unit|u|iu": ("unit", 1.0),
        "million units|million unit": ("unit", 1e6),  # penicillin G "5 million units"
        "meq": ("meq", 1.0),
        "mmol": ("mmol", 1.0),
    }
    denominators = {"": "", "/kg": "/kg", "/kg/min": "/kg/min", "/kg/h": "/kg/h", "/kg/hr": "/kg/h",
                    "/kg/day": "/kg/day", "/kg/d": "/kg/day", "/day": "/day", "/d": "/day", "/h": "/h",
                    "/hr": "/h", "/hour": "/h", "/min": "/min", "/dose": "/dose", "/m2": "/m2"}  # fmt: skip
    for spelled, (dim, scale) in numerators.items():
        for num in spelled.split("|"):
            for den, canon in denominators.items():
                add(num + den, "dose", dim + canon, scale)
    add("tab|tabs|tablet|tablets", "dose", "tablet")
    add("cap|caps|capsule|capsules", "dose", "capsule")
    add("puff|puffs|inhalation|inhalations", "dose", "puff")
    add("drop|drops|gtt|gtts", "dose", "drop")
    for conc in _CONCENTRATIONS.split("|"):
        add(conc, "number", conc)
    add("mcg/ml", "number", "ug/ml")
    add("mcg/l", "number", "ug/l")
    add("mm/hr", "number", "mm/h")
    add("mm hg", "number", "mmhg")
    add("x10^9/l|x 10^9/l|10^9/l|k/ul|x10^3/ul|10^3/ul|/ul", "number", "10^9/l")
    add("ml/min|ml/min/1.73m2|ml/min/1.73 m2|ml/min/1.73m^2", "number", "ml/min")
    add("bpm|beats/min|beats per minute|breaths/min|breaths per minute|br/min|/min", "number", "/min")
    add("%|percent", "number", "%")
    add("°c|° c|degc|deg c|degrees c|degrees celsius|celsius|c", "number", "temp")
    f_to_c = {"scale": 5 / 9, "offset": -160 / 9, "approx": True}
    add("°f|° f|degf|deg f|degrees f|degrees fahrenheit|fahrenheit|f", "number", "temp", **f_to_c)
    add("kg|kgs|kilogram|kilograms", "number", "kg")
    add("lb|lbs|pound|pounds", "number", "kg", 0.45359237, approx=True)
    add("mm", "number", "mm")
    add("cm", "number", "mm", 10.0)
    add("inch|inches", "number", "mm", 25.4, approx=True)
    add("min|mins|minute|minutes", "number", "days", 1 / 1440)
    add("h|hr|hrs|hour|hours", "number", "days", 1 / 24)
    add("d|day|days", "number", "days")
    add("wk|wks|week|weeks", "number", "days", 7.0)
    add("mo|month|months", "number", "days", 30.0, approx=True)
    add("yr|yrs|year|years|y/o|yo|year-old|years-old|year old", "number", "days", 365.0, approx=True)
    return table


def _key(unit: str) -> str:
    unit = unit.lower().replace("µ", "u").replace("μ", "u").replace("º", "°").replace("×", "x")
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", unit.strip()))


def _unit_regex(spelling: str) -> str:
    body = re.escape(spelling).replace(r"\ ", r"\s+").replace("/", r"\s*/\s*")
    body = body.replace("u", "[uµμ]") if re.search(r"(^|/|m)u", spelling) else body
    body = "[x×]" + body[1:] if spelling.startswith("x") else body
    if spelling in _LOWER:
        return f"(?-i:{spelling})"
    return f"(?-i:{spelling.upper()})" if spelling in _CASED else body


@functools.cache
def _patterns() -> tuple[dict[str, _Unit], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    table = _spellings()
    units = "|".join(_unit_regex(s) for s in sorted(table, key=len, reverse=True))
    quantity = re.compile(
        # "q35-60 d", "q1-2 wks": an interval's number glued to its q; "4+ wks": at least 4 weeks
        rf"(?:{_BEFORE}|(?<=\bq))(?P<a>{NUM})(?:\s*(?:-|–|to)\s*(?P<b>{NUM})|\+)?(?:\s*|-)(?P<unit>{units})(?![A-Za-z])",
        re.IGNORECASE,
    )
    bp = re.compile(
        rf"{_BEFORE}(?P<a>\d{{2,3}})\s*/\s*(?P<b>\d{{2,3}})(?![\d/])(?P<unit>\s*mm\s*hg)?", re.IGNORECASE
    )
    labelled = re.compile(  # matched backwards from a number: "HR 110", "creatinine of 1.4"
        rf"\b(?:{LABELS})\b\s*[:=]?\s*(?:(?:of|was|is|were|at|now|to|peaked at|down to|up to)\s+)?$",
        re.IGNORECASE,
    )
    return table, quantity, bp, labelled


def number(text: str) -> float:
    return float(text.replace(",", ""))


def find(text: str, exclude: Iterable[tuple[int, int]] = ()) -> list[Mention]:
    """Doses and measured values in ``text``, skipping spans in ``exclude`` (dates)."""
    table, quantity, bp, labelled = _patterns()
    taken = Taken(len(text))
    for start, end in exclude:
        taken.add(start, end)
    found: list[Mention] = []

    def keep(start: int, end: int, q: Quantity) -> None:
        if not taken.overlaps(start, end):
            taken.add(start, end)
            found.append(Mention(start, end, text[start:end], q))

    for m in bp.finditer(text):
        before = text[max(0, m.start() - 20) : m.start()]
        if m["unit"] or re.search(r"(?:\bBP|blood pressure)\W{0,3}$", before, re.IGNORECASE):
            raw: tuple[float, ...] = (number(m["a"]), number(m["b"]))
            keep(m.start(), m.end(), Quantity("number", "mmhg", raw, raw, False))
    for m in quantity.finditer(text):
        if m.start() and text[m.start() - 1] in "qQ" and not m["b"]:
            continue  # "q8h" is a frequency (frequencies.py); only a range of intervals ("q1-2 wks") is a quantity
        unit = table[_key(m["unit"])]
        raw = tuple(number(v) for v in (m["a"], m["b"]) if v)
        if m["unit"] in ("C", "F") and not all(_plausible_temp(v, m["unit"]) for v in raw):
            continue
        if len(raw) == 2 and unit.kind == "number" and re.search(r"\bfrom\s+$", text[max(0, m.start() - 6) : m.start()]) \
                and re.match(r"\s*to\s", text[m.end("a") : m.start("b")] + " "):
            # "weight up from 71 to 73 kg": a change between two values, not a range
            for (a, b), v in zip(((m.start("a"), m.end("a")), (m.start("b"), m.end())), raw, strict=True):
                keep(a, b, Quantity(unit.kind, unit.dim, (v * unit.scale + unit.offset,), (v,), unit.approx))
            continue
        values = tuple(v * unit.scale + unit.offset for v in raw)
        keep(m.start(), m.end(), Quantity(unit.kind, unit.dim, values, raw, unit.approx))
    for m in _PREVIOUS.finditer(text):  # "Wt 84.1 kg (prev 85.3)": the earlier value in the same unit
        earlier = [f for f in found if 0 <= m.start() - f.end <= 2 and f.key.dim not in (None, "temp")]
        if not earlier:
            continue
        q = earlier[-1].key
        scale = q.values[0] / q.raw[0] if q.raw[0] else 1.0
        for piece in re.finditer(NUM, m["values"]):
            at = m.start("values") + piece.start()
            written = number(piece.group())
            keep(at, at + len(piece.group()), Quantity(q.kind, q.dim, (written * scale,), (written,), q.approx))
    for start, end, value in all_numbers(text):
        alone = not taken.overlaps(start, end) and not _NOT_ALONE.match(text, end)
        if alone and labelled.search(text, max(0, start - 40), start):
            keep(start, end, Quantity("number", None, (value,), (value,), False))
    return sorted(found)


_PREVIOUS = re.compile(rf"\(\s*(?:prev(?:ious(?:ly)?)?|prior|was|from|last)\.?:?\s*(?P<values>(?:{NUM})(?:\s*[x×]\s*(?:{NUM}))*)"
                       rf"(?=\s*(?:\)|on\b|in\b|at\b|,))", re.IGNORECASE)


def _plausible_temp(value: float, unit: str) -> bool:
    """A bare ``C``/``F`` after a number is a temperature only in a body-temperature range."""
    return 30 <= value <= 45 if unit == "C" else 86 <= value <= 113


def all_numbers(text: str) -> list[tuple[int, int, float]]:
    """Every number in ``text`` with its span."""
    return [(m.start(), m.end(), number(m.group())) for m in re.finditer(rf"{_BEFORE}(?:{NUM})", text)]


def close(a: float, b: float, approx: bool, dim: str | None) -> bool:
    """Equal, or within rounding when a conversion was approximate."""
    if not approx:
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)
    return abs(a - b) <= (0.1 if dim == "temp" else 0.02 * max(abs(a), abs(b)))


def matches(q: Quantity, other: Quantity) -> bool:
    """Whether ``other`` (from the note) states the same quantity as ``q`` (from the summary)."""
    if q.dim != other.dim or len(q.values) != len(other.values):
        return False
    return all(
        close(a, b, q.approx or other.approx, q.dim) for a, b in zip(q.values, other.values, strict=True)
    )
