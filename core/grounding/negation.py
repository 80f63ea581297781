"""Negation, NegEx-style: trigger words open a short scope; findings in it are negated (or uncertain).

``denies chest pain, fever, or cough`` negates three findings; ``but``, ``however``, sentence ends
and the next trigger close a scope. ``rule out``, ``concern for``, ``family history of`` open
uncertain scopes, whose findings count as neither present nor absent.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import NamedTuple

from core.grounding import checkboxes, equivalents, sentences, vocabulary
from core.grounding.findings import Mention

_NOT_VERBS = (
    r"(?:have|had|report(?:ed)?|endorse[ds]?|complain(?:ed)?\s+of|exhibit|experience[ds]?|show|reveal)"
)
# what comes after "excluded" or "ruled out" that makes it a verb with an object: "duplex excluded a DVT"
_OBJECT = r"\s+(?:a|an|the|any|(?!(?:by|with|on|in|at|as|given|because|for|per|and|or|but|today|clinically)\b)[A-Za-z])"
NEGATED = (
    r"no\s+longer|no\s+evidence\s+of|no\s+signs?\s+of|no\s+history\s+of|no|denie[sd]|deny(?:ing)?|without|"
    r"negative\s+for|neg\.?\s+for|free\s+of|absence\s+of|lack(?:s|ed|ing)?(?:\s+of)?|"
    r"never\s+(?:had|started|took|taken|filled|used|tried|received)|"
    r"(?:excluded|ruled\s+out)(?=" + _OBJECT + r")|never\s+(?=(?:on|in|to|into|near)\s)|"
    r"declined|refused|neither|rather\s+than|instead\s+of|avoid(?:s|ed|ing)?|withheld|withhold|w/o|(?:(?:was|were)\s+)?not\s+sent\s+for|(?:(?:does|did|do|has|have)\s+)?not\s+" + _NOT_VERBS
    + r"|(?:doesn't|didn't|don't|hasn't|haven't|hadn't)\s+" + _NOT_VERBS
    + r"|(?:(?:does|did|do|has|have|had|was|were|is|are)\s+)?not\s+yet(?:\s+(?:had|have|been|passed|received|started))?"
    + r"|(?:(?:does|did|do|has|have|was|were|is|are)\s+)?not"  # "not oriented", "did not lose consciousness"
)  # fmt: skip
NEGATED_AFTER = (
    # "flu vaccine offered; declined", "PrEP discussed; she declined": the refusal in the next clause
    r"(?:[;,]|\s[-–—])\s*(?:(?:she|he|they|the\s+patient|patient|pt|family|parents?|mother|father)\s+)?"
    r"(?:declined|refused|held\s+off)(?=\s*(?:[.;,\n]|$|(?:given|because|due\s+to|as|today|for\s+now)\b))|"
    r"(?:(?:was|were|is|are|has\s+been|have\s+been)\s+)?ruled\s+out(?!" + _OBJECT + r")|(?:(?:should|to)\s+be\s+)?avoided|"
    # "PE was not seen", and as notes write it, without the verb: "ARDS not present", "response absent"
    # "dialysis will not be started": a plan not to is a negation too
    r"(?:(?:was|were|is|are|has\s+been|have\s+been|will|would|should|must|can|is\s+to|are\s+to)\s+)?"
    r"(?:absent|undetectable|not\s+(?:yet\s+)?(?:be\s+)?(?:seen|present|identified|"
    r"appreciated|palpable|palpated|found|detected|visualized|needed|required|indicated|performed|done|placed|given|started|"
    r"prescribed|ordered|obtained|taken|used|administered|drawn|collected|recorded|captured|observed|"
    r"recommended|advised|offered|"
    r"initiated|tried|escalated|sent(?!\s+for\b)))|"
    # "calf nontender", "PT nonpalpable"; not "a non-tender goiter", where it describes the noun after it
    r"(?:(?:was|were|is|are)\s+)?non-?(?:tender|palpable)(?!\s+(?!(?:and|or|to|on|in|at|with|but)\b)[A-Za-z])|:\s*none|"
    r":\s*(?:denie[sd]|absent)(?=\s*(?:[.;,\n]|$))|"  # "Panic attacks: denies." (": negative" is a result)
    r"(?<=[A-Za-z]\s)(?-i:NT)(?![\w/-])|"  # "Clavicle NT": nontender, written as notes write it

    # "peanut allergy has been excluded", "antibiotics are being withheld"
    r"(?:(?:was|were|is|are|has\s+been|have\s+been|being|been)\s+)*(?:excluded(?!" + _OBJECT + r")|withheld)"
)
UNCERTAIN = (
    r"cannot\s+(?:be\s+)?(?:exclude|excluded|rule\s+out|ruled\s+out)|can't\s+rule\s+out|(?:to\s+)?rule\s+out|"
    r"r/o|evaluat(?:e|ion)\s+for|concern(?:ing)?\s+for|possibl[ey]|probable|suspect(?:ed)?|suspicio(?:n|us)\s+for|"
    r"question\s+of|questionable|may\s+have|versus|vs\.?|risk\s+(?:of|for)|family\s+history\s+of|fh\s+of|"
    # return precautions: "to the ED for fever or persistent vomiting"
    r"(?:(?:return|come\s+back|go|present)\s+)?to\s+(?:the\s+)?(?:ED|ER|emergency\s+(?:department|room))\s+(?:for|if|with)|"
    # "return sooner for stridor", "RTC for fever", "call if bleeding": precautions, not reports
    r"(?:return(?:\s+to\s+(?:the\s+)?clinic)?|rtc|call|come\s+back|seek\s+care)"
    r"(?:\s+(?:sooner|earlier|immediately|promptly|right\s+away|at\s+once))?\s+(?:if|for)|if|should(?!\s+be\s+avoided)|watch\s+for|monitor\s+for|unless|in\s+case\s+of|precautions"
)
PSEUDO = (
    r"no\s+(?:significant\s+)?(?:change|increase|decrease)|not\s+only|no\s+one\b|gram[\s-]+negative|no\s+sooner|"
    r"(?:no|not)\s+(?:more|less|fewer|later|earlier|longer|greater)\s+than"  # a limit, not an absence
)
TERMINATORS = (
    r"[;:!?()\n|]|\.(?=\s|$)|\s[-–—]\s|\b(?:but|however|although|though|except|aside\s+from|apart\s+from|yet|which|who|"
    r"whereas|while|presents?|reports?|complains?|c/o|endorses?|admits?|states?|notes?|secondary\s+to|due\s+to|"
    r"because|cause\s+of|source\s+of|etiology\s+of|may|can|will|should|must|so|therefore|thus|hence)\b"
    # ", and troponin and BNP were normal": a new clause with its own verb ends a list
    r"|,\s*and\s+(?=(?:[\w/-]+\s+){1,7}(?:was|were|is|are|remains?|remained|showed?|shows|has|have|had|"
    r"would|will)\b)"
    # "not anticoagulated, having stopped apixaban": a participle clause says something else
    r"|,\s*(?=having\b)"
    # ", and that ...", ", and she ...": a new clause, not a list item
    r"|,\s*and\s+(?=(?:that|he|she|they|it|we|his|her|their)\b)"
    # "no leukoplakia, airway patent": a list item with its own predicate is not negated
    r"|,\s*(?=(?:[\w/-]+\s+){1,3}(?:(?:patent|intact|normal|clear|stable|unremarkable|present|positive|supple|"
    r"soft|active|benign|regular|nontender|non-tender|reactive|equal|symmetric|healed|healing)\b"
    # ... an adjective there is the item's predicate only where its phrase ends ("no vessel, clot or active
    # bleeding": "active" describes the bleeding)
    r"(?=\s*(?:[,;.)\n]|$|and\b|but\b|with\b|on\b|at\b|to\b|in\b|bilaterally\b|throughout\b))"
    r"|(?:was|were|is|are|had|has|have|showed?|shows|revealed?|reveals)\b))"
    # "no fever or chills, drainage decreasing": a finding with its trend is stated, not denied
    r"|,\s*(?=(?:[\w/-]+\s+){1,2}(?:increasing|decreasing|improving|worsening|resolving|resolved|persisting|"
    r"ongoing|unchanged|stable|healing)\b)"
    # "denies tobacco and cannabis use and tried alcohol once": a new verb after "and" starts a new clause
    r"|,?\s+and\s+(?=(?:tried|took|used|drank|drinks|smoked|smokes|uses|reports|reported|started|stopped|quit|"
    r"had|has|was|is|underwent|received)\b)"
    # "without symptoms, limited mainly by hip pain": a passive clause ("limited by") is a new predicate
    r"|,\s*(?=[A-Za-z]+ed\s+(?:[A-Za-z]+\s+)?by\b)"
    # "no vegetation, normal valves": an item that opens with a finding's grade is stated, not denied
    r"|,\s*(?=(?:normal|limited|mild|mildly|moderate|moderately|severe|severely|good|adequate|preserved|"
    r"decreased|increased|reduced|elevated)\s)"
    # "no stridor at rest, RR 26, tolerating juice": a measured value starts a new clause, not a list item
    r"|,\s*(?=(?:[A-Za-z][\w/%-]*\s+){1,2}[<>]?\d)"
)
MAX_WORDS = 8
BACK_WORDS = 6  # "octreotide and ceftriaxone were deliberately | not started"
MAX_LIST_WORDS = 16  # "denies fever, chills, new weakness, numbness, or bowel or bladder changes"
_WORD = re.compile(r"[A-Za-z0-9][\w']*(?:-[A-Za-z0-9][\w']*)*")
_LEADING = re.compile(
    r"^(?:(?:any|a|an|the|significant|acute|new|further|recent|current|other|known|obvious|overt|active|"
    r"ongoing|more|evidence\s+of|signs?\s+of|history\s+of|h/o|complaints?\s+of|c/o|have|has|had|able\s+to|"
    r"reports?|reported|endorsed?|experienced?|complain(?:s|ed)?\s+of|no)\s+)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"\s+(?:at|with|on|since|during|while|after|before|for|in|to|today|currently|now|overnight|noted|"
    r"reported|seen|present|this|that|from|per|as|is|was|were|are|x|discussed|offered|recommended|advised)\b.*$",
    re.IGNORECASE | re.DOTALL,
)


class Scope(NamedTuple):
    trigger: int  # where the trigger starts: before the scope, after it ("PE was ruled out"), or at its
    # start for a check box
    start: int
    end: int
    polarity: str  # "negated" or "uncertain"


@functools.cache
def _triggers() -> re.Pattern[str]:
    return re.compile(
        rf"\b(?:(?P<pseudo>{PSEUDO})|(?P<uncertain>{UNCERTAIN})|(?P<after>{NEGATED_AFTER})|(?P<negated>{NEGATED}))\b"
        # "(-) V/D": a minus sign before a finding (after a test, "strep (-)", it is a result: results.py)
        r"|(?<![\w)])(?<![\w)]\s)(?P<sign>\(-\)|\(neg\))(?=\s*[A-Za-z])",
        re.IGNORECASE,
    )


@functools.cache
def _terminators() -> re.Pattern[str]:
    return re.compile(TERMINATORS, re.IGNORECASE)


def scopes(text: str) -> list[Scope]:
    """Negated and uncertain scopes in ``text``, in order and not overlapping."""
    found: list[Scope] = []
    # a box's item is the box's to negate ("[ ] no chest pain"); words after it on its line are prose again
    # ("[x] Retinal exam done - no retinopathy")
    boxes = checkboxes.items(text)
    boxed = [(i.start, i.end) for i in boxes]
    triggers = [m for m in _triggers().finditer(text) if not m["pseudo"] and not _within(boxed, m.start())]
    for i, m in enumerate(triggers):
        if m["after"]:  # "PE was ruled out": the scope is the few words before, back to a terminator
            lo = max(found[-1].end if found else 0, triggers[i - 1].end() if i else 0, m.start() - 200)
            stops = list(_terminators().finditer(text, lo, m.start()))
            end = m.start()
            if stops and stops[-1].group().lower() in _CONTRAST and not text[stops[-1].end() : end].strip():
                end = stops.pop().start()  # "straight cath ordered but not yet done": what was ordered was not done
            elif stops and stops[-1].group() == ":" and not text[stops[-1].end() : end].strip():
                end = stops.pop().start()  # "Stress test: not indicated": the label before the colon is what
            start = _last_words(text, stops[-1].end() if stops else lo, end, BACK_WORDS)
            start = _after_clause(text, start, end)
            tender = _TENDER.match(m.group())
            if tender and re.search(r"(?:,|\band|\bor)\s*$", text[start:end]):
                continue  # "calf soft, nontender": one more thing said of the calf, not a denial of "soft"
            while tender and (graded := _GRADED_ITEM.match(text, start, end)):
                start = graded.end()  # "good urine output, graft site nontender": only the site is nontender
            if start < end:
                found.append(Scope(m.start(), start, end, "negated"))  # the cue after what it negates
            continue
        limit = triggers[i + 1].start() if i + 1 < len(triggers) else len(text)
        after = m.end() + 1 if _ABBREVIATED.fullmatch(m.group()) and text[m.end() : m.end() + 1] == "." else m.end()
        stop = _terminators().search(text, after, limit)  # "vs. trabeculectomy": an abbreviation's dot ends nothing
        while stop and stop.group() == "\n" and sentences.wrapped(text, stop.start()):
            stop = _terminators().search(text, stop.end(), limit)  # "She denies" / "locking, …": hard-wrapped
        if stop and m["uncertain"] and stop.group() == ":" and stop.start() - m.end() <= 12:
            stop = _terminators().search(text, stop.end(), limit)  # "precautions given: chest pain, …"
        stop_at = _verb_item(text, after, stop.start() if stop else limit)
        stop_at = _own_item(text, m, after, stop_at)
        listed = "," in text[after:stop_at]
        end = _first_words(text, after, stop_at, MAX_LIST_WORDS if listed else MAX_WORDS)
        polarity = "uncertain" if m["uncertain"] or _conditional(text, triggers, i) or _advice(text, m) else "negated"
        if m.group().lower() == "if" and (plan := _planned(text, m.start(), found[-1].end if found else 0)):
            found.append(Scope(m.start(), plan, m.start(), "uncertain"))
        found.append(Scope(m.start(), after, max(after, end), polarity))
    if boxed:  # "[ ] chest pain": an unchecked box negates its item
        unchecked = [Scope(i.start, i.start, i.end, "negated") for i in boxes if not i.checked]
        found = sorted([*unchecked, *(f for f in found if not _within(boxed, f.start))])
    return found


_ADVISED = re.compile(r"(?:counsel(?:l)?ed|advised|instructed|educated|told|reminded|recommended)\s+(?:\w+\s+){0,3}$",
                      re.IGNORECASE)


def _advice(text: str, m: re.Match[str]) -> bool:
    """"Counseled to avoid cold", "advised on avoiding animals": what to stay away from, not what is absent."""
    return m.group().lower().startswith("avoid") and bool(_ADVISED.search(text, max(0, m.start() - 40), m.start()))


_PLAN_ITEM = re.compile(r"(?:^|[;:\n]|\s[-–—]\s)[ \t*•-]*((?:[A-Za-z][\w'/-]*\s+){1,3})$")


def _planned(text: str, at: int, after: int) -> int | None:
    """Where a plan item that "if" makes conditional starts: "; surfactant if FiO2 > 0.40" (one to three
    words opening a clause, right before "if"); None for "return if ...", "call if ..." (a verb) or any
    other "if"."""
    m = _PLAN_ITEM.search(text, max(after, at - 60), at)
    if not m or m.start(1) < after:
        return None
    first = m.group(1).split()[0].lower()
    return None if first in _NOT_A_THING or not vocabulary.can_be_noun(first) else m.start(1)


_NOT_A_THING = frozenset({"return", "call", "come", "go", "seek", "stop", "continue", "repeat", "recheck", "and", "or"})


def claim(text: str, scope: Scope, mention: Mention, first: bool) -> tuple[int, int]:
    """The span of a negated claim about ``mention``, the cue included: "denies chest pain", "recombinant
    zoster series was not started" (``first``: the scope's first finding; later ones stand alone)."""
    if scope.trigger <= scope.start:
        return (scope.trigger if first else mention.start), mention.end
    cue = _triggers().match(text, scope.trigger)
    return mention.start, max(mention.end, cue.end() if cue else mention.end)


