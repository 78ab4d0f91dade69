import textwrap
from datetime import date, timedelta

import pytest

from rules.calendar import Calendar
from rules.rule import Audience, Clock, Condition, Conditions, Scope, Via
from rules.rulebook import (
    DEFAULT_RULES,
    RulebookError,
    calendar_over,
    load_default_rulebook,
    load_rulebook,
    parse_rulebook,
)
from rules.vocabulary import Severity, TaskStatus

CALENDAR = """\
calendar:
  timezone: Asia/Ho_Chi_Minh
  workdays: [mon, tue, wed, thu, fri, sat]
  hours: "07:00-11:30,13:00-17:00"
"""
STALLED = """\
  - id: stalled
    when: {status: [in_progress], no_update_for: 8h}
    escalate:
      - {after: 0m, notify: assignee, via: thread}
      - {after: 4h, notify: crew_lead, via: dm}
    repeat_every: 8h
"""


def make_file(rules: str = STALLED, projects: str = "", calendar: str = CALENDAR) -> str:
    """Return a rules file with `rules` (a YAML list, at any indentation) and `projects`."""
    text = calendar + "rules:\n" + textwrap.indent(textwrap.dedent(rules), "  ")
    if projects:
        text += "projects:\n" + textwrap.indent(textwrap.dedent(projects), "  ")
    return text


def problems_in(text: str) -> list[str]:
    with pytest.raises(RulebookError) as refused:
        parse_rulebook(text, source="rules.yml")
    return refused.value.problems


def test_it_reads_a_rule_with_its_conditions_clock_and_escalation():
    text = make_file()

    rulebook = parse_rulebook(text)

    (rule,) = rulebook.rules
    assert rule.id == "stalled"
    assert rule.when.status == (TaskStatus.IN_PROGRESS,)
    assert rule.when.no_update_for == timedelta(hours=8)
    assert (rule.clock, rule.severity, rule.scope) == (Clock.WORKING, Severity.WARNING, Scope.TASK)
    assert [(s.after, s.notify, s.via) for s in rule.escalate] == [
        (timedelta(0), Audience.ASSIGNEE, Via.THREAD),
        (timedelta(hours=4), Audience.CREW_LEAD, Via.DM),
    ]
    assert rule.repeat_every == timedelta(hours=8)
    assert rulebook.calendar == Calendar(
        timezone="Asia/Ho_Chi_Minh", workdays="mon-sat", hours="07:00-11:30,13:00-17:00"
    )


def test_it_loads_the_shipped_rules_each_explained_for_a_site_manager():
    rulebook = load_default_rulebook()

    assert [rule.id for rule in rulebook.rules] == [
        "stalled",
        "unacknowledged",
        "blocked_too_long",
        "behind_plan",
        "overdue",
        "due_soon",
        "over_budget",
        "silent_project",
    ]
    assert all(len(rule.description) > 40 for rule in rulebook.rules)
    assert rulebook.calendar.timezone == "Asia/Ho_Chi_Minh"
    assert rulebook.calendar.describe()["hours"] == "07:00-11:30,13:00-17:00"
    assert rulebook.rule("silent_project").scope is Scope.PROJECT
    assert rulebook.source == str(DEFAULT_RULES)


