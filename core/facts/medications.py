"""Medication facts: every drug the note names (the grounding check's dictionary, so brands and
generics merge), with the clause that gives its dose, route and frequency, and what happened to it —
started, stopped, changed, held, continued, or only listed.

A clause is the drug's sentence (or line) from the drug — or a change word just before it — up to the
next drug. The change is the nearest change word in that clause (``resources/facts/medication_changes.tsv``);
a drug joined to the previous one by "and" or a comma shares its change ("stop clopidogrel and aspirin");
under a "NEW:" / "STOPPED:" heading the heading decides. A drug with no change word is ``listed``.

Long courses (#12) add: a change word said after "A 2 g + B 500 mg" applies to both; one before an arrow
belongs to the event before it ("omeprazole held -> pantoprazole"); "switched to B" starts B; a short
label opening the line governs its list ("Given in hospital only: A, B"); a contingency ("If ... -> start
A", "only if") or an entry a correction withdraws is no change; a plan line that orders a drug no home list
names, with its dose, starts it; a restart at another dose, frequency or route than before is a change.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from core import paths
from core.facts import clauses, dictation, med_context, tables
from core.facts import sections as note_sections
from core.facts.fact import Fact, Section
from core.grounding import medications
from core.grounding.findings import Mention

CUES = paths.RESOURCES / "facts" / "medication_changes.tsv"
MAX_WORDS = 16
_JOINED = re.compile(r"[\s,;&/+]*(?:and|or|plus|\+|,|&)?[\s,;&/+]*", re.IGNORECASE)
_CUT = re.compile(
    r"\s*(?:;|\.\s|(?<!\|)\s[-–]\s(?!\|)|,\s+(?=[A-Za-z]{4,}\b)|,\s{5}|\(reason|\breason:|\s(?:comma|period|new\s+paragraph)\b|"
    r"\s(?:and|but|because|since|so|which|as)\s(?=(?:she|he|they|we|i|her|his|the|this|that|it|there)\b))",
    re.IGNORECASE)
LAB_NAMES = paths.RESOURCES / "facts" / "lab_names.txt"
# The sentence's last drug, stopped or held later in it: "... and then it was stopped because K was 4.9".
_THEN_IT = re.compile(r"\bthen\s+(?:it|this|that)\s+(?:was|were|is)\s+(\w+(?:'d)?)|"
                      r"(?:->|→)\s*((?:titrated|weaned)\s+off|off|stopped|d/c'?d)\b", re.IGNORECASE)
_PAST_BREAK = re.compile(r";|:\s+\S+\s+\S+", re.IGNORECASE)
_PASSIVE = re.compile(r"\s+(?:(?:tablets?|tabs?|capsules?|infusion|drip)\s+)?(?:(?:was|were|is|are|has\s+been|have\s+been)\s+)?",
                      re.IGNORECASE)
# A lab-like name given as a treatment: "insulin infusion per protocol", "potassium drip".
_FORM = re.compile(r"\s*(?:infusions?|drips?|gtt|sliding\s+scale|correction\s+scale)\b", re.IGNORECASE)
# Units as typed ("40 mEq") or dictated in full ("650 milligrams", "100 milliequivalents").
_SPELLED = {"milligram": "mg", "microgram": "mcg", "gram": "g", "milliequivalent": "meq", "millimole": "mmol",
            "milliliter": "ml", "millilitre": "ml", "liter": "l", "litre": "l"}
_LONG_UNITS = "|".join(rf"{word}s?" for word in _SPELLED)
_DOSE_UNIT = re.compile(
    rf"\d\s*(?:(?:mg|mcg|µg|g|meq|mmol|ml|l|units?|u|iu|tabs?|tablets?|caps?|puffs?|drops?|{_LONG_UNITS})\b|%)",
    re.IGNORECASE)
# A drug named only as the thing another replaces, or to avoid ("replaces furosemide", "no NSAIDs such as
# naproxen", "do not take ibuprofen"), as what another is for ("for lithium safety"), as the diluent of
# another ("in 400 mL of sterile water"), or as the time of another ("start carvedilol only after octreotide is
# finished") is part of the clause before it, not a change of its own. "for" makes a drug dependent only when
# a purpose follows it ("for lithium safety", "for digoxin levels"): "Prescription for amoxicillin 500 mg" is
# the amoxicillin prescribed.
_DEPENDENT = re.compile(
    r"(?:\(|\breplac\w*(?:\s+by)?|\binstead\s+of|\bin\s+place\s+of|\brather\s+than|\bavoid\w*|\bdo\s+not|"
    r"\bdon't|\bnever|\bno\b|\bnot\b|\bor\s+other|\ball\s+other|\bsuch\s+as|\be\.g\.|\bincluding|(?<!prophylaxis\s)\bwith|"
    r"\binteraction|\bin\s+\d[\d,.]*\s*(?:ml|milliliters?|l|liters?)\s+(?:of\s+)?|\bfrom|\bvs\.?|\bor|\b(?:until|once|when|while|if|unless)\s+(?:off|on)(?:\s+of)?|"
    r"\b(?:only\s+)?(?:after|once|until)(?:\s+the)?(?:\s+(?:last|first|next))?)\s*$",
    re.IGNORECASE)
# "Narrow piperacillin-tazobactam to ceftriaxone", "switch furosemide to torsemide": the first drug stops,
# the second starts.
_FOR = re.compile(r"\bfor\s*$", re.IGNORECASE)
_PURPOSE = re.compile(r"\s+(?:safety|toxicity|levels?|monitoring|interactions?)\b", re.IGNORECASE)
_SWITCH = re.compile(r"\b(?:switch|switched|change|changed|narrow|narrowed|transition|transitioned|convert|converted|"
                     r"de-escalate|de-escalated)\s+(?:from\s+)?$", re.IGNORECASE)
_TO = re.compile(r"\s*(?:to|->|→)\s*", re.IGNORECASE)
# Where a change is authoritative: a medication list at discharge beats the plan, which beats the course
# and the history of how the patient got here.
_AUTHORITY = {"discharge_medications": 4, "observation_and_plan": 3, "disposition": 3, "follow_up": 2,
              None: 2, "medical_decision_making": 2, "hospital_course": 1}
_HISTORY = {"medications", "history_of_present_illness", "past_medical_history", "past_surgical_history",
            "allergies", "family_history", "social_history"}
_PRIORITY = {"started": 10, "stopped": 10, "changed": 10, "held": 10, "continued": 6, "listed": 2}
_RECAP = 9
"""Priority of a change read only from a recap list's label: any other mention of that change wins."""


