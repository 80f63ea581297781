"""The very long *dev* notes of the independent evaluation set keep every medication change in the default
(fact-anchored) summary, in every style: facts are taken from the whole note and changes are never cut for
length. Runs the app's own pipeline with the embedded model, as ``chartbrief summarize`` does on a fresh
install (a model that writes no narrative: only its tokenizer is needed).

The two long *test* notes are the issue's acceptance (#12) and are only reported, never tuned on: on
2026-12-05 they keep 34/36 and 31/36 in every style (README), so they are not asserted here yet."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.evaluate import evalset
from core.summarize import STYLES, run
from tests.model_fixtures import engine

SETS = Path(__file__).parents[3] / "resources" / "evalsets" / "summaries"
LONG = [item for item in evalset.load(SETS / "dev.jsonl") if item.long]
# Changes the extractor is known not to read, and why: a summary may miss these (some styles do find one)
# and nothing else.
KNOWN_MISSES = {
    # sum-dev-029 (2026-12-04, session 14's blind round (e): 66/68 blind, 67/68 after; sum-dev-030 66/67 blind,
    # 67/67 after): a home drug resumed at a lower dose ("RESUMED 10/21 at reduced dose", 100 mg TID for 300 mg
    # TID) the writer counts as started; the extractor says CHANGED, as the earlier writers counted a restart at
    # another dose. Round (f), sum-dev-031 (SICU, necrotizing pancreatitis) and 032 (BEAM autologous transplant):
    # 66/68 and 68/69 blind, all after.
    "sum-dev-029": {("gabapentin", "started")},
    # Round (g), 2026-12-05 (76/79 and 51/62 blind; 76/79 and 57/62 after reading ACV, LVX, G-CSF, a transplant
    # team's "TAC" orders and a worked-out weight-based dose; 79/79 and 59/62 after session 18's rules: a "see
    # correction" pointer withdraws only its own sentence of a long paragraph, "now 20 mg IV q12h" after a one-time
    # dose is a change, albumin with a concentration or amount is the infusion, a PCA's basal rate stopped is a
    # change, "plt 1 unit" is a transfusion). Not read yet in the transplant shorthand: PTCy's two doses by day
    # ("PTCy day 1"), a status-table "NEW" row that records a later increase, and a scheduled antiemetic's start
    # before its change to PRN. Round (h), 2026-12-05 (sum-dev-035 SICU for mesenteric ischemia, 036 Cy/TBI
    # sibling transplant, 037 double cord-blood transplant; 44/45, 45/45 and 42/45 blind): all 45 after. Round (i)
    # (038 Bu/Flu/ATG transplant, 039 SICU after a fall, changes said indirectly and drugs by brand or nickname;
    # 43/45 and 39/45 blind): all 45 after. Round (j) (040 a UK team's transplant with British drug names, 041 a burn
    # ICU course with an order log; 33/45 and 45/45 blind): all 45 after. Round (k) (042 an Australian ICU team's
    # course, 043 a transplant told through nursing notes and MAR rows; 43/45 and 44/45 blind): all 45 after.
    # Round (l), session 19 (044 a templated cardiac-surgery ICU export with daily auto-generated order lists,
    # 045 a haploidentical transplant with a pharmacist's dotted-leader change lists; 40/45 and 43/45 blind):
    # all 45 after. Round (m), the same session (046 a myeloablative Bu/Cy sibling transplant in a fellow's
    # plus/minus shorthand, 047 a MICU course whose daily "Meds:" lines give the changes; 39/45 and 41/45 blind):
    # all 45 after. Round (n), session 20 (048 a neuro-ICU course dictated through speech recognition, 049 a
    # transplant whose changes are partly only in an EHR medication timeline grid; 37/45 and 40/45 blind): all
    # 45 after. Round (o), the same session (050 a liver-transplant ICU course in copy-forward notes with struck
    # lines, 051 a transplant told through a pharmacist's recommendations and what the team did with them; 41/45
    # and 44/45 blind): all 45 after. Round (p), session 21 (052 a SICU course told in shift sign-outs with to-do
    # checklists and contingencies, 053 a CAR-T admission as a timestamped event log with pharmacy order messages and
    # plain-language discharge instructions; 44/45 (43/45 in handoff) and 44/45 blind): all 45 after. Round (q),
    # session 22 (054 a SICU course in copy-forward daily notes, 055 a kidney transplant with a formal discharge
    # summary; 44/45 and 45/45 blind): all 45 after. Round (r), the same session (056 a SICU course and 057 an
    # allogeneic transplant, written from the evalset README as it stood when the test split was written; 36/36 and
    # 35/36 blind): all 36 after.
    "sum-dev-034": {("PTCy", "started"), ("magnesium oxide", "changed"), ("ondansetron", "started")},
}


def test_the_dev_split_has_its_long_notes():
    assert len(LONG) >= 45


@pytest.mark.parametrize("item", LONG, ids=lambda i: i.id)
def test_a_long_note_keeps_every_medication_change_in_every_style(item):
    eng = engine("openvino", "int4")
    for style in STYLES:
        summary = run(item.note, style, eng).summary
        missing = {(d, c) for d, c in item.changes if not evalset.change_found(d, c, summary)}
        assert missing <= KNOWN_MISSES.get(item.id, set()), (style, missing)
        assert len(summary.split()) * 3 < len(item.note.split()), style