def test_it_names_file_rule_and_field_for_a_bad_duration():
    text = make_file("- id: stalled\n  when: {no_update_for: 10x}\n")

    problems = problems_in(text)

    assert problems == [
        'rules.yml: rule "stalled": when.no_update_for: "10x" is not a duration '
        "(use 45s, 30m, 10h, 2d, 1w or 1h30m)"
    ]


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (
            "- id: stalled\n  when: {no_updates_for: 8h}\n",
            'rule "stalled": when.no_updates_for: unknown key (did you mean no_update_for?)',
        ),
        (
            "- id: stalled\n  when: {overdue: true}\n  escalation: []\n",
            'rule "stalled": escalation: unknown key (did you mean escalate?)',
        ),
        (
            "- id: stalled\n  when: {status: [in_progress, finished]}\n",
            'rule "stalled": when.status[1]: "finished" is not a task status (use planned, '
            "assigned, acknowledged, in_progress, blocked, done, cancelled)",
        ),
        (
            "- id: stalled\n  when: {overdue: true}\n  escalate: [{notify: boss}]\n",
            'rule "stalled": escalate[0].notify: "boss" is not a target (use assignee, '
            "crew_lead, managers, channel, or a Slack user id like U0123ABCD)",
        ),
        (
            "- id: stalled\n  when: {overdue: true}\n  escalate: [{notify: managers, via: sms}]\n",
            'rule "stalled": escalate[0].via: "sms" is not a way to notify (use thread, dm, '
            "channel)",
        ),
        (
            "- id: stalled\n  when: {overdue: true}\n  severity: urgent\n",
            'rule "stalled": severity: "urgent" is not a severity (use info, warning, critical)',
        ),
        (
            "- id: stalled\n  when: {overdue: true}\n  clock: office\n",
            'rule "stalled": clock: "office" is not a clock (use working, wall)',
        ),
        (
            "- id: stalled\n  when: {}\n",
            'rule "stalled": when: give at least one condition (status, no_update_for, '
            "unacknowledged_for, blocked_for, overdue, overdue_by, due_within, below_percent, "
            "behind_plan_by, cost_overrun_pct, silent_for)",
        ),
        (
            "- id: stalled\n  when: {status: []}\n",
            'rule "stalled": when.status: list at least one status',
        ),
        (
            "- id: stalled\n  when: {no_update_for: 0m}\n",
            'rule "stalled": when.no_update_for: "0m" must be longer than zero',
        ),
        (
            "- id: stalled\n  when: {behind_plan_by: 120}\n",
            'rule "stalled": when.behind_plan_by: input should be less than or equal to 100 '
            "(got 120)",
        ),
        (
            "- id: stalled\n  when: {overdue: true}\n  escalate:\n"
            "    - {after: 4h, notify: crew_lead}\n    - {after: 1h, notify: managers}\n",
            'rule "stalled": escalate[1].after: 1h comes before the previous step\'s 4h; list '
            "steps in increasing after order",
        ),
        (
            "- id: quiet\n  when: {silent_for: 8h, overdue: true}\n",
            'rule "quiet": when: silent_for is about a whole project and cannot be combined '
            "with task conditions (overdue)",
        ),
        (
            "- id: quiet\n  when: {silent_for: 8h}\n  escalate: [{notify: assignee}]\n",
            'rule "quiet": escalate[0]: a project rule has no task, so no assignee, crew lead '
            "or thread (notify managers, channel or a user id; via dm or channel)",
        ),
        (
            "- id: stalled\n  when: {overdue: true}\n  escalate: [{notify: channel, via: dm}]\n",
            'rule "stalled": escalate[0]: via: a channel cannot get a direct message (use '
            "thread or channel)",
        ),
        (
            "- id: Stalled Work\n  when: {overdue: true}\n",
            "rule \"Stalled Work\": id: 'Stalled Work' is not a rule id (lower-case letters, "
            "digits and _, starting with a letter, up to 64)",
        ),
        ("- when: {overdue: true}\n", 'rule "#1": id: missing (this key is required)'),
    ],
)
def test_it_explains_each_mistake_in_a_rule(rule, problem):
    text = make_file(rule)

    problems = problems_in(text)

    assert problems == [f"rules.yml: {problem}"]


def test_it_refuses_two_rules_with_one_id():
    text = make_file(STALLED + STALLED)

    problems = problems_in(text)

    assert problems == ['rules.yml: rule "stalled": id: used by 2 rules; ids must be unique']


def test_it_lists_every_problem_in_the_file_at_once():
    text = make_file(
        "- id: stalled\n  when: {no_update_for: 10x}\n- id: late\n  when: {overdue: maybe}\n",
        calendar=CALENDAR.replace("Asia/Ho_Chi_Minh", "Asia/Saigon City"),
    )

    with pytest.raises(RulebookError) as refused:
        parse_rulebook(text, source="site.yml")

    assert len(refused.value.problems) == 3
    assert str(refused.value).splitlines() == refused.value.problems
    assert refused.value.problems[0].startswith('site.yml: calendar.timezone: "Asia/Saigon City"')
    assert refused.value.problems[2].startswith('site.yml: rule "late": when.overdue: ')


def test_it_refuses_a_key_given_twice_instead_of_keeping_the_last():
    text = make_file("- id: stalled\n  when: {no_update_for: 8h}\n  when: {overdue: true}\n")

    problems = problems_in(text)

    assert problems == ['rules.yml: line 8, column 5: "when" is given twice']


def test_it_points_at_the_line_of_a_yaml_syntax_error():
    text = make_file("- id: stalled\n  when: {no_update_for: 8h\n")

    problems = problems_in(text)

    assert len(problems) == 1
    assert problems[0] == "rules.yml: line 8, column 1: expected ',' or '}', but got '<stream end>'"


def test_it_refuses_a_file_without_a_calendar_or_rules():
    problems = problems_in("projects: {}\n")

    assert problems == [
        "rules.yml: calendar: missing (this key is required)",
        "rules.yml: rules: missing (this key is required)",
    ]


def test_it_says_which_file_cannot_be_read(tmp_path):
    missing = tmp_path / "nowhere.yml"

    with pytest.raises(RulebookError) as refused:
        load_rulebook(missing)

    assert str(refused.value).startswith(f"{missing}: cannot be read")