# An arrow between two values is a change ("MTX 15 -> 20 mg", "cefepime 2 g q8h -> 2 g q12h"); an arrow
# between events or drugs ("propofol continued -> vanc d/c'd 11:00") only separates them.
_ARROW = re.compile(r"(?<=[\w%)])\s*(?:->|→)\s*(?=\d|q\s?\d|(?:daily|bid|tid|qid|qd|qhs|weekly)\b)", re.IGNORECASE)


# A one-time dose, given by its route: "furosemide 80 mg IV once" (not "once daily"), "magnesium sulfate 2 g IV
# over 2 hours", "calcium gluconate 1 gram IV over ten minutes".
_ONE_TIME = re.compile(
    r"\b(?:iv|ivpb|po|im|sc|subcu|sl|pr|by\s+mouth|nebulized|by\s+nebulizer)\s+(?:once\b(?!\s+(?:daily|a\s+day|"
    r"weekly|a\s+week|nightly|every|per))|over\s+(?:\d+|one|two|three|four|five|six|eight|ten|fifteen|twenty|thirty)"
    r"\s*(?:min|mins|minutes|h|hr|hrs|hours?)\b)", re.IGNORECASE)


# A rate: "2.5 mg/h", "0.05 mcg/kg/min", "18 units/hr", "2 g/h".
_RATE = re.compile(r"\d\s*(?:mg|mcg|µg|g|units?|u|ml|meq|mmol|ng)(?:/kg)?/(?:h|hr|hour|min)\b", re.IGNORECASE)


def _infusion(after: str) -> bool:
    """Whether the words after a drug make it an infusion: "infusion", "drip", "gtt" right after its name, or
    a rate in its clause."""
    return bool(_FORM.match(after) or _RATE.search(after[:60]))


def dose_in(text: str) -> bool:
    """Whether ``text`` gives a dose: a number with its unit ("40 mEq", "2 mg/h", "1 tab")."""
    return bool(_DOSE_UNIT.search(text))


@functools.lru_cache(maxsize=1)
def _table() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for change, pattern in tables.pairs(CUES):
        words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in pattern.split("|"))
        out.append((change, re.compile(rf"(?<![\w/-])(?:{words})(?![\w/-])", re.IGNORECASE)))
    return out


@functools.lru_cache(maxsize=1)
def _not_cues() -> list[re.Pattern[str]]:
    """The table's "-" rows: words holding a cue that say no change ("given the AKI")."""
    return [pattern for change, pattern in _table() if change == "-"]


@functools.lru_cache(maxsize=1)
def cues() -> list[tuple[str, re.Pattern[str]]]:
    out = [(change, pattern) for change, pattern in _table() if change != "-"]
    out.append(("changed", _ARROW))
    out.append(("started", _ONE_TIME))
    return out


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
            if best is None or distance < best[0]:
                best = (distance, change, m.start(), m.end())
    return best[1:] if best else None


ABBREVIATIONS = paths.RESOURCES / "facts" / "drug_abbreviations.tsv"


@functools.lru_cache(maxsize=1)
def _abbreviations() -> dict[str, str]:
    """``resources/facts/drug_abbreviations.tsv``: abbreviation -> generic name."""
    return {short.lower(): drug for short, drug in tables.pairs(ABBREVIATIONS)}


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
    for m in re.finditer(r"(?<![\w/-])[A-Za-z][A-Za-z0-9-]{1,9}(?<!-)(?![\w/])", note):
        drug = table.get(m.group().lower())
        if drug and not any(t.start <= m.start() < t.end for t in taken):
            found.append(Mention(m.start(), m.end(), m.group(), drug))
    for pattern, drug in ((_NS, "saline solution"), (_PLASMA, "plasma")):  # names read only in context
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
                 r"running|stopped|held|increased|decreased|continues|continued|off\b|d/c|->|→|↓|↑))")


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
    return _combinations(text, sorted(named, key=lambda m: m.start))


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


