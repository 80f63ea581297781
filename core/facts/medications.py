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

This module walks the clauses and decides; what it reads them with lives beside it: the change words and
doses in ``med_cues``, the drug names in ``med_names``, what a table's layout says in ``med_tables``, what a
label says about the drugs under it in ``med_labels``, and negation/dating context in ``med_context``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from core.facts import clauses, dictation, med_context, med_grid
from core.facts import sections as note_sections
from core.facts.fact import Fact, Section
from core.facts.med_cues import (
    ARROW,
    CUT,
    DOSE_UNIT,
    FORM,
    RATE,
    SCREENED,
    TRANSFUSED,
    change_in,
    differs,
    dose_in,
    dose_of,
    is_infusion,
    lab_names,
    other_amount,
    unstruck,
)
from core.facts.med_labels import (
    LABEL,
    PROCEDURE_ONLY,
    block_label,
    block_title,
    consequence,
    inline_heading,
    line_label,
    list_after,
    list_label,
)
from core.facts.med_names import mentions
from core.facts.med_tables import administered_row, second_status, status_cell
from core.grounding import devices

MAX_WORDS = 16


_JOINED = re.compile(r"[\s,;&/+]*(?:and|or|plus|\+|,|&)?[\s,;&/+]*", re.IGNORECASE)


# The sentence's last drug, stopped or held later in it: "... and then it was stopped because K was 4.9"; a
# held drug resumed in the same breath: "Cholecalciferol held inpatient, resumed at discharge.", "held and then
# resumed at 12.5 mg"; a drug tried and given up: "Tramadol was trialled but caused nausea and was stopped."
_THEN_IT = re.compile(r"\bthen\s+(?:it|this|that)\s+(?:was|were|is)\s+(\w+(?:'d)?)|"
                      r"(?:->|→)\s*((?:titrated|weaned)\s+off|off|stopped|d/c'?d|resumed|restarted|re-started)\b|"
                      r",\s*(?:(?:then|and|but)\s+)?(resumed|restarted|re-started)\b|"
                      r"\b(?:and|but)\s+(?:then\s+)?(?:(?:was|were|had\s+to\s+be)\s+)?"
                      r"(resumed|restarted|re-started|stopped|discontinued|d/c'?d)\b", re.IGNORECASE)


_RENAL_DOSE = re.compile(r"renally\s+dosed|renal\s+dosing|renally\s+adjusted|renal\s+adjustment|dose\s+adjustment",
                         re.IGNORECASE)


def _in_parentheses(note: str, at: int) -> bool:
    line_start = note.rfind("\n", 0, at) + 1
    before = note[line_start:at]
    return before.rfind("(") > before.rfind(")")


_COMMA_OR_AND = re.compile(r",|\band\b", re.IGNORECASE)
_COMPANION = re.compile(r",\s*(?:together\s+with|along\s+with|in\s+addition\s+to|as\s+well\s+as|alongside)\b",
                        re.IGNORECASE)
_FUTURE_CUE = re.compile(r"[^.;\n]{0,40}?\b(?:will|to\s+be|plan|planned|tomorrow)\b", re.IGNORECASE)


_PAST_BREAK = re.compile(r";|:\s+\S+\s+\S+", re.IGNORECASE)
_IN_THE_ED = re.compile(r"\b(?:in|at|to)\s+(?:the\s+|our\s+)?(?:ED|ER|emergency\s+(?:department|room)|triage)\b"
                        r"|\bED\s+(?:team|course|physician|provider|staff)\b|\bon\s+arrival\b", re.IGNORECASE)
_EARLIER_VISIT = re.compile(r"\b(?:ago|last\s+(?:week|month|year)|previous|prior|earlier\s+this\s+(?:week|month|year))\b",
                            re.IGNORECASE)
# What a team did with a recommendation, said after it on its line: "... - NOT ACCEPTED - team prefers ...",
# "- DEFERRED", "- MODIFIED by Dr. A to ...", "- ACCEPTED". In capitals: prose's "deferred" is the change table's.
_FATE = re.compile(r"\s[-–—]\s+(NOT\s+ACCEPTED|DECLINED|DEFERRED|REJECTED|MODIFIED|ACCEPTED)\b")


def _cue_after(note: str, m, end: int, seg_start: int) -> tuple[str, int, int] | None:
    """The change word nearest the drug ``m`` that comes after it, before ``end``, as a hit in the clause that
    starts at ``seg_start``; None when the nearest is before it or there is none."""
    own = change_in(note[m.start : end], 0, m.end - m.start)
    if own and own[1] >= m.end - m.start:
        return (own[0], m.start - seg_start + own[1], m.start - seg_start + own[2])
    return None


def _line_end(note: str, at: int) -> int:
    end = note.find("\n", at)
    return len(note) if end < 0 else end


_OWN_VERB = re.compile(r"\s+(?:was|were|is|are|has\s+been|have\s+been)\s+[a-z]", re.IGNORECASE)


_PASSIVE = re.compile(r"\s+(?:(?:tablets?|tabs?|capsules?|infusion|drip)\s+)?(?:(?:was|were|is|are|has\s+been|have\s+been)\s+)?",
                      re.IGNORECASE)


# A drug named only as the thing another replaces, or to avoid ("replaces furosemide", "no NSAIDs such as
# naproxen", "do not take ibuprofen"), as what another is for ("for lithium safety"), as the diluent of
# another ("in 400 mL of sterile water"), or as the time of another ("start carvedilol only after octreotide is
# finished") is part of the clause before it, not a change of its own. "for" makes a drug dependent only when
# a purpose follows it ("for lithium safety", "for digoxin levels"): "Prescription for amoxicillin 500 mg" is
# the amoxicillin prescribed. "with" is no dependency after "controlled", "treated" or "managed" ("Pain controlled
# with hydromorphone 0.2 mg IV q3h PRN (started today)"): the drug is the treatment.
_DEPENDENT = re.compile(
    r"(?:\(|\breplac\w*(?:\s+by)?|\binstead\s+of|\bin\s+place\s+of|\brather\s+than|\bavoid\w*|\bdo\s+not|"
    r"\bdon't|\bnever|\bno\b|\bnot\b|\bor\s+other|\ball\s+other|\bsuch\s+as|\be\.g\.|\bincluding|(?<!prophylaxis\s)(?<!controlled\s)(?<!treated\s)(?<!managed\s)\bwith|"
    r"\binteraction|\bin\s+\d[\d,.]*\s*(?:ml|milliliters?|l|liters?)\s+(?:of\s+)?|\bfrom|\bvs\.?|\bor|\b(?:until|once|when|while|if|unless)\s+(?:off|on)(?:\s+of)?(?:\s+(?:the|her|his|their|an?))?|"
    r"\b(?:only\s+)?(?:after|once|until)(?:\s+the)?(?:\s+(?:last|first|next))?|\bif\s+[^.;,:\n]*)\s*$",
    re.IGNORECASE)


# "Narrow piperacillin-tazobactam to ceftriaxone", "switch furosemide to torsemide": the first drug stops,
# the second starts.
_FOR = re.compile(r"\bfor\s*$", re.IGNORECASE)


_PURPOSE = re.compile(r"\s+(?:safety|toxicity|levels?|monitoring|interactions?)\b", re.IGNORECASE)


_SWITCH_VERB = (r"(?<!\bno\s)(?<!\bnot\s)(?:switch(?:ed)?|chang(?:e|ed)|convert(?:ed)?|transition(?:ed)?|narrow(?:ed)?|"
                r"broaden(?:ed)?|rotat(?:e|ed)|bridg(?:e|ed|ing)|(?:de-?)?escalat(?:e|ed|ion)|cross-taper(?:ed)?|"
                r"step(?:ped)?[- ]?down)")
"""The words of a switch from one drug or regimen to another."""
# The old drug first, the new one after: "lisinopril was swapped for losartan", "famotidine was replaced by
# pantoprazole", "oxycodone rotated to hydromorphone". The new drug first: "pantoprazole was substituted for
# omeprazole".
_OLD_THEN_NEW = re.compile(r"\s*(?:(?:was|were|is|has\s+been|had\s+been)\s+)?(?:(?:discontinued|stopped|d/c'?d)\s+and\s+)?"
                           r"(?:swapped(?:\s+out)?\s+for|exchanged\s+for|replaced\s+(?:by|with))\s*", re.IGNORECASE)