def _within(spans: list[tuple[int, int]], position: int) -> bool:
    i = bisect.bisect_right(spans, (position, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= position < spans[i][1]


_NONE = re.compile(r"\s*:\s*none\b", re.IGNORECASE)  # "Firearms: none in the home": a checklist's answer
_DENIAL = re.compile(r"(?:denie[sd]|deny(?:ing)?|negative\s+for|neg\.?\s+for|\(-\)|\(neg\)|did\s+not|didn't|"
                     r"(?:(?:was|were)\s+)?not\s+sent\s+for)\s*",
                     re.IGNORECASE)


def denied(text: str, scope: Scope) -> bool:
    """Whether the scope's cue is a denial, a negative test or a checklist's "none" ("denies drooling",
    "negative for pistachio", "(-) V/D", "Firearms: none"): what it names was asked about, however
    everyday its name."""
    if scope.trigger == scope.start:
        return True  # an unchecked box, or a yes/no question answered "no": it was asked about
    if scope.trigger >= scope.end and _NOT_DONE.match(text, scope.trigger):
        return True  # "a shunt was not used": an intervention considered and not done
    return bool(_DENIAL.fullmatch(text[scope.trigger : scope.start]) or _NONE.match(text, scope.end))


_NOT_DONE = re.compile(
    r"(?:(?:was|were|is|are|has\s+been|have\s+been|will|would|should|must|can)\s+)?not\s+(?:yet\s+)?(?:be\s+)?"
    r"(?:needed|required|indicated|performed|done|placed|given|started|prescribed|ordered|obtained|taken|used|"
    r"administered|drawn|collected|initiated|tried|sent)\b",
    re.IGNORECASE,
)
_CONTRAST = frozenset({"but", "yet", "though", "although", "however"})


def _conditional(text: str, triggers: list[re.Match[str]], i: int) -> bool:
    """A negation inside a conditional or hypothetical ("return if no improvement") asserts nothing."""
    if not i or not triggers[i - 1]["uncertain"]:
        return False
    between = text[triggers[i - 1].end() : triggers[i].start()]
    return len(between) <= 60 and not re.search(r"[.;\n]", between)


_CLAUSE = re.compile(r"\b(?:was|were|is|are|has|have|had)\b[^,]*,\s*", re.IGNORECASE)


def _after_clause(text: str, start: int, end: int) -> int:
    """Where the words a trailing cue negates begin, past a clause with its own verb before a comma:
    in "code status was changed, dialysis will not be started" only the dialysis is not started."""
    last = None
    for last in _CLAUSE.finditer(text, start, end):
        pass
    return last.end() if last else start


_ABBREVIATED = re.compile(r"vs", re.IGNORECASE)
# a list item that opens with its own grade says how it is ("good urine output"), before "X nontender"
_GRADED_ITEM = re.compile(r"\s*(?:normal|good|adequate|poor|mild|moderate|severe|decreased|increased|reduced|"
                          r"preserved|limited|full|intact)\b[^,;]*,", re.IGNORECASE)
_TENDER = re.compile(r"(?:(?:was|were|is|are)\s+)?non-?(?:tender|palpable)|(?-i:NT)\Z", re.IGNORECASE)
_ING_ITEM = re.compile(r",\s*(?:and\s+)?([A-Za-z]+ing)\s+(?:a|an|the|his|her|their|its|to|this|that|some)\b",
                       re.IGNORECASE)


def _verb_item(text: str, start: int, end: int) -> int:
    """Where a list after a negation cue gives way to a clause: "not planning pregnancy, using an IUD"
    (an -ing word English knows only as a verb, with an object or "to" after it: "using an", "hoping to";
    not a symptom in the list: "no numbness, tingling, or weakness")."""
    for m in _ING_ITEM.finditer(text, start, end):
        if not vocabulary.can_be_noun(m[1].lower()):
            return m.start()
    return end


_MID_LIST = re.compile(r",\s*$")
_OR_LIST = re.compile(r",\s*(?:or|nor)\b|\bor\s+[^,]*$", re.IGNORECASE)


def _own_item(text: str, m: re.Match[str], start: int, end: int) -> int:
    """Where a cue that opens a later item of a list stops: at its own item ("FEV1/FVC 0.46, no BD response,
    air trapping, and a low DLCO"; "no lifting, no bending, alternate sitting": the writer negates item by
    item) — unless the list closes with "or" ("afebrile, no cough, sputum, or dyspnea": one denied list).
    A verb cue governs its whole list ("tolerating clears, denies N/V, lightheadedness, CP")."""
    if m.group().lower() not in ("no", "without") or not _MID_LIST.search(text, max(0, m.start() - 3), m.start()):
        return end
    comma = text.find(",", start, end)
    if comma < 0 or _OR_LIST.search(text, comma, end):
        return end
    return comma


def _first_words(text: str, start: int, end: int, n: int) -> int:
    words = list(re.finditer(r"\S+", text[start:end]))
    return start + words[min(n, len(words)) - 1].end() if words else start


def _last_words(text: str, start: int, end: int, n: int) -> int:
    words = list(re.finditer(r"\S+", text[start:end]))
    return start + words[-min(n, len(words))].start() if words else end


# List items: between commas and semicolons, and between slashes unless the slash joins words that modify
# what follows ("fever/chills" are two items, "cough/cold medicines" is one)
_ITEM = re.compile(r"(?:[^,/;]|/(?=[A-Za-z][\w'-]*\s+(?!(?:and|or|nor)\b)[A-Za-z]))+")


def concepts(text: str, found: list[Scope], whole: bool = False) -> list[tuple[Scope, Mention]]:
    """Each finding named in a scope (``key`` is its normalized phrase), with its scope. With ``whole``,
    also a finding with the place it is found in, as one: "blood in stool" (as well as "blood")."""
    out = []
    for scope in found:
        for part in re.finditer(_ITEM, text[scope.start : scope.end]):
            for item in re.split(r"\b(?:or|and|nor)\b", part.group()):
                offset = scope.start + part.start() + part.group().find(item)
                if (on := _ON.match(item)) and offset == scope.start and _NOT_ON.search(text, scope.trigger, scope.start):
                    item, offset = item[on.end() :], offset + on.end()  # "not on CRRT": the therapy is negated
                elif _CIRCUMSTANCE.match(item):
                    continue  # "no stridor at rest or with crying": when, not what, is negated
                mention = _concept(text, offset, item)
                if mention:
                    out.append((scope, mention))
                if whole and mention and _PLACE.fullmatch(item[item.find(mention.text) + len(mention.text):]):
                    place = _concept(text, offset, item, whole=True)
                    if place:
                        out.append((scope, place))
                if whole and mention and _REFUSAL.fullmatch(text[scope.trigger : scope.start].strip()):
                    rest = item[item.find(mention.text) + len(mention.text) :]
                    if (w := _WITH.match(rest.lstrip())) and (also := _concept(text, offset + len(item) - len(rest.lstrip()) + w.end(), rest.lstrip()[w.end() :])):
                        out.append((scope, also))
        out.extend((scope, m) for m in _pair_parts(text, scope))
    return out


_SHORT_PAIR = re.compile(r"[A-Za-z]{1,4}/[A-Za-z]{1,4}")
_PAIR = re.compile(r"([a-z]{4,})(?:\s+(?:and|or)\s+|/)([a-z]{4,})")


def _pair_parts(text: str, scope: Scope) -> list[Mention]:
    """Each finding of a short form the table spells as a pair: "denies N/V" denies nausea and denies
    vomiting (the slash would otherwise leave two letters)."""
    if not _SHORT_PAIR.search(text, scope.start, scope.end):
        return []
    tokens = vocabulary.tokens(text[scope.start : scope.end])
    table = equivalents.table()
    out: list[Mention] = []
    for occ in equivalents.occurrences([t.key for t in tokens]):
        pair = next((m for spelling in table.groups[occ.group] if (m := _PAIR.fullmatch(spelling.lower()))), None)
        start, end = scope.start + tokens[occ.first].start, scope.start + tokens[occ.last - 1].end
        if pair is None or not _SHORT_PAIR.fullmatch(text[start:end]):
            continue  # only a short form ("N/V"); a written-out pair is found word by word already
        out.extend(Mention(start, end, text[start:end], stem(word)) for word in pair.groups())
    return out


_ON = re.compile(r"\s*on\s+", re.IGNORECASE)
_NOT_ON = re.compile(r"\b(?:not|no\s+longer)\s*$", re.IGNORECASE)
_CIRCUMSTANCE = re.compile(r"\s*(?:with|when|while|during|at|on|after|before|in)\b", re.IGNORECASE)
_PLACE = re.compile(r"\s+(?:in|on)\s+(?:the\s+|her\s+|his\s+)?[A-Za-z]{3,}\s*", re.IGNORECASE)


_ACTION = re.compile(r"^(?:un)?able\s+to\s+", re.IGNORECASE)
# "the zoster series", "the antibiotic course": the series or course of a thing is that thing
_GENERIC_HEAD = re.compile(r"\s+(?:series|course|regimen)$", re.IGNORECASE)
# "declined a rhythm-control strategy with cardioversion": what comes with a refused thing is refused too
_REFUSAL = re.compile(r"declined|refused", re.IGNORECASE)
_WITH = re.compile(r"\bwith\s+(?:a\s+|an\s+|the\s+)?", re.IGNORECASE)


def _concept(text: str, offset: int, item: str, whole: bool = False) -> Mention | None:
    core = _ACTION.sub("", item.strip())  # "able to get up unaided: [x] no"
    core = core if whole else _GENERIC_HEAD.sub("", _TRAILING.sub("", core))
    lead = _LEADING.match(core)
    core = core[lead.end() :] if lead else core
    words = re.findall(r"[A-Za-z][\w'-]*", core)[:4]
    # a number is no finding ("x 3 days"), but a name may hold digits ("COVID-19", "HbA1c")
    if not words or re.search(r"(?<![\w-])\d", core) or len("".join(words)) < 3 and not core.isupper():
        return None
    start = offset + item.find(core)
    last = re.search(re.escape(words[-1]), core)
    end = start + (last.end() if last else len(core))
    key = " ".join(stem(w) for w in words if not _function_word(w))
    return Mention(start, end, text[start:end], key) if key else None


def _function_word(word: str) -> bool:
    """"that", "her", "from": left out of a finding's key, so that "headaches waking her" and
    "headaches that wake her" are one finding."""
    return word.lower() in vocabulary.STOPWORDS and word.lower() not in _NEGATING


_NEGATING = frozenset({"no", "not", "nor", "without", "never", "against"})


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The word's Snowball stem (:func:`vocabulary.stem`): ``fevers`` -> ``fever``, ``waking`` and
    ``wake`` -> ``wake``; an irregular verb form by its lemma's stem (lemminflect): ``lost`` -> ``lose``,
    ``grew`` -> ``grow`` (only where English knows the word as that one verb, not "left" or "found")."""
    import lemminflect

    lemmas = lemminflect.getAllLemmas(word.lower())
    if set(lemmas) <= {"VERB", "AUX"} and len(lemmas.get("VERB", ())) == 1:
        return vocabulary.stem(lemmas["VERB"][0])
    return vocabulary.stem(word)


_GAP_WORDS = re.compile(r"[A-Za-z]+")


class Words:
    """A text's words, stemmed, with their spans; indexed so a finding's occurrences are quick to find."""

    def __init__(self, text: str):
        self.spans: list[tuple[int, int]] = []
        self.stems: list[str] = []
        self.glued: list[bool] = []  # only spaces between this word and the one before
        self.index: dict[str, list[int]] = {}
        self._variants = _variant_index()  # the table as it is now, looked up once per text
        end = 0
        for m in _WORD.finditer(text):
            if _function_word(m.group()):
                continue  # skipped, as in the keys: a gap of function words still joins two words
            word = stem(m.group())
            self.index.setdefault(word, []).append(len(self.stems))
            self.glued.append(not _GAP_WORDS.sub("", text[end : m.start()]).strip())
            self.spans.append(m.span())
            self.stems.append(word)
            end = m.end()

    def occurrences(self, key: str) -> list[tuple[int, int]]:
        """Spans where the finding ``key`` (from :func:`concepts`) appears, plurals and the abbreviation
        table's other spellings included ("shortness of breath" / "dyspnea")."""
        out = []
        for variant in sorted(self._variants.get(key, frozenset()) | {key}):
            words = variant.split()
            for i in self.index.get(words[0], ()):
                j = i + len(words)
                if self.stems[i:j] == words and all(self.glued[i + 1 : j]):
                    out.append((self.spans[i][0], self.spans[j - 1][1]))
        return sorted(set(out))


def variants(key: str) -> frozenset[str]:
    """``key`` and the keys of the other spellings of its abbreviation-table groups (spellings of four
    letters or more or of two words or more, without a negation word: "no fever" is no spelling of a finding)."""
    return _variant_index().get(key, frozenset()) | {key}


def _variant_index() -> dict[str, frozenset[str]]:
    current = equivalents.table()
    if _VARIANTS[0] is not current:  # built once per table (the user's file may change it)
        _VARIANTS[:] = [current, _variants(current.groups)]
    return _VARIANTS[1]


_VARIANTS: list = [None, {}]


def _variants(groups: list[tuple[str, ...]]) -> dict[str, frozenset[str]]:
    index: dict[str, frozenset[str]] = {}
    for spellings in groups:
        keys = {_phrase_key(s) for s in spellings if not _NEGATING & set(s.lower().split())} - {""}
        usable = frozenset(k for k in keys if len(k.replace(" ", "")) >= 4 or " " in k)  # "A&O x3": "o x3"
        for k in keys:
            index[k] = index.get(k, frozenset()) | usable
    return index


def _phrase_key(text: str) -> str:
    """A spelling's key, made as :func:`concepts` makes a finding's."""
    return " ".join(stem(w) for w in re.findall(r"[A-Za-z][\w'-]*", text) if not _function_word(w))


def state(found: list[Scope], span: tuple[int, int]) -> str:
    """``negated``, ``uncertain`` or ``affirmed``: how the text treats the finding at ``span``.

    ``found`` is :func:`scopes`' list: ordered and disjoint, so one bisection finds the candidate.
    """
    i = bisect.bisect_right(found, span[0], key=lambda scope: scope.start) - 1
    if i >= 0 and span[1] <= found[i].end:
        return found[i].polarity
    # "never started the donepezil": a finding that begins inside the cue's words and runs into its scope
    if i + 1 < len(found) and found[i + 1].trigger <= span[0] < found[i + 1].start < span[1] <= found[i + 1].end:
        return found[i + 1].polarity
    return "affirmed"