def extract(original: str, found_sections: list[Section]) -> list[Fact]:
    note = dictation.punctuated(original)  # read "held comma no more KCl" as "held, no more KCl"
    drugs = mentions(note)
    spans = clauses.split(note)
    facts: list[Fact] = []
    for n, (a, b) in enumerate(spans):
        inside = [m for m in drugs if a <= m.start < b]
        kept, dependent = [], False
        left: set[int] = set()  # drugs a switch leaves ("switched from vancomycin to cefazolin"): stopped
        for i, m in enumerate(inside):  # a drug joined to a dependent one ("replaces zolpidem/diphenhydramine")
            joined = i > 0 and _JOINED.fullmatch(note[inside[i - 1].end : m.start])
            if _FROM_SWITCH.search(note[max(inside[i - 1].end if i else a, m.start - 40) : m.start]):
                left.add(m.start)
                dependent = False
            else:
                dependent = _dependent(note, inside[i - 1].end if i else a, m.start, m.end) or bool(dependent and joined)
            if not dependent:
                kept.append(m)
        inside = kept
        previous: tuple[str, int] | None = None  # (change, end of previous drug)
        for i, m in enumerate(inside):
            seg_end = inside[i + 1].start if i + 1 < len(inside) else b
            seg_start = previous[1] if previous else a
            section = note_sections.at(found_sections, m.start)
            clause = note[seg_start:seg_end]
            hit = change_in(clause, m.start - seg_start, m.end - seg_start)
            status = _status_cell(note, m, seg_end)
            if status is not None:  # "Ferrous sulfate | 325 mg daily | 325 mg every other day, start 03/23 | CHANGED"
                hit = (status[0], status[1] - seg_start, status[2] - seg_start)
            if hit and seg_start + hit[1] >= m.end and ";" in note[m.end : seg_start + hit[1]]:
                hit = None  # "Naproxen 500 mg … for 10 days; stop ibuprofen": past a semicolon, the next drug's
            if hit and hit[0] == "changed" and seg_start + hit[2] <= m.start and _consequence(note[seg_start : m.start]) \
                    and re.search(r"->|→", clause[hit[1] : hit[2]]):
                hit = ("started", hit[1], hit[2])  # "Hgb 6.9 -> 1 unit irradiated PRBC": the arrow leads to what was
                # done, not from one dose to another
            if hit and seg_start + hit[2] <= m.start and _PAST_BREAK.search(note[seg_start + hit[2] : m.start]):
                hit = None  # "factor this into the restart dose; vincristine ...", "stop today: Na 132 and a
                # lithium trial ...": a change word before a semicolon or a colon's reason is another's
                own = change_in(note[m.start : seg_end], 0, m.end - m.start)  # its own, after it ("PRN
                if own and own[1] >= m.end - m.start:  # started; senna 2 tabs qHS started with it")
                    hit = (own[0], m.start - seg_start + own[1], m.start - seg_start + own[2])
                elif own is None:
                    hit = _leading_verb(note, a, seg_start, m.start)
            if hit and med_context.long_ago(note[m.end : seg_end], hit[1] - (m.end - seg_start)):
                hit = None  # "He had tried pioglitazone years ago and stopped it": history
            if hit and med_context.dated_before(note, m.end, (seg_start + hit[1], seg_start + hit[2]), seg_end):
                hit = None  # "glipizide - stopped by PCP in 2031" in a 2033 note: history, not this encounter's
            if hit and seg_start + hit[2] <= m.start:
                hit = _past_arrow(note, seg_start, seg_end, m, hit)
            change = _heading_change(section)  # under "STOPPED:" the heading says it, whatever else the line says
            if change is None:
                change = hit[0] if hit else None
            if change is None and previous and _JOINED.fullmatch(note[previous[1] : m.start]):
                change = previous[0]
            if change is None and i + 1 < len(inside):
                change = _shared_after(note, m, inside[i + 1], inside[i + 2].start if i + 2 < len(inside) else b) \
                    or _list_after(note, inside[i:], b)
            led = None  # a change the line's own context gives ("given: A, B", "glucose 312 -> insulin")
            if change is None:
                change = led = (_inline_heading(note[a : m.start]) or _consequence(note[seg_start : m.start])
                                or _block_label(note, m.start) or _administered_row(note, m.start))
            # A list under a label ("Given in hospital only: A, B") only recaps the course.
            label = _LABEL.match(note[a : m.start])
            recap = bool(label and hit and change == hit[0] and seg_start + hit[2] <= a + label.end(1))
            if change is None:
                change = led = _line_label(note[a : m.start]) or _list_label(note, m.start)
                recap = change is not None
            switch = "stopped" if m.start in left else _switch(note, inside, i, a)
            if switch:
                change = switch
            elif change == "changed" and hit and re.fullmatch(r"titrate", clause[hit[1] : hit[2]], re.IGNORECASE) \
                    and med_context.ticked(note, m.start) and _infusion(note[m.end : seg_end]):
                change = "started"  # "[x] Nicardipine infusion 2.5 mg/h, titrate by 2.5 mg/h ...": an order for
                # an infusion, whose titration instructions are part of the order
            follow = None
            if change is None and len(inside) == 1:
                follow = _action_line(note, spans, n, drugs)
                change = follow[0] if follow else None
            if change and (_IF.match(note[a : m.start]) or _ONLY_IF.search(note[m.end : seg_end])
                           or _corrected(note, m.start) or med_context.unchecked(note, m.start)):
                change = "none"  # "If PF4 returns positive -> start argatroban", "restart X only if ...": a
                # contingency, not a change; "[ ] Magnesium sulfate IV": a box left unticked
            if change == "none":
                previous = (change, m.end)
                continue  # "diltiazem was avoided", "P2Y12 load deferred": nothing happened to it
            if m.key.lower() in lab_names() or m.text.lower() in lab_names():
                cue_before = hit and seg_start + hit[2] <= m.start and not note[seg_start + hit[2] : m.start].strip()
                # "the potassium chloride was taken out of the fluids": a change said of it, not a value
                cue_after = hit and seg_start + hit[1] >= m.end and _PASSIVE.fullmatch(note[m.end : seg_start + hit[1]])
                if not (_DOSE_UNIT.search(note[m.end : seg_end][:40]) or _FORM.match(note[m.end : seg_end])
                        or cue_before or cue_after or led):
                    previous = None
                    continue  # a result ("K 5.6"), not a medication
            start = m.start
            if hit and seg_start + hit[1] < m.start and not note[seg_start + hit[2] : m.start].strip(" :-"):
                start = seg_start + hit[1]  # "HOLD warfarin", "Start aspirin": keep the verb
            end = _clause_end(note, m.end, seg_end) if follow is None else follow[1]
            if m.start in left:  # "switched from vancomycin to cefazolin": the rest of the clause is the new drug's
                start, end = m.start, m.end
            raw = note[start:end]
            start += len(raw) - len(raw.lstrip(" ,;:-–"))
            text = raw.strip(" ,;:-–")
            if text.count("(") > text.count(")"):  # a parenthesis the clause cut open: leave it out
                text = text[: text.rfind("(")].rstrip(" ,;:-–")
            elif text.count(")") > text.count("("):  # "KCl 40 mEq PO x1 today)": a parenthesis it opened in
                text = text[: text.rfind(")")].rstrip(" ,;:-–")
            # An explicit action line in a reconciliation list is as authoritative as a discharge list.
            category = "discharge_medications" if follow else (section.category if section else None)
            text = original[start : start + len(text)].rstrip(" ,;:-–")  # the note's own words
            facts.append(Fact("medication", start, start + len(text), text, section=category,
                              change=change or "listed", drug=m.key,
                              priority=_RECAP if recap else _PRIORITY[change or "listed"]))
            second = _second_status(note, status) if status is not None and change == status[0] else None
            if second:  # "Acetaminophen | - | 1,000 mg PO q6h PRN | NEW - changed from scheduled to PRN today"
                facts.append(Fact("medication", start, second[1], original[start : second[1]], section=category,
                                  change=second[0], drug=m.key, priority=_PRIORITY[second[0]]))
            then = _THEN_IT.search(note, m.end, seg_end) if change else None
            if then and then.group(1) and i + 1 != len(inside):
                then = None  # "then it was stopped" is about the sentence's last drug; "-> off", its own
            then_change = change_in(then.group(1) or then.group(2), 0) if then else None
            if then_change and then_change[0] in ("stopped", "held") and then_change[0] != change:
                named = original[m.start : start + len(text)]  # from the drug: not its start verb
                facts.append(Fact("medication", m.start, m.start + len(named), named, section=category,
                                  change=then_change[0], drug=m.key, priority=_PRIORITY[then_change[0]]))
                # "we started A 10 g PO TID for 48 hours, he completed three doses and then it was stopped"
            previous = (change or "listed", m.end)
    return _merge(_course(note, facts))


