"""Anything a person can type — huge, unicode, half-formed — is answered, never a crash.

Whenever a report or a draft has problems, the caller can see them (`ok` is False and each
problem is a sentence); a report without problems only carries values inside their ranges.
"""

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.grammar.numbers import MONEY_MAX, QUANTITY_MAX, UNITS
from rules.grammar.parsed import ParsedReport, ReportContext
from rules.grammar.report import MAX_TEXT, parse_report
from rules.grammar.status import StatusIntent
from rules.grammar.summary import TaskSnapshot, explain_problems, summarise
from rules.grammar.task_add import NAME_MAX, TITLE_MAX, parse_task_add
from rules.vocabulary import UpdateKind

TODAY = date(2026, 12, 1)

# Pieces of what crews really type, so that the generated texts reach the grammar's corners.
FIELD_WORDS = [
    "TWR-42",
    "twr-7",
    "#42",
    "42",
    "zone-2",
    "60%",
    "120%",
    "-10%",
    "60 %",
    "100% done",
    "12 m3",
    "12m³",
    "2,5 t",
    "-5 m3",
    "0 m2",
    "8 pcs",
    "crew 6",
    "6 workers",
    "6.5 men",
    "8h",
    "1200h",
    "$1,500",
    "$1.500",
    "1.500,50 €",
    "15.000.000₫",
    "cost:",
    "cost:-1",
    "USD",
    "done",
    "blocked",
    "blocked by",
    "stuck",
    "waiting for",
    "resumed",
    "on it",
    "ok",
    "👍🏽",
    ":+1:",
    ":thumbsup::skin-tone-2:",
    "✅",
    "7:30",
    "2026-12-04",
    "L3",
    "tầng 3",
    "Đông",
    "<@U0BOB|bob>",
    "<@U0ANN>",
    "<#C0GEN|general>",
    "<https://x.io/1|p 12>",
    "<",
    ">",
    "&amp;",
    "due:",
    "due:fri",
    "due:4/12",
    "start:mon",
    "at:",
    'at:"Level 3',
    "at:“L3 east”",
    "crew:",
    "budget:12k",
    "budget:1,50",
    "qty:40m3",
    "qty:40",
    "dew:",
    "@carl",
    '"',
    "“",
    ":",
    ",",
    ".",
    "-",
    "–",
    "\n",
    "\t",
    "\u00a0",
    "\ue000",
    "9" * 40,
    "1" + "0" * 30 + "%",
]
field_texts = st.lists(
    st.one_of(st.sampled_from(FIELD_WORDS), st.text(max_size=8)), max_size=30
).flatmap(lambda words: st.sampled_from([" ", "", ",", "\n"]).map(lambda sep: sep.join(words)))
any_text = st.one_of(
    st.text(max_size=200),
    field_texts,
    st.text(min_size=1, max_size=40).map(lambda chunk: chunk * (MAX_TEXT // len(chunk) + 1)),
    field_texts.map(lambda text: (text + " ") * 60),
)
contexts = st.sampled_from(list(ReportContext))
project_keys = st.sampled_from([None, "TWR", "abc"])
known = st.sampled_from([None, frozenset({"TWR"}), frozenset()])

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_values_in_range(parsed: ParsedReport) -> None:
    assert parsed.percent is None or 0 <= parsed.percent <= 100
    assert (parsed.quantity is None) == (parsed.unit is None)
    assert parsed.quantity is None or 0 < parsed.quantity <= QUANTITY_MAX
    assert parsed.unit is None or parsed.unit in UNITS
    assert parsed.cost is None or 0 <= parsed.cost <= MONEY_MAX
    assert parsed.cost is None or parsed.cost == parsed.cost.quantize(Decimal("0.01"))
    assert parsed.manpower is None or (
        isinstance(parsed.manpower, int) and 0 <= parsed.manpower <= 10_000
    )
    assert parsed.hours is None or 0 <= parsed.hours <= 1000


@FAST
@given(text=any_text, context=contexts, project_key=project_keys, known_keys=known)
def test_it_answers_any_text_and_only_records_values_in_range(
    text, context, project_key, known_keys
):
    parsed = parse_report(text, project_key=project_key, context=context, known_keys=known_keys)

    assert parsed.raw == text
    assert parsed.ok == (not parsed.problems)
    assert all(isinstance(problem, str) and problem.strip() for problem in parsed.problems)
    assert all(isinstance(item, str) and item.strip() for item in parsed.ignored)
    assert isinstance(parsed.kind, UpdateKind)
    if not parsed.ok:
        assert explain_problems(parsed).startswith("Nothing recorded")
        return
    assert len(text) <= MAX_TEXT and text.strip()
    assert_values_in_range(parsed)
    if context.is_command:
        assert parsed.refs
    if context is ReportContext.BLOCKED:
        assert parsed.status is StatusIntent.BLOCKED
    if context is ReportContext.DONE:
        assert parsed.status is StatusIntent.DONE
    if parsed.status is not StatusIntent.BLOCKED:
        assert parsed.reason is None
    task = TaskSnapshot("TWR-42", "Pour slab L3", Decimal(35), "m³")
    assert summarise(task, task, parsed).startswith("TWR-42 Pour slab L3")


@FAST
@given(text=any_text)
def test_it_drafts_a_task_from_any_text_and_a_valid_draft_is_consistent(text):
    task = parse_task_add(text, today=TODAY)

    assert task.ok == (not task.problems)
    assert all(isinstance(problem, str) and problem.strip() for problem in task.problems)
    if not task.ok:
        return
    assert task.title and len(task.title) <= TITLE_MAX
    assert task.crew is None or len(task.crew) <= NAME_MAX
    assert task.location is None or len(task.location) <= NAME_MAX
    assert task.start is None or task.due is None or task.start <= task.due
    assert task.budget is None or 0 <= task.budget <= MONEY_MAX
    assert task.quantity is None or (0 < task.quantity <= QUANTITY_MAX and task.unit in UNITS)