_NEW_THEN_OLD = re.compile(r"\s*(?:(?:was|were|is|has\s+been|had\s+been)\s+)?substituted\s+for\s*", re.IGNORECASE)
# A formulary substitution within a class: the first drug changed (the cue word says so), not stopped; the
# second started. "omeprazole 20 mg: therapeutic interchange to pantoprazole while inpatient"
_INTERCHANGED_TO = re.compile(r"\binterchang(?:e|ed)\s+(?:with|to)\s+$", re.IGNORECASE)
_SWITCH = re.compile(rf"\b{_SWITCH_VERB}\s+(?:from\s+)?$", re.IGNORECASE)


_TO = re.compile(r"\s*(?:to|->|→)\s*", re.IGNORECASE)


# Where a change is authoritative: a medication list at discharge beats the plan, which beats the course
# and the history of how the patient got here.
_AUTHORITY = {"discharge_medications": 4, "observation_and_plan": 3, "disposition": 3, "follow_up": 2,
              None: 2, "medical_decision_making": 2, "hospital_course": 1}


_HISTORY = {"medications", "history_of_present_illness", "past_medical_history", "past_surgical_history",
            "allergies", "family_history", "social_history"}


HOME_LIST = {"medications"}


_PRIORITY = {"started": 10, "stopped": 10, "changed": 10, "held": 10, "continued": 6, "listed": 2}


_RECAP = 9
"""Priority of a change read only from a recap list's label: any other mention of that change wins."""