_CONSEQUENCE = re.compile(r"(?:->|→)\s*(?:\d[\d.,]*\s*(?:units?|u|mg|mcg|g|ml|mmol|meq|tabs?|doses?)?\s*(?:of\s+)?"
                          r"(?:\s*(?:irradiated|leukoreduced|washed|crossmatched|uncrossmatched|apheresis|pooled)){0,2})?$",
                          re.IGNORECASE)


_LABEL = re.compile(r"\s*(?:[-*•]\s*)?([A-Za-z][^:\n]{0,48}):\s")


_LEADING = re.compile(r"[ \t]*(?:[-*•][ \t]*)?(?:[A-Za-z][\w/ ]{0,24}:[ \t]*)?"
                      r"(start|started|stop|stopped|held|hold|resume|resumed)\b", re.IGNORECASE)


def _leading_verb(note: str, a: int, seg_start: int, at: int) -> tuple[str, int, int] | None:
    """The verb that opens a sentence of semicolon-separated orders, for a drug that opens a later item with
    no word of its own: "ID: started vancomycin 2,250 mg IV load, then 1,250 mg IV q12h; cefepime 2 g IV
    q8h" — the cefepime was started too. Only when the drug is the item's first word."""
    item = max(note.rfind(";", a, at), note.rfind("\n", a, at)) + 1
    if not item or note[item:at].strip() or note[a:item].count(";") > 3:
        return None
    lead = _LEADING.match(note, a)
    if lead is None:
        return None
    hit = change_in(lead.group(1), 0)
    return (hit[0], lead.start(1) - seg_start, lead.end(1) - seg_start) if hit else None


def _status_cell(note: str, m, limit: int) -> tuple[str, int, int] | None:
    """The change a reconciliation table's status cell gives the drug its row opens with: the first later
    cell (before ``limit``) that begins with a change word ("| CHANGED (held 03/09) |", "| NEW - ... |").
    The status column is the table's answer; a change word elsewhere in the row ("every other day, start
    03/23") only describes the dose."""
    line_start = note.rfind("\n", 0, m.start) + 1
    line_end = note.find("\n", m.end)
    line_end = len(note) if line_end < 0 else line_end
    if note.count("|", line_start, line_end) < 2 or note[line_start : m.start].strip(" |"):
        return None  # not a table row, or the drug is not its first cell
    column = _status_column(note, line_start, line_end)
    if column is not None:
        return column if column[0] != "listed" else None
    cell = note.find("|", m.end, line_end)
    while 0 <= cell < min(line_end, limit):
        following = note.find("|", cell + 1, line_end)
        text = note[cell + 1 : following if following >= 0 else line_end]
        hit = change_in(text.lstrip(), 0)
        if hit and hit[1] == 0 and hit[0] != "none":
            at = cell + 1 + len(text) - len(text.lstrip())
            return hit[0], at, at + hit[2]
        cell = following
    return None


_STATUS_HEADER = re.compile(r"\b(?:status|action|change|disposition)\b", re.IGNORECASE)
_STILL = re.compile(r"\s*(?:remains|remain|stays|stay|still)\b", re.IGNORECASE)


def _cells(line: str) -> list[tuple[int, str]]:
    """A table row's cells as (offset in the line, text), without the empty edges of "| a | b |"."""
    out, pos = [], 0
    for part in line.split("|"):
        out.append((pos, part))
        pos += len(part) + 1
    if out and not out[0][1].strip():
        out = out[1:]
    if out and not out[-1][1].strip():
        out = out[:-1]
    return out


def _status_column(note: str, line_start: int, line_end: int) -> tuple[str, int, int] | None:
    """The change in the row's cell under a header named Status, Action, Change or Disposition ("| Medication
    | SICU order | Floor order | Transfer action |"): the table's own answer, whatever other cells say ("held"
    in the "SICU order" column of a drug the action column resumes). ``("listed", …)`` when the table has such
    a column and this row's cell gives no change ("ACTIVE"); None when it has none."""
    top = line_start
    while top > 0:  # the table's first line is its header
        above = note.rfind("\n", 0, top - 1) + 1
        if note.count("|", above, top - 1) < 2:
            break
        top = above
    if top == line_start:
        return None
    header = _cells(note[top : note.find("\n", top)])
    row = _cells(note[line_start:line_end])
    columns = [i for i, (_, text) in enumerate(header) if _STATUS_HEADER.search(text)]
    if not columns or columns[0] >= len(row) or len(row) != len(header):
        return None
    offset, text = row[columns[0]]
    at = line_start + offset + len(text) - len(text.lstrip())
    text = text.strip()
    hit = change_in(text, 0)
    if hit is None or hit[0] == "none":
        return ("listed", at, at) if hit is None else None
    if hit[0] == "continued" and _STILL.match(text):  # "remains STOPPED", "stays held": the state, not the stay
        later = change_in(text[hit[2] :], 0)
        if later and later[0] in ("stopped", "held"):
            hit = (later[0], hit[2] + later[1], hit[2] + later[2])
    return hit[0], at + hit[1], at + hit[2]


_THEN_CELL = re.compile(r"\s+[-–]\s+")