def test_it_reads_a_file_from_disk_and_names_it_in_errors(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(make_file("- id: stalled\n  when: {no_update_for: 10x}\n"))

    with pytest.raises(RulebookError) as refused:
        load_rulebook(path)

    assert str(refused.value).startswith(f'{path}: rule "stalled": when.no_update_for:')


PROJECTS = """\
TWR:
  calendar: {timezone: Europe/Berlin, holidays: [2026-12-24]}
  disabled: [late]
  rules:
    stalled:
      when: {no_update_for: 4h}
      escalate: [{notify: managers}]
      repeat_every: null
      severity: critical
"""
LATE = "  - id: late\n    when: {overdue: true}\n"


def test_it_gives_a_project_its_own_calendar_built_on_the_default():
    rulebook = parse_rulebook(make_file(STALLED + LATE, projects=PROJECTS))

    calendar, _ = rulebook.for_project("TWR")

    assert calendar.timezone == "Europe/Berlin"
    assert calendar.holidays == {date(2026, 12, 24)}
    assert calendar.hours == rulebook.calendar.hours
    assert calendar.workdays == rulebook.calendar.workdays


def test_it_switches_rules_off_and_tunes_them_for_one_project():
    rulebook = parse_rulebook(make_file(STALLED + LATE, projects=PROJECTS))

    _, rules = rulebook.for_project("twr")

    (stalled,) = rules
    assert stalled.when.no_update_for == timedelta(hours=4)
    assert stalled.when.status == (TaskStatus.IN_PROGRESS,)  # untouched conditions stay
    assert [(s.notify, s.via) for s in stalled.escalate] == [(Audience.MANAGERS, Via.DM)]
    assert stalled.repeat_every is None
    assert stalled.severity is Severity.CRITICAL


def test_it_gives_other_projects_the_defaults():
    rulebook = parse_rulebook(make_file(STALLED + LATE, projects=PROJECTS))

    calendar, rules = rulebook.for_project("ABC")

    assert calendar is rulebook.calendar
    assert rules == rulebook.rules


def test_it_shares_one_calendar_object_per_project_across_calls():
    rulebook = parse_rulebook(make_file(STALLED + LATE, projects=PROJECTS))

    first, _ = rulebook.for_project("TWR")
    second, _ = rulebook.for_project("TWR")

    assert first is second


@pytest.mark.parametrize(
    ("projects", "problem"),
    [
        (
            "TWR:\n  disabled: [stalld]\n",
            'project "TWR": no rule "stalld" to change (did you mean stalled?)',
        ),
        ("TWR:\n  rules: {late: {}}\n", 'project "TWR": no rule "late" to change'),
        ("tower-a: {}\n", 'project "tower-a": is not a project key (2 to 6 letters, like TWR)'),
        (
            "TWR:\n  rules: {stalled: {when: {no_update_for: soon}}}\n",
            'project "TWR": rule "stalled": when.no_update_for: "soon" is not a duration '
            "(use 45s, 30m, 10h, 2d, 1w or 1h30m)",
        ),
        (
            "TWR:\n  rules: {stalled: {when: {silent_for: 2h}}}\n",
            'project "TWR": rule "stalled": when: silent_for is about a whole project and '
            "cannot be combined with task conditions (status, no_update_for)",
        ),
        (
            "TWR:\n  rules: {stalled: {description: other}}\n",
            'project "TWR": rule "stalled": description: unknown key',
        ),
        (
            "TWR:\n  calendar: {hours: 9-5}\n",
            'project "TWR": calendar.hours: "9" is not a time of day (use HH:MM, like 07:30)',
        ),
    ],
)
def test_it_explains_each_mistake_in_a_project_section(projects, problem):
    text = make_file(projects=projects)

    problems = problems_in(text)

    assert problems == [f"rules.yml: {problem}"]


def test_it_applies_a_stored_calendar_over_a_default():
    base = Calendar(timezone="Asia/Ho_Chi_Minh", workdays="mon-sat", hours="07:00-17:00")

    calendar = calendar_over(base, {"workdays": ["mon", "tue", "wed", "thu", "fri"]})

    assert calendar == Calendar(
        timezone="Asia/Ho_Chi_Minh", workdays="mon-fri", hours="07:00-17:00"
    )


def test_it_refuses_a_stored_calendar_it_cannot_read():
    with pytest.raises(RulebookError) as refused:
        calendar_over(Calendar(), {"timezone": "Nowhere"}, source="project TWR")

    assert str(refused.value).startswith('project TWR: timezone: "Nowhere" is not a time zone')


def test_every_condition_a_rules_file_may_set_is_one_the_code_knows():
    # `Condition` names the keys of a rule's `when`, in order: the evaluator, the messages and
    # the error that lists the conditions all read the enum.
    assert tuple(Conditions.model_fields) == tuple(Condition)