def extract(original: str, found_sections: list[Section]) -> list[Fact]:
    note = unstruck(dictation.punctuated(original))  # read "held comma no more KCl" as "held, no more KCl"
    drugs = mentions(note)
    drugs = sorted(drugs + devices.mentions(note, drugs), key=lambda m: m.start)
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
            elif i and _OLD_THEN_NEW.fullmatch(note[inside[i - 1].end : m.start]):
                dependent = False  # "famotidine was replaced by pantoprazole": the new drug, not a replaced one
            else:
                dependent = _dependent(note, inside[i - 1].end if i else a, m.start, m.end) or bool(dependent and joined)
            if not dependent:
                kept.append(m)
        inside = [m for m in kept if not _title_line(note, m.start) and not _RESISTANT.match(note, m.end)]
        previous: tuple[str, int] | None = None  # (change, end of previous drug)
        for i, m in enumerate(inside):
            seg_end = inside[i + 1].start if i + 1 < len(inside) else b
            seg_start = previous[1] if previous else a
            section = note_sections.at(found_sections, m.start)
            clause = note[seg_start:seg_end]
            hit = change_in(clause, m.start - seg_start, m.end - seg_start)
            status = status_cell(note, m, seg_end)
            if status is not None:  # "Ferrous sulfate | 325 mg daily | 325 mg every other day, start 03/23 | CHANGED"
                hit = (status[0], status[1] - seg_start, status[2] - seg_start)
            elif hit and seg_start + hit[2] <= m.start and "\n" in note[seg_start + hit[2] : m.start]:
                line_end = note.find("\n", m.end)
                line_end = seg_end if line_end < 0 else min(line_end, seg_end)
                hit = _cue_after(note, m, line_end, seg_start) or hit  # "epinephrine DISCONTINUED 03/07\n
                # insulin infusion NEW 03/06": a tag on the drug's own line is its, not the line's above
            if hit and seg_start + hit[2] <= m.start and _COMMA_OR_AND.search(note, seg_start + hit[2], m.start):
                if _OWN_VERB.match(note, m.end, seg_end):
                    hit = _cue_after(note, m, seg_end, seg_start) or hit  # "lorazepam 2 mg IV once, levetiracetam
                    # was reloaded and increased": the cue past the comma was the drug before; the verb after is its own
                else:
                    own = _cue_after(note, m, min(_line_end(note, m.end), seg_end), seg_start)
                    hit = own if own and not _FUTURE_CUE.match(note, m.end) else hit  # "methylpred STOPPED,
                    # prednisone 30 mg PO daily started today"
                    if hit and seg_start + hit[2] <= m.start and _COMPANION.search(note, seg_start + hit[2], m.start):
                        hit = None  # "oxycodone ..., decreased to 5 mg q6h PRN, together with scheduled
                        # acetaminophen": the change was the drug's before
            other = _OFF_OTHER.match(note, seg_start + hit[2]) if hit and seg_start + hit[2] <= m.start \
                and clause[hit[1] : hit[2]].lower() == "off" else None
            if other and other.end() <= m.start:
                hit = None  # "now that she is off pressors - metoprolol 12.5 mg BID": off something else
            elif hit and clause[hit[1] : hit[2]].lower() == "off" and seg_start + hit[2] <= m.start \
                    and _STATE_BEFORE.search(clause[: hit[1]]):
                hit = None  # "BP 138/80 off lisinopril", "edema unchanged off furosemide": how the patient is while
                # the drug is off, not the day it stopped
            if hit and hit[0] == "changed" and _RENAL_DOSE.fullmatch(clause[hit[1] : hit[2]]) \
                    and _in_parentheses(note, seg_start + hit[1]):
                hit = None  # "[x] Cefepime 2 g IV q12h (renally dosed)": how the ordered dose was chosen, not a change
            if hit and seg_start + hit[1] >= m.end and ";" in _unbracketed(note[m.end : seg_start + hit[1]]):
                hit = None  # "Naproxen 500 mg … for 10 days; stop ibuprofen": past a semicolon, the next drug's
            if hit and hit[0] == "changed" and seg_start + hit[2] <= m.start and consequence(note[seg_start : m.start]) \
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
            if hit and any(s.start() <= m.start < s.end() for s in SCREENED.finditer(note, a, b)):
                hit = None  # "UDS +fentanyl, +methamphetamine": a screen's finding, not a drug given
            if hit and med_context.long_ago(note[m.end : seg_end], hit[1] - (m.end - seg_start)):
                hit = None  # "He had tried pioglitazone years ago and stopped it": history
            if hit and med_context.dated_before(note, m.end, (seg_start + hit[1], seg_start + hit[2]), seg_end):
                hit = None  # "glipizide - stopped by PCP in 2031" in a 2033 note: history, not this encounter's
            if hit and seg_start + hit[2] <= m.start:
                hit = _past_arrow(note, seg_start, seg_end, m, hit)
            change = _heading_change(note, section, m.start)  # under "STOPPED:" the heading says it, whatever
            # else the line says
            if change is None:
                change = hit[0] if hit else None
            if change is None and previous and _JOINED.fullmatch(note[previous[1] : m.start]):
                change = previous[0]
            if change is None and i + 1 < len(inside):
                change = _shared_after(note, m, inside[i + 1], inside[i + 2].start if i + 2 < len(inside) else b) \
                    or list_after(note, inside[i:], b)
            led = None  # a change the line's own context gives ("given: A, B", "glucose 312 -> insulin")
            if change is None:
                change = led = (inline_heading(note[a : m.start]) or consequence(note[seg_start : m.start])
                                or block_label(note, m.start) or administered_row(note, m.start))
            # A list under a label ("Given in hospital only: A, B") only recaps the course.
            label = LABEL.match(note[a : m.start])
            recap = bool(label and hit and change == hit[0] and seg_start + hit[2] <= a + label.end(1))
            if change is None:
                change = led = line_label(note[a : m.start]) or list_label(note, m.start)
                recap = change is not None
            if i + 1 < len(inside) and _same_drug_arrow(note, m, inside[i + 1]):
                previous = ("changed", m.end)  # "posaconazole DR 300 mg PO daily -> posaconazole 300 mg IV daily":
                continue  # the old regimen; the fact is the new one's, from here
            same_arrow = i > 0 and _same_drug_arrow(note, inside[i - 1], m)
            if same_arrow:
                change = "changed"
            if change == "stopped" and hit and seg_start + hit[1] >= m.end \
                    and _PART.fullmatch(note[m.end : seg_start + hit[1]]):
                change = "changed"  # "Morphine PCA basal d/c'd": a part of the regimen stopped, the drug goes on
            switch = "stopped" if m.start in left else _switch(note, inside, i, a)
            partner = (inside[i + 1] if switch == "stopped" and i + 1 < len(inside)
                       else inside[i - 1] if switch == "started" and i > 0 else None)
            if partner is not None and partner.key == m.key and partner.text.lower() == m.text.lower() \
                    and _SAME_DRUG_SWITCH.fullmatch(note, min(m.end, partner.end), max(m.start, partner.start)):
                switch = "changed"  # "heparin SC 5000 units BD CHANGED to heparin infusion": one drug's new form
                # (not "metoprolol tartrate ... switch to metoprolol succinate": another product)
            if switch and change != "none":  # "change to micafungin considered, NOT recommended now": no switch
                change = switch
            elif change == "changed" and hit and re.fullmatch(r"titrate", clause[hit[1] : hit[2]], re.IGNORECASE) \
                    and med_context.ticked(note, m.start) and is_infusion(note[m.end : seg_end]):
                change = "started"  # "[x] Nicardipine infusion 2.5 mg/h, titrate by 2.5 mg/h ...": an order for
                # an infusion, whose titration instructions are part of the order
            follow = None
            if change is None and len(inside) == 1:
                follow = _action_line(note, spans, n, drugs)
                change = follow[0] if follow else None
            fate = _FATE.search(note, m.end, _line_end(note, m.end))
            if fate and fate.group(1) != "ACCEPTED":  # a pharmacist's recommendation and what the team did with it
                if fate.group(1) != "MODIFIED":
                    change = "none"  # "Add lorazepam 0.5 mg PO q6h PRN. - DEFERRED": nothing was ordered
                elif change in (None, "listed", "none", "held", "stopped"):
                    change = "changed"  # "Omit the Day +11 methotrexate dose. - MODIFIED by Dr. B: give 50% of
                    # the dose": what was done is a dose change, not the omission
            if change and PROCEDURE_ONLY.search(block_title(note, m.start) or ""):
                change = "none"  # a row of "Intraprocedural medications (for the procedure only):"
            if change == "started" and _FOR_PROCEDURE.search(note, m.end, seg_end):
                change = "none"  # "gadobutrol 8 mL given for the scan", "midazolam 1 mg IV x1 by radiology RN"
            order = _ORDER_MESSAGE.search(note, note.rfind("\n", 0, m.start) + 1, m.start)
            if order and change not in (None, "none"):
                change = "stopped"  # "Order discontinued by Dr. B: diphenhydramine 25 mg IV x1 pre-infusion": the
                # order stopped, whatever its own words ("x1") say
            own_end = min(_line_end(note, m.end), inside[i + 1].start if i + 1 < len(inside) else len(note))
            if change and change != "none" and _NOT_GIVEN_AFTER.match(note, m.end, own_end):
                change = "none"  # "... diphenhydramine 25 mg IV x1 - patient intolerance. Never dispensed."
            contingent = False
            if hit and _IMPERATIVE.fullmatch(clause[hit[1] : hit[2]]) and not med_context.ticked(note, m.start):
                contingent = bool(seg_start + hit[2] <= m.start and _CONDITION_AFTER.match(note, m.end, seg_end)
                                  or seg_start + hit[1] >= m.end
                                  and _NAME_THEN_ORDER.fullmatch(note, m.end, seg_start + hit[1])
                                  and _CONDITION_AFTER.match(note, seg_start + hit[2], _aside_end(note, seg_start + hit[2], seg_end)))  # "Amlodipine restart
                # if still >160 tomorrow": the order word after the name, the condition after it
            if change and (contingent or _IF.match(note[a : m.start]) or _ONLY_IF.search(note[m.end : seg_end])
                           or _corrected(note, m.start) or med_context.unchecked(note, m.start)):
                change = "none"  # "If PF4 returns positive -> start argatroban", "restart X only if ...": a
                # contingency, not a change; "[ ] Magnesium sulfate IV": a box left unticked
            if change == "none":
                previous = (change, m.end)
                continue  # "diltiazem was avoided", "P2Y12 load deferred": nothing happened to it
            product = m.key in _PRODUCTS and bool(_PRODUCT_GIVEN.match(note, m.end, seg_end))
            if product and change in (None, "listed"):
                change = "started"  # "PRBC 1 unit today", "Platelets 1 apheresis unit transfused"
            if m.key.lower() in lab_names() or m.text.lower() in lab_names():
                cue_before = hit and seg_start + hit[2] <= m.start and not note[seg_start + hit[2] : m.start].strip()
                # "the potassium chloride was taken out of the fluids": a change said of it, not a value
                cue_after = hit and seg_start + hit[1] >= m.end and _PASSIVE.fullmatch(note[m.end : seg_start + hit[1]])
                counted = TRANSFUSED.search(note, max(seg_start, m.start - 80), m.start)
                if not (DOSE_UNIT.search(note[m.end : seg_end][:40]) or FORM.match(note[m.end : seg_end])
                        or cue_before or cue_after or led or (counted and counted.end() == m.start) or product):
                    previous = None
                    continue  # a result ("K 5.6"), not a medication
            start = m.start
            if hit and seg_start + hit[1] < m.start and not note[seg_start + hit[2] : m.start].strip(" :-"):
                start = seg_start + hit[1]  # "HOLD warfarin", "Start aspirin": keep the verb
            end = _clause_end(note, m.end, seg_end) if follow is None else follow[1]
            if m.start in left:  # "switched from vancomycin to cefazolin": the rest of the clause is the new drug's
                start, end = m.start, m.end
            elif switch == "stopped" and hit and hit[0] != "stopped":
                start = m.start  # "we changed fluconazole to posaconazole": fluconazole stopped; "changed" is the
                # switch's word, not this drug's
            if same_arrow:
                start = inside[i - 1].start
            raw = note[start:end]
            start += len(raw) - len(raw.lstrip(" ,;:-–>→"))  # not the arrow's head ("-> cefazolin 2 g")
            text = raw.strip(" ,;:-–").lstrip(">→ ")
            if text.count("(") > text.count(")"):  # a parenthesis the clause cut open: leave it out
                text = text[: text.rfind("(")].rstrip(" ,;:-–")
            elif text.count(")") > text.count("("):  # "KCl 40 mEq PO x1 today)": a parenthesis it opened in
                text = text[: text.rfind(")")].rstrip(" ,;:-–")
            # An explicit action line in a reconciliation list is as authoritative as a discharge list.
            category = "discharge_medications" if follow else (section.category if section else None)
            if category in HOME_LIST and _inpatient_list(found_sections, section):
                category = "hospital_course"  # the day's order list in a stay's record: what the stay did
            if category == "history_of_present_illness" and _IN_THE_ED.search(note, a, b) \
                    and not _EARLIER_VISIT.search(note, a, b):
                category = "hospital_course"  # "in the ED ... the ED team started a nicardipine drip": this stay's
                # first hours, told in the history, not how the patient got here
            text = original[start : start + len(text)].rstrip(" ,;:-–")  # the note's own words
            text = clauses.LEADER_AT_END.sub("", text).rstrip(" ,;:-–+")  # "micafungin 100 mg IV q24h .......": no
            # dots; "+NE gtt, +": not the next item's sign
            facts.append(Fact("medication", start, start + len(text), text, section=category,
                              change=change or "listed", drug=m.key,
                              priority=_RECAP if recap else _PRIORITY[change or "listed"]))
            second = second_status(note, status) if status is not None and change == status[0] else None
            if second:  # "Acetaminophen | - | 1,000 mg PO q6h PRN | NEW - changed from scheduled to PRN today"
                facts.append(Fact("medication", start, second[1], original[start : second[1]], section=category,
                                  change=second[0], drug=m.key, priority=_PRIORITY[second[0]]))
            then = _THEN_IT.search(note, m.end, seg_end) if change else None
            if then and then.group(1) and i + 1 != len(inside):
                then = None  # "then it was stopped" is about the sentence's last drug; "-> off", its own
            then_change = change_in(next(g for g in then.groups() if g), 0) if then else None
            if then and then_change and then_change[0] != change and (then_change[0] in ("stopped", "held") or (
                    then_change[0] == "started" and change in ("stopped", "held"))):
                named = original[m.start : start + len(text)]  # from the drug: not its start verb
                second_change = then_change[0]
                if second_change == "started" and _back_at_another_dose(note, facts, m, then.end(), seg_end):
                    second_change = "changed"  # "held on admission and restarted on HD9 at 25 mg daily" after a
                    # home 50 mg: back at another dose is a change (the set's rule)
                facts.append(Fact("medication", m.start, m.start + len(named), named, section=category,
                                  change=second_change, drug=m.key, priority=_PRIORITY[second_change]))
                # "we started A 10 g PO TID for 48 hours, he completed three doses and then it was stopped"
            previous = (change or "listed", m.end)
    for g in med_grid.changes(note):  # a timeline grid's rows: the change is read across the columns
        facts.append(Fact("medication", g.start, g.end, original[g.start : g.end], section="hospital_course",
                          change=g.change, drug=g.drug, priority=_PRIORITY[g.change]))
    facts.sort(key=lambda f: f.start)
    return _merge(_redosed(_running_started(_course(note, facts))))


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