def _second_status(note: str, status: tuple[str, int, int]) -> tuple[str, int] | None:
    """A status cell's second change, after a dash: "NEW - changed from scheduled to PRN today" is a drug
    started in the stay and changed at discharge. (change, end of the cell)"""
    line_end = note.find("\n", status[2])
    cell_end = note.find("|", status[2], line_end if line_end >= 0 else len(note))
    rest = note[status[2] : cell_end if cell_end >= 0 else (line_end if line_end >= 0 else len(note))]
    dash = _THEN_CELL.match(rest)
    if not dash:
        return None
    hit = change_in(rest[dash.end() :], 0)
    if hit and hit[1] == 0 and hit[0] not in ("none", "continued", status[0]):
        return hit[0], status[2] + len(rest.rstrip())
    return None


# What may stand between a heading's cue word and its colon: a clock time ("Premedication given 09:30:").
_TO_COLON = re.compile(r"\s*(?:(?:at\s+)?\d{1,2}:\d{2}\s*(?:h\s*)?)?:")


def _inline_heading(before: str) -> str | None:
    """The change of a list's own heading earlier in the line: "Single doses given: A (HD1), B (HD3)",
    "Held: A, B", "Premedication given 09:30: A and B" — a cue word followed by a colon governs every drug
    after it."""
    found = None  # the last cue before a colon; of two ending there, the longer ("never given:", not "given:")
    for change, pattern in cues():
        for m in pattern.finditer(before):
            if _TO_COLON.match(before, m.end()) and (found is None or (m.end(), -m.start()) > found[1]):
                found = (change, (m.end(), -m.start()))
    return found[0] if found else None


_BULLET = re.compile(r"[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]")


def _block_label(note: str, at: int) -> str | None:
    """The change of a label line over a bullet list: "Given:" then "- calcium gluconate 1 g IV", "- sodium
    zirconium cyclosilicate 10 g PO TID" — the label (a short line ending in a colon, with a change word and
    no drug) governs every bullet under it, up to the first line that is not a bullet."""
    start = note.rfind("\n", 0, at) + 1
    if not _BULLET.match(note, start):
        return None
    while start > 0:
        above = note.rfind("\n", 0, start - 1) + 1
        line = note[above : start - 1]
        if _BULLET.match(line):
            start = above
            continue
        text = line.strip()
        if text.endswith(":") and len(text.split()) <= 6 and not mentions(text):
            return _first_cue(text)
        return None
    return None


def _line_label(before: str) -> str | None:
    """The first change word of a short label that opens the line and names no drug: "Given in hospital
    only: A, B", "Stopped in the ICU (not continued): A, B" - a recap list, less telling than the course."""
    label = _LABEL.match(before)
    if label and len(label.group(1).split()) <= 6 and not mentions(label.group(1)):
        return _first_cue(label.group(1))
    return None


def _first_cue(label: str) -> str | None:
    """The change of a label's first change word ("Previously stopped …, not continued": stopped); None for
    none or a "none" word ("not given")."""
    hit = min(((m.start(), change) for change, pattern in cues() for m in pattern.finditer(label)), default=None)
    return hit[1] if hit and hit[1] != "none" else None


_TIMED_CELL = re.compile(r"\s*(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?\s+)?\d{1,2}:\d{2}(?:\s*[-–]\s*\d{1,2}:\d{2})?\s*$")
_TIMED_LINE = re.compile(r"[ \t]*(?:[-*•][ \t]*)?\d{1,2}:\d{2}[ \t]*[:-]?[ \t]+")
_AMOUNT_CELL = re.compile(r"\d\s*(?:u|units?|pools?|mg|mcg|g|ml|meq|mmol|tabs?)\b", re.IGNORECASE)


def _administered_row(note: str, at: int) -> str | None:
    """``started`` for a drug in a row of an administration record — a table whose rows open with a clock
    time ("| 02:50 | OR | Calcium chloride | 1 g IV | iCa 0.86 |", a transfusion flowsheet, a MAR excerpt) —
    with an amount in the row: a dose given at that time."""
    line_start = note.rfind("\n", 0, at) + 1
    line_end = note.find("\n", at)
    line = note[line_start : line_end if line_end >= 0 else len(note)]
    timed = _TIMED_LINE.match(line)
    if timed and "|" not in line:  # "- 05:10: cefepime 2 g IV q8h + metronidazole 500 mg IV q8h"
        return "started" if at - line_start >= timed.end() and _AMOUNT_CELL.search(line[at - line_start :]) else None
    cells = _cells(line)
    if len(cells) < 3 or not _TIMED_CELL.match(cells[0][1]) or at - line_start < cells[1][0]:
        return None
    return "started" if _AMOUNT_CELL.search(line[at - line_start :]) else None


_LIST_LABEL = re.compile(r"[ \t]*(?:[-*•][ \t]*)?([A-Za-z][^:\n]{0,72}):[ \t]")


def _list_label(note: str, at: int) -> str | None:
    """The change of a label that opens the line of a list of drugs, for any drug of the list: "Previously
    stopped in the SICU (not on floor orders): propofol, fentanyl infusion, norepinephrine", "Single doses
    in the SICU (not continued): TXA, cefazolin" — the clause splitting (a comma before a word) leaves later
    items without the label. Up to ten words, no drug in it, and nothing but the list (no sentence end, no
    semicolon) between it and the drug."""
    line_start = note.rfind("\n", 0, at) + 1
    label = _LIST_LABEL.match(note, line_start)
    if not label or label.end() > at or len(label.group(1).split()) > 10 or mentions(label.group(1)):
        return None
    if re.search(r";|\.\s", note[label.end() : at]):
        return None
    return _first_cue(label.group(1))


def _consequence(before: str) -> str | None:
    """"glucose 312 -> insulin infusion", "Hgb 6.8 -> 1 unit packed red blood cells": a drug right after an
    arrow (and a quantity) is what was done about it."""
    return "started" if _CONSEQUENCE.search(before.rstrip()) else None


