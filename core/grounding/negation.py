"""Negation, NegEx-style: trigger words open a short scope; findings in it are negated (or uncertain).

``denies chest pain, fever, or cough`` negates three findings; ``but``, ``however``, sentence ends
and the next trigger close a scope. ``rule out``, ``concern for``, ``family history of`` open
uncertain scopes, whose findings count as neither present nor absent.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from core.grounding.model import Mention

_NOT_VERBS = (
    r"(?:have|had|report(?:ed)?|endorse[ds]?|complain(?:ed)?\s+of|exhibit|experience[ds]?|show|reveal)"
)
NEGATED = (
    r"no\s+longer|no\s+evidence\s+of|no\s+signs?\s+of|no\s+history\s+of|no|denie[sd]|deny(?:ing)?|without|"
    r"negative\s+for|free\s+of|absence\s+of|never\s+had|(?:(?:does|did|do|has|have)\s+)?not\s+" + _NOT_VERBS
    + r"|(?:doesn't|didn't|don't|hasn't)\s+" + _NOT_VERBS
)  # fmt: skip
NEGATED_AFTER = (
    r"(?:(?:was|were|is|are|has\s+been|have\s+been)\s+)?ruled\s+out|"
    r"(?:was|were|is|are)\s+(?:absent|not\s+seen|not\s+present|not\s+identified|not\s+appreciated)"
)
UNCERTAIN = (
    r"cannot\s+(?:be\s+)?(?:exclude|excluded|rule\s+out|ruled\s+out)|can't\s+rule\s+out|(?:to\s+)?rule\s+out|"
    r"r/o|evaluat(?:e|ion)\s+for|concern(?:ing)?\s+for|possibl[ey]|probable|suspect(?:ed)?|suspicio(?:n|us)\s+for|"
    r"question\s+of|questionable|may\s+have|versus|vs\.?|risk\s+(?:of|for)|family\s+history\s+of|fh\s+of|"
    r"return\s+(?:if|for)|if|should|watch\s+for|monitor\s+for|unless|in\s+case\s+of|precautions"
)
PSEUDO = r"no\s+(?:significant\s+)?(?:change|increase|decrease)|not\s+only|gram[\s-]+negative|no\s+sooner"
TERMINATORS = (
    r"[;:!?\n]|\.(?=\s|$)|\b(?:but|however|although|though|except|aside\s+from|apart\s+from|yet|which|who|"
    r"whereas|while|presents?|reports?|complains?|endorses?|admits?|states?|notes?|secondary\s+to|due\s+to|"
    r"because|cause\s+of|source\s+of|etiology\s+of)\b"
)
MAX_WORDS = 8
_LEADING = re.compile(
    r"^(?:(?:any|a|an|the|significant|acute|new|further|recent|current|other|known|obvious|overt|active|"
    r"ongoing|more|evidence\s+of|signs?\s+of|history\s+of|h/o|complaints?\s+of|c/o|have|has|had|"
    r"reports?|reported|endorsed?|experienced?|complain(?:s|ed)?\s+of|no)\s+)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"\s+(?:at|with|on|since|during|while|after|before|for|in|to|today|currently|now|overnight|noted|"
    r"reported|seen|present|this|that|from|per|as|is|was|were|are)\b.*$",
    re.IGNORECASE | re.DOTALL,
)


class Scope(NamedTuple):
    trigger: int  # where the trigger starts
    start: int
    end: int
    polarity: str  # "negated" or "uncertain"


@functools.cache
def _triggers() -> re.Pattern[str]:
    return re.compile(
        rf"\b(?:(?P<pseudo>{PSEUDO})|(?P<uncertain>{UNCERTAIN})|(?P<after>{NEGATED_AFTER})|(?P<negated>{NEGATED}))\b",
        re.IGNORECASE,
    )


def scopes(text: str) -> list[Scope]:
    """Negated and uncertain scopes in ``text``."""
    found: list[Scope] = []
    triggers = [m for m in _triggers().finditer(text) if not m["pseudo"]]
    for i, m in enumerate(triggers):
        if m["after"]:
            stop = max(
                (t.end() for t in re.finditer(TERMINATORS, text[: m.start()], re.IGNORECASE)), default=0
            )
            start = _last_words(text, max(stop, triggers[i - 1].end() if i else 0), m.start(), 4)
            found.append(Scope(start, start, m.start(), "negated"))
            continue
        limit = triggers[i + 1].start() if i + 1 < len(triggers) else len(text)
        stop = re.compile(TERMINATORS, re.IGNORECASE).search(text, m.end(), limit)
        end = _first_words(text, m.end(), stop.start() if stop else limit, MAX_WORDS)
        found.append(Scope(m.start(), m.end(), end, "uncertain" if m["uncertain"] else "negated"))
    return found


def _first_words(text: str, start: int, end: int, n: int) -> int:
    words = list(re.finditer(r"\S+", text[start:end]))
    return start + words[min(n, len(words)) - 1].end() if words else start


def _last_words(text: str, start: int, end: int, n: int) -> int:
    words = list(re.finditer(r"\S+", text[start:end]))
    return start + words[-min(n, len(words))].start() if words else end


def concepts(text: str, found: list[Scope]) -> list[tuple[Scope, Mention]]:
    """Each finding named in a scope (``key`` is its normalized phrase), with its scope."""
    out = []
    for scope in found:
        for part in re.finditer(r"[^,/;]+", text[scope.start : scope.end]):
            for item in re.split(r"\b(?:or|and|nor)\b", part.group()):
                mention = _concept(text, scope.start + part.start() + part.group().find(item), item)
                if mention:
                    out.append((scope, mention))
    return out


def _concept(text: str, offset: int, item: str) -> Mention | None:
    core = _TRAILING.sub("", item.strip())
    lead = _LEADING.match(core)
    core = core[lead.end() :] if lead else core
    words = re.findall(r"[A-Za-z][\w'-]*", core)[:4]
    if not words or any(ch.isdigit() for ch in core) or len("".join(words)) < 3 and not core.isupper():
        return None
    start = offset + item.find(core)
    end = start + re.search(re.escape(words[-1]), core).end()
    return Mention(start, end, text[start:end], " ".join(stem(w) for w in words))


def stem(word: str) -> str:
    word = word.lower()
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def occurrences(key: str, text: str) -> list[tuple[int, int]]:
    """Spans where the finding ``key`` (from :func:`concepts`) appears in ``text``."""
    body = r"[\s-]+".join(re.escape(word) + r"(?:e?s)?" for word in key.split())
    return [m.span() for m in re.finditer(rf"(?<![\w-]){body}(?![\w-])", text, re.IGNORECASE)]


def state(found: list[Scope], span: tuple[int, int]) -> str:
    """``negated``, ``uncertain`` or ``affirmed``: how the text treats the finding at ``span``."""
    for scope in found:
        if scope.start <= span[0] and span[1] <= scope.end:
            return scope.polarity
    return "affirmed"