_IF = re.compile(r"\s*(?:[-*•]\s*)?(?:if|should)\b", re.IGNORECASE)


_ONLY_IF = re.compile(r"\bonly\s+(?:if|when)\b", re.IGNORECASE)


# An order in the imperative or future with a condition after the drug ("Plan to start rifaximin if encephalopathy
# recurs", "increase furosemide to 40 mg BID if weight up 2 kg"): a contingency, not a change. "If needed" is
# a PRN order's wording and "if tolerated" an order's own caution, not a condition on whether to give it.
_IMPERATIVE = re.compile(r"(?:re-?)?start|resume|add|begin|initiate|increase|decrease|reduce|hold|stop|discontinue|"
                         r"change|switch|titrate|wean|taper|give|load|convert|transition", re.IGNORECASE)
_CONDITION_AFTER = re.compile(r"[^.;:\n]{0,80}?\b(?:(?:if|in\s+case|should)\b(?!\s+(?:needed|required|necessary|tolerated)\b)|"
                              r"once\s+(?:the\s+|her\s+|his\s+)?(?:[a-z]+\s+){0,2}(?:is|are|reach(?:es)?|improves?|resolves?|"
                              r"verifies|returns?|tolerat\w*|extubated|stable|afebrile|eating|taking)\b)", re.IGNORECASE)
# Between a drug and its order word, only a dose: "Amlodipine 5 mg restart if ..." (not "Amlodipine was restarted").
_NAME_THEN_ORDER = re.compile(r"[\s\d.,/%-]*(?:(?:mg|mcg|g|units?|meq|ml|po|iv|sc|sq|daily|bid|tid|qid|qhs|prn)\b[\s\d.,/%-]*)*[:\s-]*",
                              re.IGNORECASE)


_STATE_BEFORE = re.compile(r"(?:\d%?|\b(?:unchanged|stable|controlled|normal|acceptable|fine))\s*$", re.IGNORECASE)
_OFF_OTHER = re.compile(r"\s+(?:(?:the|her|his|all)\s+)?[a-z][\w-]*", re.IGNORECASE)
_SEE_ADDENDUM = re.compile(r"\bsee\s+(?:[\w/.-]+\s+){0,3}addendum\b", re.IGNORECASE)
_ERROR_ENTRY = re.compile(r"\bentered\s+in\s+error\b|\berroneous(?:ly)?\b|\bin\s+error\b", re.IGNORECASE)
_SEE_CORRECTION = re.compile(r"\bsee\s+(?:[\w/.-]+\s+){0,3}correction\b", re.IGNORECASE)


# The next line withdraws this one: "[ADDENDUM ...: CORRECTION to the line above. Apixaban was NOT resumed ...]".
_ABOVE_CORRECTED = re.compile(r"\bcorrection\s+(?:to|of)\s+the\s+(?:line|entry|sentence)\s+above\b|"
                              r"\b(?:line|entry|sentence)\s+above\s+is\s+(?:an?\s+)?(?:error|wrong|incorrect)\b",
                              re.IGNORECASE)


_CORRECTION = re.compile(r"\bcorrection\b|\berror\b|\bnot\s+correct\b|\bincorrect\b|\bwrong\b", re.IGNORECASE)
# A quoted line then taken out: 'v1 listed "nicotine patch 21 mg/24 h - NEW." Removed in v2'.
_REMOVED = re.compile(r"\b(?:removed|withdrawn|deleted|retracted)\b", re.IGNORECASE)


# A drug given only for a test or a procedure, in its own clause: contrast "for the scan", sedation "by radiology".
_FOR_PROCEDURE = re.compile(r"\bfor\s+(?:the\s+)?(?:scan|procedure|mri|ct|biopsy|bronchoscopy|endoscopy|egd|colonoscopy|"
                            r"lumbar\s+puncture|lp|line\s+placement|imaging|intubation|rsi)\b(?!\s+(?:results?|findings|report))|"
                            r"\bby\s+(?:radiology|anesthesia|anaesthesia|the\s+procedural(?:ist)?)\b|\bprocedur(?:e|al)\s+only\b",
                            re.IGNORECASE)
# An order message's lead ("Order discontinued by J. Placeholder, PharmD: filgrastim 480 mcg SC daily").
_ORDER_MESSAGE = re.compile(r"\border\s+(?:discontinued|cancell?ed)\b[^:\n]{0,60}:\s*$", re.IGNORECASE)
# Said later on the drug's own line, with no other drug between: it never reached the patient.
_NOT_GIVEN_AFTER = re.compile(r"[^\n]*?\bnever\s+(?:dispensed|given|administered)\b", re.IGNORECASE)
# An order placed on another patient's record: nothing happened to this patient.
_WRONG_PATIENT = re.compile(r"\bwrong\s+patient\b|\bbelonged\s+to\s+another\s+patient\b", re.IGNORECASE)


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
    entry = _entry_around(line, at - start)
    # "lisinopril | 20 mg daily | 5 mg PO daily | RESUME | see addendum", and a later addendum says an entry was
    # entered in error: the row points to its own withdrawal
    pointed = bool(_SEE_ADDENDUM.search(entry) and _ERROR_ENTRY.search(note, end if end >= 0 else len(note)))
    return bool(_SEE_CORRECTION.search(entry)) or (quoted and bool(_CORRECTION.search(line) or _REMOVED.search(line))) \
        or bool(_ABOVE_CORRECTED.search(after)) or pointed or _quoted_as_wrong(note, line.strip(" \t-*•"), start) \
        or _restated_as_wrong(note, line, start) or bool(_THEN_CALLED_WRONG.match(note, at)) \
        or _entered_in_error(note, at, line) or _in_wrong_quote(note, at) or bool(_WRONG_PATIENT.search(line))


_QUOTE = re.compile(r"[\"\u201c]([^\"\u201d\n]{15,200})[\"\u201d]")


@functools.lru_cache(maxsize=8)
def _wrong_quotes(note: str) -> tuple[tuple[int, str], ...]:
    """The passages a correction quotes and calls wrong ('states "WBC 3.1: MMF reduced to 500 mg PO BID". This is
    incorrect'), with where each quote stands."""
    return tuple((q.start(), q.group(1).strip(" .")) for q in _QUOTE.finditer(note)
                 if _CORRECTION.search(note, q.end(), q.end() + 80) and len(q.group(1).strip(" .")) >= 15)


def _in_wrong_quote(note: str, at: int) -> bool:
    """Whether the drug at ``at`` stands in a passage that a correction elsewhere quotes as wrong."""
    for quoted_at, text in _wrong_quotes(note):
        start = note.find(text, max(0, at - len(text)), at + len(text))
        while 0 <= start <= at:
            if start != quoted_at + 1 and at < start + len(text):
                return True
            start = note.find(text, start + 1, at + len(text))
    return False


def _quoted_as_wrong(note: str, line: str, line_start: int) -> bool:
    """Whether a correction elsewhere quotes this whole line and calls it wrong ('The discharge reconciliation
    above lists "amlodipine 5 mg PO daily - STOPPED, BP normal". That line is wrong.')."""
    if len(line) < 15:
        return False
    for quote in ('"', "\u201c"):
        at = note.find(quote + line, 0)
        while at >= 0:
            if at != line_start - 1 and _CORRECTION.search(note, at, at + len(line) + 200):
                return True
            at = note.find(quote + line, at + 1)
    return False


_ITEM_WORDS = re.compile(r"^\s*(?:[-*•]\s*|\d{1,2}[.)]\s*|(?:item\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                         r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\s+)",
                         re.IGNORECASE)
_SPOKEN_END = re.compile(r"[\s.,;]*(?:\bperiod|\bcomma)?[\s.,;]*$", re.IGNORECASE)
_SAID_WRONG = re.compile(r"\W{0,3}(?:that\s+is|that's|this\s+is|is|was)\s+(?:wrong|incorrect|an\s+error|in\s+error)\b"
                         r"|\W{0,3}scratch\s+that\b", re.IGNORECASE)