_IF = re.compile(r"\s*(?:[-*•]\s*)?(?:if|should)\b", re.IGNORECASE)
_ONLY_IF = re.compile(r"\bonly\s+(?:if|when)\b", re.IGNORECASE)
_SEE_CORRECTION = re.compile(r"\bsee\s+(?:[\w/.-]+\s+){0,3}correction\b", re.IGNORECASE)
# The next line withdraws this one: "[ADDENDUM ...: CORRECTION to the line above. Apixaban was NOT resumed ...]".
_ABOVE_CORRECTED = re.compile(r"\bcorrection\s+(?:to|of)\s+the\s+(?:line|entry|sentence)\s+above\b|"
                              r"\b(?:line|entry|sentence)\s+above\s+is\s+(?:an?\s+)?(?:error|wrong|incorrect)\b",
                              re.IGNORECASE)
_CORRECTION = re.compile(r"\bcorrection\b|\berror\b|\bnot\s+correct\b|\bwrong\b", re.IGNORECASE)


def _corrected(note: str, at: int) -> bool:
    """Whether the drug at ``at`` is named in an entry that a correction withdraws: its line points to the
    correction ("Furosemide 20 mg daily restarted. [see correction 01/20]"), or the correction quotes it
    ('CORRECTION: the 01/19 entry says "furosemide 20 mg daily restarted." That is an error'), or the next line
    corrects the line above."""
    start, end = note.rfind("\n", 0, at) + 1, note.find("\n", at)
    line = note[start : end if end >= 0 else len(note)]
    quoted = note[start:at].count('"') % 2 == 1
    nxt = note.find("\n", end + 1) if end >= 0 else -1
    after = note[end + 1 : nxt if nxt >= 0 else len(note)] if end >= 0 else ""
    return bool(_SEE_CORRECTION.search(line)) or (quoted and bool(_CORRECTION.search(line))) \
        or bool(_ABOVE_CORRECTED.search(after))


_EVENT_ARROW = re.compile(r"->|→")
# "A 2 g IV q24h + B 500 mg IV q24h started": A shares the change said after B.
_PLUS = re.compile(r"(?:[^.;:\n(]|\.\d){0,40}?\s(?:\+|and|plus|&)\s+", re.IGNORECASE)
_SWITCHED_TO = re.compile(r"\b(?:switch|switched|change|changed|convert|converted|transition|transitioned|narrow|narrowed|"
                          r"(?:de-?)?escalate|(?:de-?)?escalated|cross-taper|cross-tapered)\s+to\s+$", re.IGNORECASE)


def _past_arrow(note: str, seg_start: int, seg_end: int, m, hit):
    """A change word that an arrow separates from the drug belongs to the event before the arrow ("omeprazole
    held -> pantoprazole 40 mg IV daily"): the drug's own change is read after the arrow."""
    arrows = list(_EVENT_ARROW.finditer(note, seg_start + hit[2], m.start))
    if not arrows or not re.search(r"\w", note[seg_start + hit[2] : arrows[-1].start()]):
        return hit  # "ACTION: CHANGE -> 5 mg daily": the arrow points to what the change word says
    cut = arrows[-1].end()
    rest = change_in(note[cut:seg_end], m.start - cut, m.end - cut)
    return (rest[0], rest[1] + cut - seg_start, rest[2] + cut - seg_start) if rest else None


def _shared_after(note: str, m, following, following_end: int) -> str | None:
    """The change of the next drug, said after it, when this drug is joined to it by "+" / "and" (with its
    own dose between): "ceftriaxone 2 g IV q24h + azithromycin 500 mg IV q24h started 03:50"."""
    if not _PLUS.fullmatch(note[m.end : following.start]):
        return None
    rest = note[following.end : following_end]
    hit = change_in(rest, 0)
    if hit is None or _CUT.search(rest[: hit[1]]) or hit[0] == "none":
        return None
    return hit[0]


_LIST_GAP = re.compile(r"\s*(?:,|,?\s*and|&)\s*", re.IGNORECASE)


def _list_after(note: str, listed, end: int) -> str | None:
    """The change said right after the last of drugs listed by bare name ("Amlodipine, insulin glargine,
    atorvastatin, aspirin continued unchanged"): it applies to every drug of the list."""
    last = 0
    while last + 1 < len(listed) and _LIST_GAP.fullmatch(note[listed[last].end : listed[last + 1].start]):
        last += 1
    if last == 0:
        return None
    rest = note[listed[last].end : listed[last + 1].start if last + 1 < len(listed) else end]
    hit = change_in(rest, 0)
    if hit is None or hit[0] == "none" or len(rest[: hit[1]].split()) > 3 or _CUT.search(rest[: hit[1]]):
        return None
    return hit[0]


# "switched from vancomycin to", "oral step-down from IV cefazolin": the drug after it is the one left.
_FROM_SWITCH = re.compile(r"\b(?:switch(?:ed)?|chang(?:e|ed)|convert(?:ed)?|transition(?:ed)?|narrow(?:ed)?|"
                          r"step(?:ped)?[- ]?down|de-?escalat(?:e|ed|ion))\s+from\s+(?:(?:iv|po|oral|intravenous)\s+)?$",
                          re.IGNORECASE)
_FROM_SWITCH_TO = re.compile(r"\b(?:switch(?:ed)?|chang(?:e|ed)|convert(?:ed)?|transition(?:ed)?|narrow(?:ed)?|"
                             r"step(?:ped)?[- ]?down|de-?escalat(?:e|ed))\s+from\s+[^.;:\n]{1,40}?\s+to\s+$", re.IGNORECASE)


def _switch(note: str, inside, i: int, sentence_start: int) -> str | None:
    """``stopped`` / ``started`` when drug ``i`` is the first / second drug of "switch X to Y" or of
    "X d/c'd, switched to Y"; ``started`` for the drug a switch goes to ("switched from vancomycin to
    cefazolin")."""
    m = inside[i]
    if _FROM_SWITCH_TO.search(note[max(sentence_start, m.start - 60) : m.start]):
        return "started"
    if _SWITCHED_TO.search(note[max(inside[i - 1].end if i else sentence_start, m.start - 30) : m.start]):
        return "started"  # "escalated to meropenem 1 g IV q8h" with the drug left behind named elsewhere
    if i + 1 < len(inside) and _SWITCHED_TO.search(note[max(m.end, inside[i + 1].start - 30) : inside[i + 1].start]):
        return "stopped"
    if i + 1 < len(inside) and _TO.fullmatch(note[m.end : inside[i + 1].start]):
        before = note[max(sentence_start, m.start - 30) : m.start]
        if _SWITCH.search(before):
            return "stopped"
    if i > 0 and _TO.fullmatch(note[inside[i - 1].end : m.start]):
        before = note[max(sentence_start, inside[i - 1].start - 30) : inside[i - 1].start]
        if _SWITCH.search(before):
            return "started"
    return None


def _action_line(note: str, spans: Sequence[tuple[int, int]], n: int, mentions) -> tuple[str, int] | None:
    """A medication list's next line that says what to do with the drug named alone on line ``n``
    ("Amlodipine 10 mg daily" / "   ACTION: CHANGE -> 5 mg daily"): its change and where its clause ends.
    Only a line right below (no blank line) that names no drug of its own."""
    if n + 1 >= len(spans):
        return None
    a, b = spans[n + 1]
    gap = note[spans[n][1] : a]
    if gap.count("\n") != 1 or any(a <= m.start < b for m in mentions):
        return None
    hit = change_in(note[a:b], 0)
    if hit is None or hit[1] > 30:
        return None  # the change must lead the line, as an action does
    return hit[0], a + _clause_end(note[a:b], hit[2], b - a)


def _dependent(note: str, previous_end: int, start: int, end: int) -> bool:
    """Whether a drug is named inside the previous drug's clause: in its open parenthesis ("(now on
    apixaban)"), or after a word that makes it the thing replaced or avoided."""
    between = note[previous_end:start]
    if between.count("(") > between.count(")"):
        return not med_context.own_parenthesis(note, end, _DOSE_UNIT, change_in)  # "(KCl 40 mEq PO x1)"
    before = note[max(previous_end, start - 40) : start]
    return bool(_DEPENDENT.search(before) or (_FOR.search(before) and _PURPOSE.match(note, end)))


def _heading_change(section: Section | None) -> str | None:
    """The change a section's title says of its drugs ("STOPPED:", "NEW MEDICATIONS"); a qualifier in
    parentheses describes the section, not its drugs ("PATIENT INSTRUCTIONS (SUMMARY GIVEN TO PATIENT)"),
    and an arrow in a title is a transfer, not a dose change ("RECONCILIATION ON TRANSFER SICU -> 6 WEST")."""
    if section is None or not section.title:
        return None
    title = re.sub(r"\([^()]*\)", " ", section.title)
    hit = change_in(_ARROW.sub(lambda a: " " * len(a.group()), title), 0)
    return hit[0] if hit else None


def _clause_end(note: str, drug_end: int, seg_end: int) -> int:
    """Where the drug's clause ends: the next clause break after its dose, within ``MAX_WORDS`` words."""
    rest = note[drug_end:seg_end]
    cut = _CUT.search(rest, 1)
    end = drug_end + (cut.start() if cut else len(rest))
    words = list(re.finditer(r"\S+", note[drug_end:end]))
    if len(words) > MAX_WORDS:
        end = drug_end + words[MAX_WORDS - 1].end()
    return end


def _merge(facts: list[Fact]) -> list[Fact]:
    """What happened to each drug: one fact per kind of change (started, changed, held, stopped), each from
    the most authoritative section that says it (a discharge list, then the plan, then the course), the
    later mention winning, so that a long stay's "held on day 4, restarted on day 14" keeps both. "Continued"
    only when nothing else happened to the drug; a drug that is only listed is kept once."""
    by_drug: dict[str, list[Fact]] = {}
    for f in facts:
        by_drug.setdefault(f.drug or "", []).append(f)
    kept: list[Fact] = []
    for group in by_drug.values():
        changes = [f for f in group if f.change != "listed"]
        if not changes:
            kept.append(group[-1])
            continue
        if any(f.change != "continued" for f in changes):
            changes = [f for f in changes if f.change != "continued"]
        top = max(_AUTHORITY.get(f.section, 0) for f in changes)
        # A history or home-medication list says what was, not what happened: it counts only when nothing
        # better says anything about the drug.
        changes = [f for f in changes if f.section not in _HISTORY or _AUTHORITY.get(f.section, 0) == top]
        best: dict[str, Fact] = {}
        for f in changes:  # in note order: a later mention of equal authority replaces an earlier one, unless
            held = best.get(f.change or "")  # it drops the dose the earlier one gave ("Metoprolol succinate |")
            if held is None or _rank(f) > _rank(held) or (
                    _rank(f) == _rank(held) and (_DOSE_UNIT.search(f.text) or not _DOSE_UNIT.search(held.text))):
                best[f.change or ""] = f
        kept += best.values()
    return sorted(kept, key=lambda f: f.start)


def _rank(f: Fact) -> int:
    return -1 if f.priority == _RECAP else _AUTHORITY.get(f.section, 0)


_RESTART = re.compile(r"\b(?:resum\w*|restart\w*|re-start\w*|back\s+on)\b", re.IGNORECASE)
# "restarted at 50 mg (home dose 100 mg)" is another dose; "resumed home dose", "resumed at his usual home
# dose" is the same one.
_OTHER_DOSE = re.compile(r"\b(?:reduced|lower|higher|half|double|decreased|increased)\b|\bwas\s+\d|"
                         r"(?<!\bresumed\s)(?<!\brestarted\s)(?<!\bresume\s)(?<!\brestart\s)(?<!\bat\s)(?<!\bthe\s)(?<!\bhis\s)(?<!\bher\s)"
                         r"(?<!\busual\s)"
                         r"\bhome\s+dose\b", re.IGNORECASE)
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


def _dose(text: str) -> dict[str, str]:
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


def _differs(new: dict[str, str], old: dict[str, str]) -> bool:
    return any(new[k] != old[k] for k in new.keys() & old.keys())


_CONDITIONAL = re.compile(r"\b(?:if|unless|when|whether|once|until|after|before)\b", re.IGNORECASE)