_IN_ERROR = re.compile(r"\s(?:was|were)\s+(?:entered|listed|written|documented)\s+as\s+[\"']?[A-Za-z]+[\"']?\s+in\s+error\b",
                       re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _says(note: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` occurs anywhere in ``note`` (asked once per note, for checks run for every drug)."""
    return pattern.search(note) is not None


def _entered_in_error(note: str, at: int, line: str) -> bool:
    """Whether a later correction says this drug's status on this line was entered in error: the discharge
    table's "lisinopril | 10 mg PO daily | RESUME" and "(1) lisinopril was entered as RESUME in error"."""
    name = re.match(r"[A-Za-z][\w-]*", note[at:])
    if not name or not _says(note, _IN_ERROR):
        return False  # most notes say no such thing: one scan of the note, not one per drug
    said = re.compile(rf"\b{re.escape(name.group())}\s+(?:was|were)\s+(?:entered|listed|written|documented)\s+as\s+"
                      r"[\"']?([A-Za-z]+)[\"']?\s+in\s+error\b", re.IGNORECASE)
    return any(m.start() > at and re.search(rf"\b{re.escape(m.group(1))}\b", line, re.IGNORECASE)
               for m in said.finditer(note))


# The drug's own words then called wrong: "I dictated aspirin 81 mg daily resume, that is wrong, scratch that".
_THEN_CALLED_WRONG = re.compile(r"[^.;\n]{0,80}?,\s*(?:that\s+is|that's|which\s+is|this\s+is)\s+(?:wrong|incorrect|an\s+error)\b"
                               r"|[^.;\n]{0,80}?\bscratch\s+that\b", re.IGNORECASE)


def _restated_as_wrong(note: str, line: str, line_start: int) -> bool:
    """Whether a correction elsewhere says this line again, unquoted, and calls it wrong: the dictated list's
    "twelve aspirin eighty one milligrams daily, resume period" and the addendum's "I dictated aspirin eighty
    one milligrams daily resume, that is wrong, scratch that"."""
    if not _says(note, _SAID_WRONG):
        return False  # most notes call nothing wrong: one scan of the note, not one per drug
    core = _SPOKEN_END.sub("", _ITEM_WORDS.sub("", line))
    words = re.findall(r"[a-z0-9]+", core.lower())
    if len(words) < 4:
        return False
    pattern = re.compile(r"\b" + r"\W+".join(words) + r"\b", re.IGNORECASE)
    return any(m.start() != line_start + line.lower().find(words[0]) and _SAID_WRONG.match(note, m.end())
               for m in pattern.finditer(note))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[(])")


def _entry_around(line: str, at: int) -> str:
    """The sentence of ``line`` that holds ``at``, with a bracketed pointer right after it ("... restarted.
    [see correction 01/20]"): what a "see correction" in a long prose line can be about. A pharmacist's
    paragraph that mentions "see my HD11 correction" about metformin withdraws nothing else it says."""
    ends = [m.start() for m in _SENTENCE_END.finditer(line)]
    starts = [m.end() for m in _SENTENCE_END.finditer(line)]
    a = max([s for s in starts if s <= at], default=0)
    later = [(e, s) for e, s in zip(ends, starts, strict=True) if e >= at]
    if not later:
        return line[a:]
    b, following = later[0]
    if line[following : following + 1] in "[(":  # the pointer trailing the sentence
        b = later[1][0] if len(later) > 1 else len(line)
    return line[a:b]


# A part of a PCA or infusion regimen, said between the drug and a stop word ("PCA basal d/c'd", "epidural
# bolus stopped"): the drug goes on with the rest of its regimen.
_PART = re.compile(r"\s*(?:(?:PCA|epidural|infusion|drip|gtt)\s*[-–:,]?\s*)?(?:basal|continuous|background|demand|bolus|"
                   r"clinician\s+bolus|lockout)(?:\s+(?:rate|dose|infusion|component))?(?:\s+(?:was|is|has\s+been))?\s*",
                   re.IGNORECASE)


# Blood products, and what right after one says it was given: a count of units or packs, "x2", or a
# transfusion word within a few words ("PRBC 1 unit today", "platelets x3", "Platelets 1 apheresis unit
# transfused"); a lab's "platelets 61" has none of them.
_PRODUCTS = {"platelet transfusion", "packed red blood cells", "plasma", "fresh frozen plasma", "cryoprecipitate"}
_PRODUCT_GIVEN = re.compile(r"[\s:,-]*(?:(?:\d{1,2}|one|two|three)\s*(?:units?|u|packs?|bags?|pools?)\b|x\s?\d\b|"
                            r"(?:[\w-]+\s+){0,3}(?:transfus\w*|txfn|tx'?d|apheresis|pheresis|irradiated)\b"
                            r"(?![\s-]+(?:threshold|goal|trigger|parameters?|criteria|consent|if|when|prn|as\s+needed|"
                            r"support|dependen\w*|history|reactions?|for\s+\w+\s*[<≤])))",
                            re.IGNORECASE)


# A line label that says what follows was given in this encounter ("ED meds:", "Given in ED:", "In theatre:",
# "Pre-op:"), under whatever heading the sectionizer saw above it.
_ENCOUNTER_LABEL = re.compile(r"[ \t]*(?:[-*•][ \t]*)?(?:ED|A&E|emergency(?:\s+department)?|resus|theatre|OR|"
                              r"pre-?op|intra-?op|given\s+in\s+(?:the\s+)?(?:ED|A&E|theatre|OR)|in\s+(?:the\s+)?(?:ED|theatre))"
                              r"(?:\s+(?:meds|medications|drugs|treatment|given))?\s*:", re.IGNORECASE)


_EVENT_ARROW = re.compile(r"->|→")


# "A 2 g IV q24h + B 500 mg IV q24h started": A shares the change said after B.
_PLUS = re.compile(r"(?:[^.;:\n(]|\.\d){0,40}?\s(?:\+|and|plus|&)\s+", re.IGNORECASE)


_SWITCHED_TO = re.compile(rf"\b{_SWITCH_VERB}\s+to\s+(?:(?:oral|po|iv|enteral|intravenous|inhaled|sc|sq)\s+)?$", re.IGNORECASE)


# What a line says of the drug before the stop ("Cefazolin: last IV dose 06:00 today - STOPPED -> cephalexin PO").
_ABOUT_LAST = re.compile(r"[:\s-]*(?:last|final)\s+(?:(?:iv|po|oral|dose|doses)\s+)*(?:dose\s+)?[^\n;.]{0,30}?[\s-]*$",
                         re.IGNORECASE)


def _past_arrow(note: str, seg_start: int, seg_end: int, m, hit):
    """A change word that an arrow separates from the drug belongs to the event before the arrow ("omeprazole
    held -> pantoprazole 40 mg IV daily"): the drug's own change is read after the arrow."""
    arrows = list(_EVENT_ARROW.finditer(note, seg_start + hit[2], m.start))
    lead = note[seg_start : seg_start + hit[1]].strip()  # nothing, or the drug before's dose ("~~vancomycin
    # 1,000 mg IV q12h~~ stopped -> cefazolin")
    if arrows and hit[0] in ("stopped", "held") and not note[arrows[-1].end() : m.start].strip() \
            and (not lead or (dose_in(lead) and len(lead.split()) <= 6) or _ABOUT_LAST.match(lead)) \
            and not re.search(r"\w", note[seg_start + hit[2] : arrows[-1].start()]):
        # "Tazocin STOPPED -> meropenem 1 g IV tds": the stop is the drug before it; the arrow leads to its successor
        return ("started", arrows[-1].start() - seg_start, arrows[-1].end() - seg_start)
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
    if hit is None or CUT.search(rest[: hit[1]]) or hit[0] == "none":
        return None
    return hit[0]


# "switched from vancomycin to", "oral step-down from IV cefazolin": the drug after it is the one left.
_FROM_SWITCH = re.compile(rf"\b{_SWITCH_VERB}\s+from\s+(?:(?:iv|po|oral|intravenous)\s+)?$", re.IGNORECASE)


_FROM_SWITCH_TO = re.compile(rf"\b{_SWITCH_VERB}\s+from\s+[^.;:\n]{{1,40}}?\s+to\s+$", re.IGNORECASE)


_MAYBE_SWITCH = re.compile(r"\b(?:may|might|could|would|consider(?:ing)?|plan(?:s|ning)?\s+to|if\s+\w+\s+\w+)\s+"
                           rf"(?:\w+\s+)?{_SWITCH_VERB}\b",
                           re.IGNORECASE)


def _same_drug_arrow(note: str, first, second) -> bool:
    """Whether an arrow leads from one regimen of a drug to another of the same drug in one breath
    ("posaconazole DR 300 mg PO daily -> posaconazole 300 mg IV daily (same dose)"): a route, form or dose change."""
    between = clauses.LEADER.sub(lambda d: " " * len(d.group()), note[first.end : second.start])  # "q12h ....... ->"
    arrow = _EVENT_ARROW.search(between)
    if first.key != second.key or not arrow or len(between) > 60 or re.search(r"[.;:\n]\s", between) \
            or _SWITCHED_TO.search(between) or re.search(rf"\b{_SWITCH_VERB}\b", between, re.IGNORECASE):
        return False  # "metoprolol tartrate 25 mg BID -> switch to metoprolol succinate": a switch stops one
    old, new = between[: arrow.start()], note[second.end : second.end + 40]
    return bool((DOSE_UNIT.search(old) or _ROUTE_WORD.search(old) or _REGIMEN_WORD.search(old))
                and (DOSE_UNIT.search(new) or _ROUTE_WORD.search(new) or FORM.match(new)))  # "heparin SQ 5,000
    # q8h STOPPED -> heparin infusion per nomogram started": from injections to an infusion of the same drug


# A regimen named without a dose: "lispro correction scale -> lispro 4 units TID with meals" changes it
_REGIMEN_WORD = re.compile(r"\b(?:correction|sliding)\s+scale\b|\bSSI\b|\bPRN\b", re.IGNORECASE)


_ROUTE_WORD = re.compile(r"\b(?:iv|po|sc|sq|im|sl|pr|oral|enteral|per\s+tube)\b", re.IGNORECASE)


def _switch(note: str, inside, i: int, sentence_start: int) -> str | None:
    """``stopped`` / ``started`` when drug ``i`` is the first / second drug of "switch X to Y" or of
    "X d/c'd, switched to Y"; ``started`` for the drug a switch goes to ("switched from vancomycin to
    cefazolin")."""
    m = inside[i]
    for pattern, first, second in ((_OLD_THEN_NEW, "stopped", "started"), (_NEW_THEN_OLD, "started", "stopped")):
        if i + 1 < len(inside) and pattern.fullmatch(note[m.end : inside[i + 1].start]):
            return first
        if i > 0 and pattern.fullmatch(note[inside[i - 1].end : m.start]):
            return second
    if i + 1 < len(inside) and _INTERCHANGED_TO.search(note[m.end : inside[i + 1].start]):
        return None
    if i > 0 and _INTERCHANGED_TO.search(note[inside[i - 1].end : m.start]):
        return "started"
    if i + 1 < len(inside) and _MAYBE_SWITCH.search(note[m.end : inside[i + 1].start]):
        return None  # "continue meropenem while febrile; may narrow to piperacillin-tazobactam once afebrile"
    if i > 0 and _MAYBE_SWITCH.search(note[inside[i - 1].end : m.start]):
        return None
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


_SAME_DRUG_SWITCH = re.compile(r"[^;.\n]{0,40}")


_ASIDE_OPENS = re.compile(r"\s[-–—]\s|\(")


def _aside_end(note: str, at: int, end: int) -> int:
    """Where the words after ``at`` stop being about its order: a dash or parenthesis opens an aside ("Losartan
    reduce 100 mg -> 50 mg daily (hyperkalemia) - keep on ARB ... if K allows")."""
    cut = _ASIDE_OPENS.search(note, at, end)
    return cut.start() if cut else end


_LINE_LABEL = re.compile(r"[ \t]*(?:[-*•][ \t]*)?([A-Za-z][\w /&-]{0,24}):")
_ACTION_LABEL = re.compile(r"action|change|status|plan|instruction|comment|decision|recommend|disposition|what to do|"
                           r"reconcil|->", re.IGNORECASE)


def _action_line(note: str, spans: Sequence[tuple[int, int]], n: int, mentions) -> tuple[str, int] | None:
    """A medication list's next line that says what to do with the drug named alone on line ``n``
    ("Amlodipine 10 mg daily" / "   ACTION: CHANGE -> 5 mg daily"): its change and where its clause ends.
    Only a line right below (no blank line) that names no drug of its own."""
    if n + 1 >= len(spans):
        return None
    a, b = spans[n + 1]
    gap = note[spans[n][1] : a]
    if gap.count("\n") != 1 or any(a <= m.start < b for m in mentions) or med_context.boxed(note, a):
        return None  # a line of its own checkbox ("[ ] d/c clinda after OR #3") is the next item, not an action
    label = _LINE_LABEL.match(note, a, b)
    if label and not _ACTION_LABEL.search(label.group(1)):
        return None  # "Nystatin QID." / "Lytes: K 4.3 post-HD -> 5.0": the next system's line, not an action
    hit = change_in(note[a:b], 0)
    if hit is None or hit[1] > 30:
        return None  # the change must lead the line, as an action does
    return hit[0], a + _clause_end(note[a:b], hit[2], b - a)


def _dependent(note: str, previous_end: int, start: int, end: int) -> bool:
    """Whether a drug is named inside the previous drug's clause: in its open parenthesis ("(now on
    apixaban)"), or after a word that makes it the thing replaced or avoided."""
    between = note[previous_end:start]
    if between.count("(") > between.count(")"):
        return not med_context.own_parenthesis(note, end, DOSE_UNIT, change_in)  # "(KCl 40 mEq PO x1)"
    before = note[max(previous_end, start - 40) : start]
    return bool(_DEPENDENT.search(before) or (_FOR.search(before) and _PURPOSE.match(note, end)))


_INPATIENT_TITLE = re.compile(r"\b(?:inpatient|active|scheduled|current)\s+(?:medications|meds|orders)\b|"
                             r"\bMAR\b|\b(?:medication|active)\s+orders\b", re.IGNORECASE)


def _inpatient_list(found_sections: list[Section], section: Section | None) -> bool:
    """Whether a medication list is the stay's own order list ("ACTIVE MEDICATIONS (auto-generated 03/07)",
    "Inpatient meds", "MAR"), not the patient's home list: a title that says orders, or one that says
    active or current medications after the note has already given a medication list (the home list comes
    first; a day's progress note repeats the orders running that day), or any medication list right under a
    plan in a record of hospital days."""
    if section is None:
        return False
    before = [s for s in found_sections if s.start < section.start]
    if not _INPATIENT_TITLE.search(section.title):  # a day's "Meds: +NE gtt, -propofol" under its plan, in a
        # record of hospital days: that day's changes
        return any(s.category == "hospital_course" for s in before) \
            and bool(before) and before[-1].category == "observation_and_plan"
    if re.search(r"\bMAR\b|orders\b|inpatient", section.title, re.IGNORECASE):
        return True
    return any(s.category in HOME_LIST for s in before)


def _heading_change(note: str, section: Section | None, at: int) -> str | None:
    """The change a section's title says of its drugs ("STOPPED:", "NEW MEDICATIONS"); a qualifier in
    parentheses describes the section, not its drugs ("PATIENT INSTRUCTIONS (SUMMARY GIVEN TO PATIENT)"),
    and an arrow in a title is a transfer, not a dose change ("RECONCILIATION ON TRANSFER SICU -> 6 WEST").
    A title with its drugs on its own line ("Held (home): lisinopril; metformin") says it of that line only:
    the nursing entry under it ("Haloperidol 2 mg IV x1 given 23:15") is not part of its list."""
    if section is None or not section.title:
        return None
    line_end = note.find("\n", section.start)
    line_end = len(note) if line_end < 0 else line_end
    colon = note.find(":", section.start, line_end)
    title_end = colon + 1 if section.title.endswith(":") and colon >= 0 else line_end
    if at > line_end and note[title_end:line_end].strip(" \t:-–"):
        return None
    title = re.sub(r"\([^()]*\)", " ", section.title)
    hit = change_in(ARROW.sub(lambda a: " " * len(a.group()), title), 0)
    return hit[0] if hit else None


_BRACKETED = re.compile(r"\([^()\n]*\)")


def _unbracketed(text: str) -> str:
    """``text`` with what its parentheses hold blanked, offset for offset: "(target; total 1.7 x 10^8 cells)" is an
    aside inside the clause, and its semicolon ends nothing."""
    return _BRACKETED.sub(lambda b: "(" + " " * (len(b.group()) - 2) + ")", text)


def _clause_end(note: str, drug_end: int, seg_end: int) -> int:
    """Where the drug's clause ends: the next clause break after its dose, within ``MAX_WORDS`` words."""
    rest = note[drug_end:seg_end]
    cut = CUT.search(rest, 1)
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
        # A home list's own "held" ("Home meds: aspirin, metoprolol and tamsulosin - all HELD") is what the
        # admission did with them.
        changes = [f for f in changes if f.section not in _HISTORY or _AUTHORITY.get(f.section, 0) == top
                   or (f.section in HOME_LIST and f.change == "held")]
        best: dict[str, Fact] = {}
        for f in changes:  # in note order: a later mention of equal authority replaces an earlier one, unless
            held = best.get(f.change or "")  # it drops the dose the earlier one gave ("Metoprolol succinate |")
            if held is None or _rank(f) > _rank(held) or (
                    _rank(f) == _rank(held) and (DOSE_UNIT.search(f.text) or not DOSE_UNIT.search(held.text))):
                best[f.change or ""] = f
        kept += best.values()
    return sorted(kept, key=lambda f: f.start)


def _running_started(facts: list[Fact]) -> list[Fact]:
    """An infusion first seen running during the stay and changed or stopped later was started then, even if
    no line says so ("Post-intubation: propofol 20 mcg/kg/min and fentanyl 50 mcg/h infusions", then "fentanyl
    150 mcg/h -> 100", "Fentanyl infusion off at extubation"): its first mention at a rate in the course or
    plan is its start. Not a drug a home list or the history names (it came in on it), nor one any line
    starts."""
    out = list(facts)
    for drug in {f.drug for f in facts if f.drug}:
        mine = [(n, f) for n, f in enumerate(facts) if f.drug == drug]
        if any(f.change == "started" or (f.section in _HISTORY and f.section != "allergies") for _, f in mine):
            continue
        later = [n for n, f in mine if f.change in ("changed", "stopped", "held")]
        first = next(((n, f) for n, f in mine if f.change == "listed" and RATE.search(f.text)), None)
        if later and first and first[0] < later[0]:
            n, f = first
            out[n] = Fact(**{**f.__dict__, "change": "started", "priority": _PRIORITY["started"]})
    return out


def _redosed(facts: list[Fact]) -> list[Fact]:
    """A dose given at another amount than the dose given or started before it, with the drug running in
    between, was a dose change: "MTX #2 10 mg/m2 = 18 mg IV 11:15", then "methotrexate 9 mg IV (5 mg/m2) given
    at 11:05" (bilirubin 2.6 -> 50% per protocol). Only a given dose in the course or plan: a list's or a
    table's NEW entry is the drug's start, whatever the course gave before. A drug held and then started again at
    another amount was changed (the set's rule, and a reconciliation's)."""
    out = list(facts)
    last: dict[str, Fact] = {}
    held: dict[str, Fact] = {}  # the last hold that says its dose ("home glargine 18 units on hold")
    for n, f in enumerate(facts):
        if not f.drug or f.change not in ("started", "stopped", "held"):
            continue
        before = last.get(f.drug)
        last[f.drug] = f
        if f.change == "held" and dose_of(f.text).get("amount"):
            held[f.drug] = f
        if f.change == "started" and before is not None and before.change == "held" and "|" not in f.text \
                and f.section not in _HISTORY and _other_amount(f, held.get(f.drug, before)):
            out[n] = Fact(**{**f.__dict__, "change": "changed"})  # "home glargine 18 units on hold", then
            continue  # "glargine 10 units SC nightly from tonight": back at another dose is a change
        if (f.change != "started" or before is None or before.change != "started" or "|" in f.text
                or f.section in _HISTORY or f.section == "discharge_medications" or not _GIVEN.search(f.text)):
            continue
        if _other_amount(f, before):
            out[n] = Fact(**{**f.__dict__, "change": "changed"})
    return out


_OTHER_DOSE_WORDS = re.compile(r"[^.;\n]{0,60}?\b(?:half|lower|reduced|higher|increased|decreased|new)\b[^.;\n]{0,30}?\bdose\b",
                               re.IGNORECASE)


def _back_at_another_dose(note: str, facts: list[Fact], m, resumed_at: int, seg_end: int) -> bool:
    """Whether a drug resumed in the same breath as it was held comes back at another dose than the one it had:
    an amount (or its frequency) after "resumed" that differs from the drug's last dose before, in this clause
    or an earlier fact, or words that say so ("at half the home dose")."""
    after = note[resumed_at:seg_end]
    if _OTHER_DOSE_WORDS.match(note, resumed_at):  # "... at 25 mg daily, which is half of his home 50 mg dose"
        return True
    new = dose_of(after)
    if not new.get("amount"):
        return False
    earlier = [dose_of(note[m.end : resumed_at])] + [dose_of(f.text) for f in reversed(facts)
                                                   if f.drug == m.key and f.end <= m.start]  # not this clause's own
    old = next((d for d in earlier if d.get("amount")), None)
    if old is None or old["amount"].split(" ", 1)[1] != new["amount"].split(" ", 1)[1]:
        return False
    return differs(new, old)  # another amount, or the same amount at another frequency ("q12h" -> "q8h")


def _other_amount(f: Fact, before: Fact) -> bool:
    """Whether ``f`` gives another amount of the same unit than ``before`` ("10 units" after "18 units")."""
    new, old = dose_of(f.text).get("amount"), dose_of(before.text).get("amount")
    return bool(new and old and new != old and new.split(" ", 1)[1] == old.split(" ", 1)[1])


_GIVEN = re.compile(r"\bgiven\b", re.IGNORECASE)


# An organism's resistance, not a drug: "methicillin-resistant Staphylococcus epidermidis", "vancomycin-resistant".
_RESISTANT = re.compile(r"[- ](?:resistant|sensitive|susceptible|intermediate)\b", re.IGNORECASE)


_RULE = re.compile(r"[ \t]*[=*_~#-]{5,}[ \t]*$")
_TITLE_WORD = re.compile(r"\b(?:NOTE|FLOWSHEET|CONSULT(?:ATION)?|SUMMARY|EXPORT|RECORD|LOG)\b")


def _title_line(note: str, at: int) -> bool:
    """Whether the line at ``at`` is an entry's title: framed by rule lines ("=====") above and below, or in
    capitals naming a kind of entry ("PHARMACY NOTE — VANCOMYCIN RENAL DOSING — D+6 — 03/16 11:55"). A drug
    named there is the entry's subject, not an order."""
    line = _line_of(note, at)
    start = note.rfind("\n", 0, at) + 1
    end = start + len(line)
    above = _line_of(note, start - 1) if start else ""
    below = _line_of(note, end + 1) if end < len(note) else ""
    letters = [c for c in line if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    if above and below and _RULE.match(above) and _RULE.match(below):
        return capitals >= 0.5 * len(letters) > 0  # not a framed paragraph ("HPI (free text): Mother reports ...")
    return bool(_TITLE_WORD.search(line)) and capitals >= 0.7 * len(letters)


def _rank(f: Fact) -> int:
    return -1 if f.priority == _RECAP else _AUTHORITY.get(f.section, 0)


_RESTART = re.compile(r"\b(?:resum\w*|restart\w*|re-start\w*|back\s+on)\b", re.IGNORECASE)


# "restarted at 50 mg (home dose 100 mg)" is another dose; "resumed home dose", "resumed at his usual home
# dose" is the same one.
_OTHER_DOSE = re.compile(r"\b(?:reduced|lower|higher|half|double|decreased|increased)\b|\bwas\s+\d|"
                         r"(?<!\bresumed\s)(?<!\brestarted\s)(?<!\bresume\s)(?<!\brestart\s)(?<!\bat\s)(?<!\bthe\s)(?<!\bhis\s)(?<!\bher\s)"
                         r"(?<!\busual\s)"
                         r"\bhome\s+dose\b", re.IGNORECASE)


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
    dose = DOSE_UNIT.search(rest[:30])
    if dose and _MEASURE.search(rest[: dose.start()]):
        return False  # "Fludarabine: CrCl 96 mL/min, no adjustment": a measurement about the drug, not its dose
    return bool((dose or FORM.match(rest)) and not _CONDITIONAL.search(rest))


# When a dose begins or was given: "from 10:00", "from 04:30", "starting tonight"; "at 15:02" for a dose (not an
# infusion's rate at a time, "NE 0.34 mcg/kg/min at 03:30", which is where it stood).
_FROM_TIME = re.compile(r"\b(?:from|starting|beginning|first\s+dose(?:\s+at)?)\s+(?:\d{1,2}:\d{2}|today|tonight|"
                        r"this\s+(?:morning|evening))\b", re.IGNORECASE)


_AT_TIME = re.compile(r"\bat\s+\d{1,2}:\d{2}\b")


_SENTENCE_LEAD = re.compile(r"(?:^|[.;][ \t]+)$")


# An infusion ordered at a rate and raised in the same breath: "fentanyl infusion 50 mcg/h, ↑ to 100 mcg/h".
_TITRATED = re.compile(r"^[^,;:]{0,40}?\d\s*(?:mcg|µg|mg|units?|u|ml)(?:/kg)?/(?:h|hr|min)\s*,?\s*"
                       r"(?:↑|increased|titrated\s+up)\s*(?:to\s+)?\d", re.IGNORECASE)


def _line_of(note: str, at: int) -> str:
    """The note's line holding offset ``at``."""
    end = note.find("\n", at)
    return note[note.rfind("\n", 0, at) + 1 : end if end >= 0 else len(note)]


_SET_RATE = re.compile(r"\bat\s+\d+(?:\.\d+)?\s*(?:ml|mL)/h\b|" + RATE.pattern, re.IGNORECASE)


def _timed_order(note: str, f: Fact) -> bool:
    """Whether a dosed drug that opens its line or a sentence has a start or a given time right after its
    dose: "- Metronidazole 500 mg IV q8h from 10:00 (B. fragilis)", "... not titrated). Hydrocortisone 50 mg IV
    q6h from 04:30.", "Prophylaxis: cefazolin 2 g IV at 15:02" - a dose that began then."""
    after = _after_name(f)
    line_start = note.rfind("\n", 0, f.start) + 1
    lead = note[line_start : f.start]
    if after is None or not (_ORDER_LEAD.match(lead) or _SENTENCE_LEAD.search(lead)):
        return False
    rest = re.sub(r"^\s*\([^()]*\)", "", after)
    dose = DOSE_UNIT.search(rest[:30])
    if not dose or _CONDITIONAL.search(rest):
        return False
    end = note.find("\n", f.end)
    beyond = re.split(r"[;.]\s", note[f.end : end if end >= 0 else len(note)])[0]  # ", first dose 03:40."
    tail = (rest + beyond)[dose.start() : dose.start() + 45]
    return bool(_FROM_TIME.search(tail) or (_AT_TIME.search(tail) and not RATE.search(tail)))


_MEASURE = re.compile(r"\b(?:CrCl|e?GFR|clearance|level|trough|peak|AUC|Cr)\b", re.IGNORECASE)


def _after_name(f: Fact) -> str | None:
    """The fact's text after the drug's name, when the text opens with the name; None otherwise."""
    name = next((m for m in mentions(f.text) if m.key == f.drug), None)
    return None if name is None or name.start > 0 else f.text[name.end :]


_SYSTEMS_LINE = re.compile(r"[ \t]*(?:[-*•#][ \t]*)?(?:neuro|cv|cardiac|cardiovascular|resp|pulm|pulmonary|gi|fen|"
                           r"renal|gu|id|heme|hem|endo|vte|pain|sedation|nutrition|skin|msk)(?:/[a-z]+)?(?:[ \t]*/[ \t]*"
                           r"[a-z]+)?[ \t]*:", re.IGNORECASE)


_SENTENCE_OPEN = re.compile(r"(?:^|[.:;][ \t]+)(?:[A-Za-z][\w /-]{0,30}:[ \t]*)?(?:(?:epidural|intrathecal|iv|po|sc)[ \t]+)?$",
                            re.IGNORECASE)  # "Neuro/pain: awake. Epidural bupivacaine 0.1% + fentanyl 2 mcg/mL at 6 mL/h"


def _systems_order(note: str, f: Fact) -> bool:
    """Whether the drug is ordered on a systems-based plan line ("Neuro/pain: … Acetaminophen 1 g IV q6h
    scheduled.", "GI: NPO. Stress ulcer prophylaxis: pantoprazole 40 mg IV daily."): the line opens with an
    organ-system label, the drug opens a sentence (or a short label's item) and its dose follows."""
    line_start = note.rfind("\n", 0, f.start) + 1
    label = _SYSTEMS_LINE.match(note, line_start)
    if not label or label.end() > f.start or not _SENTENCE_OPEN.search(note[label.end() - 1 : f.start]):
        return False
    rest = _after_name(f)
    return rest is not None and bool(DOSE_UNIT.search(rest[:30]) and not _CONDITIONAL.search(rest))


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
        if f.section in _HISTORY and f.change != "listed" and _ENCOUNTER_LABEL.match(_line_of(note, f.start)):
            # "ED meds: piperacillin-tazobactam 4.5 g IV stat 16:50": given in this encounter, not a home list
            f = Fact(**{**f.__dict__, "section": "hospital_course"})
        timed = f.change == "listed" and f.section not in _HISTORY and _timed_order(note, f)
        # an infusion set up in a procedure note ("Infusion: bupivacaine 0.1% + hydromorphone 10 mcg/mL epidural
        # at 8 mL/h") is started by it
        timed = timed or (f.change == "listed" and f.section == "procedure" and _ordered(note, f)
                          and bool(_SET_RATE.search(_line_of(note, f.start))))
        if f.change == "listed" and (((f.section == "observation_and_plan" or med_context.ticked(note, f.start))
                                      and _ordered(note, f)) or systems or timed):
            # a ticked order box is an order in any section ("Admission orders"); so is a dosed drug that opens
            # a sentence of a systems-based plan line ("GI: NPO. Stress ulcer prophylaxis: pantoprazole 40 mg
            # IV daily.")
            home = [g for g in facts[:n] if g.drug == f.drug and g.section in _HISTORY]
            change = "changed" if home and other_amount(f.text, home[-1].text) else None if home else "started"
            if change is None and home[-1].change in ("held", "stopped"):
                change = "started"  # "Home meds: ... metoprolol ... - all HELD", then a dose ordered: restarted
            if change:  # a new drug, or a home drug ordered at another strength or count ("4 puffs" for "2 puffs")
                f = Fact(**{**f.__dict__, "change": change, "priority": _PRIORITY[change]})
        if f.change == "changed" and RATE.search(f.text) and _TITRATED.search(f.text) \
                and all(g.change in ("stopped", "listed") for g in facts[:n] if g.drug == f.drug):
            f = Fact(**{**f.__dict__, "change": "started", "priority": _PRIORITY["started"]})
            # "fentanyl infusion 50 mcg/h, ↑ to 100 mcg/h" with nothing running before: started, then titrated
        if f.change == "started" and _RESTART.search(f.text):
            before = [g for g in facts[:n] if g.drug == f.drug]
            paused = [i for i, g in enumerate(before) if g.change in ("held", "stopped")]
            dosed = [g for g in (before[: paused[-1] + 1] if paused else before) if dose_of(g.text).get("amount")]
            restart = _RESTART.search(f.text)
            after = f.text[restart.start() :] if restart else f.text
            new = dose_of(after) or dose_of(f.text)
            if (dosed and new and differs(new, dose_of(dosed[-1].text))) or _OTHER_DOSE.search(after):
                # "Resume warfarin at a reduced dose": the line starts at the drug, so that its restart verb
                # does not read as the change.
                lead = next((m.start for m in mentions(f.text) if m.key == f.drug), 0)
                cut = lead if _RESTART.search(f.text[:lead]) else 0
                f = Fact(**{**f.__dict__, "change": "changed", "start": f.start + cut, "text": f.text[cut:]})
        if f.change == "started" and _now_dosed(f):
            before = [g for g in facts[:n] if g.drug == f.drug]
            running = before and before[-1].change not in ("held", "stopped") \
                and any(dose_of(g.text).get("amount") for g in before)
            if running:  # "Furosemide 40 mg IV x1" ... "Furosemide: now 20 mg IV q12h scheduled": a new regimen
                f = Fact(**{**f.__dict__, "change": "changed", "priority": _PRIORITY["changed"]})
        out.append(f)
    return out


_NOW_DOSE = re.compile(r"[\s:,-]*now\s+(?:at\s+)?\d", re.IGNORECASE)


def _now_dosed(f: Fact) -> bool:
    """Whether the drug is followed by "now" and a dose ("Furosemide now 20 mg IV q12h"): the dose it is on
    from here, said against an earlier one."""
    lead = next((m for m in mentions(f.text) if m.key == f.drug), None)
    return lead is not None and bool(_NOW_DOSE.match(f.text, lead.end))