# What may come before a drug a plan line orders: a bullet or number, a short label ("Sedation/analgesia:",
# "K 3.1:"), or another ordered drug and a plus ("fentanyl infusion 50-150 mcg/h + propofol").
_ORDER_LEAD = re.compile(r"\s*(?:[-*•]|#?\d{1,2}[.)]|\[[xX✓]\])?\s*(?:[A-Za-z][^:.;\n]{0,48}:\s*)?"
                         r"(?:(?:[^.;:\n]|\.\d)*\s(?:\+|plus)\s+)?$")


def _ordered(note: str, f: Fact) -> bool:
    """Whether a plan line orders the drug: the line opens with it (after a bullet or a short label), then
    its dose or an infusion, and no condition ("- Sedation: fentanyl infusion 50-150 mcg/h + propofol
    10-40 mcg/kg/min", "- Oxycodone 5 mg PO q4h PRN pain")."""
    after = _after_name(f)
    line_start = note.rfind("\n", 0, f.start) + 1
    if after is None or not _ORDER_LEAD.match(note[line_start : f.start]):
        return False
    rest = re.sub(r"^\s*\([^()]*\)", "", after)  # "PCV20 (pneumococcal 20-valent conjugate) 0.5 mL"
    return bool((_DOSE_UNIT.search(rest[:30]) or _FORM.match(rest)) and not _CONDITIONAL.search(rest))


def _after_name(f: Fact) -> str | None:
    """The fact's text after the drug's name, when the text opens with the name; None otherwise."""
    name = next((m for m in mentions(f.text) if m.key == f.drug), None)
    return None if name is None or name.start > 0 else f.text[name.end :]


_SYSTEMS_LINE = re.compile(r"[ \t]*(?:[-*•#][ \t]*)?(?:neuro|cv|cardiac|cardiovascular|resp|pulm|pulmonary|gi|fen|"
                           r"renal|gu|id|heme|hem|endo|vte|pain|sedation|nutrition|skin|msk)(?:/[a-z]+)?(?:[ \t]*/[ \t]*"
                           r"[a-z]+)?[ \t]*:", re.IGNORECASE)
_SENTENCE_OPEN = re.compile(r"(?:^|[.:;][ \t]+)(?:[A-Za-z][\w /-]{0,30}:[ \t]*)?$")


def _systems_order(note: str, f: Fact) -> bool:
    """Whether the drug is ordered on a systems-based plan line ("Neuro/pain: … Acetaminophen 1 g IV q6h
    scheduled.", "GI: NPO. Stress ulcer prophylaxis: pantoprazole 40 mg IV daily."): the line opens with an
    organ-system label, the drug opens a sentence (or a short label's item) and its dose follows."""
    line_start = note.rfind("\n", 0, f.start) + 1
    label = _SYSTEMS_LINE.match(note, line_start)
    if not label or label.end() > f.start or not _SENTENCE_OPEN.search(note[label.end() - 1 : f.start]):
        return False
    rest = _after_name(f)
    return rest is not None and bool(_DOSE_UNIT.search(rest[:30]) and not _CONDITIONAL.search(rest))


def _other_amount(new: str, old: str) -> bool:
    """Whether two mentions of a drug give different amounts in the same unit ("4 puffs" / "2 puffs")."""
    def amounts(text: str) -> dict[str, float]:
        return {_unit(m.group(2)): float(m.group(1).replace(",", "")) for m in _AMOUNT.finditer(text)}

    a, b = amounts(new), amounts(old)
    return any(a[u] != b[u] for u in a.keys() & b.keys())


def _course(note: str, facts: list[Fact]) -> list[Fact]:
    """What a drug's earlier mentions say about a later one. A drug that a plan orders with its dose and no
    change word, and that no home list or history names before, is started ("Sedation: fentanyl infusion
    50-150 mcg/h + propofol 10-40 mcg/kg/min" on admission); one a home list names at another amount of the
    same unit is changed ("[x] Albuterol HFA 90 mcg: 4 puffs" after "albuterol MDI 2 puffs"). A drug restarted at another dose, frequency or
    route than before it was held or stopped ("sertraline restarted at 50 mg (home dose 100 mg)", "furosemide
    restarted as 40 mg PO daily" after 40 mg IV BID) was changed, not started."""
    out: list[Fact] = []
    for n, f in enumerate(facts):
        systems = f.change == "listed" and _systems_order(note, f)
        if systems and f.section in _HISTORY:  # a plan line, whatever heading the sectionizer saw above it
            f = Fact(**{**f.__dict__, "section": "observation_and_plan"})
        if f.change == "listed" and (((f.section == "observation_and_plan" or med_context.ticked(note, f.start))
                                      and _ordered(note, f)) or systems):
            # a ticked order box is an order in any section ("Admission orders"); so is a dosed drug that opens
            # a sentence of a systems-based plan line ("GI: NPO. Stress ulcer prophylaxis: pantoprazole 40 mg
            # IV daily.")
            home = [g for g in facts[:n] if g.drug == f.drug and g.section in _HISTORY]
            change = "changed" if home and _other_amount(f.text, home[-1].text) else None if home else "started"
            if change:  # a new drug, or a home drug ordered at another strength or count ("4 puffs" for "2 puffs")
                f = Fact(**{**f.__dict__, "change": change, "priority": _PRIORITY[change]})
        if f.change == "started" and _RESTART.search(f.text):
            before = [g for g in facts[:n] if g.drug == f.drug]
            paused = [i for i, g in enumerate(before) if g.change in ("held", "stopped")]
            dosed = [g for g in (before[: paused[-1] + 1] if paused else before) if _dose(g.text).get("amount")]
            restart = _RESTART.search(f.text)
            after = f.text[restart.start() :] if restart else f.text
            new = _dose(after) or _dose(f.text)
            if (dosed and new and _differs(new, _dose(dosed[-1].text))) or _OTHER_DOSE.search(after):
                # "Resume warfarin at a reduced dose": the line starts at the drug, so that its restart verb
                # does not read as the change.
                lead = next((m.start for m in mentions(f.text) if m.key == f.drug), 0)
                cut = lead if _RESTART.search(f.text[:lead]) else 0
                f = Fact(**{**f.__dict__, "change": "changed", "start": f.start + cut, "text": f.text[cut:]})
        out.append(f)
    return out
