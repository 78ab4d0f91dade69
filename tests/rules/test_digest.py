"""The end-of-day digest: who reported, what moved, what was installed and spent, how the
alerts went, and what comes tomorrow."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from rules.digest import AlertDay, DayReport, day_digest
from rules.health import project_health
from rules.vocabulary import TaskStatus
from tests.rules.factories import SITE_MORNING, make_calendar, make_task

CALENDAR = make_calendar()
TUESDAY = date(2026, 12, 1)
START = CALENDAR.start_of_day(TUESDAY)
EVENING = START + timedelta(hours=17)


def task(number, **fields):
    return replace(make_task(**fields), id=number, key=f"TWR-{number}")


def at(hours):
    return SITE_MORNING + timedelta(hours=hours)


def digest_of(tasks, reports, before=None, alerts=()):
    health = project_health(tasks, CALENDAR, EVENING)
    return day_digest(
        TUESDAY, (START, EVENING), health, tasks, reports, before or {}, alerts, date(2026, 12, 2)
    )


def test_it_sums_up_the_day_by_person_task_unit_and_crew_hours():
    slab, walls = task(1), task(2)
    reports = [
        DayReport(1, "U0CAM", at(1), percent=Decimal(60), quantity=Decimal(12), unit="m3"),
        DayReport(1, "U0CAM", at(3), percent=Decimal(75), quantity=Decimal(8), unit="m3"),
        DayReport(2, "U0DEE", at(2), manpower=4, hours=Decimal(8), cost=Decimal(1200)),
        DayReport(None, "U0DEE", at(4), hours=Decimal("2.5")),
        DayReport(2, "U0DEE", START - timedelta(minutes=1), percent=Decimal(99)),  # yesterday
    ]

    digest = digest_of([slab, walls], reports, before={1: Decimal(40)})

    assert digest.reports == 4
    assert digest.reporters == (("U0CAM", 2), ("U0DEE", 2))
    assert [(m.task.key, m.before, m.after) for m in digest.moves] == [
        ("TWR-1", Decimal(40), Decimal(75))
    ]
    assert digest.quantities == (("m3", Decimal(20)),)
    assert digest.crew_hours == Decimal("34.5")  # 4 × 8, and 2.5 alone
    assert digest.cost == Decimal(1200)


def test_a_quiet_day_is_quiet():
    assert digest_of([task(1)], []).is_quiet


def test_it_counts_the_days_alerts_and_the_median_answer():
    def alert(opened, sent, answered, resolved=None):
        return AlertDay("stalled", at(opened), at(sent), answered and at(answered), resolved)

    alerts = [
        alert(1, 1, 1.5),  # answered in 30 min
        alert(2, 2, 3.5),  # in 90 min
        alert(-30, -30, None, resolved=at(5)),  # opened yesterday, resolved today
        alert(6, 6, None),
    ]

    digest = digest_of([task(1)], [], alerts=alerts)

    assert (digest.alerts_opened, digest.alerts_answered, digest.alerts_resolved) == (3, 2, 1)
    assert digest.median_answer == timedelta(hours=1)


def test_it_names_what_starts_and_what_is_due_tomorrow():
    wednesday = date(2026, 12, 2)
    starting = task(1, planned_start=wednesday, planned_finish=date(2026, 12, 9))
    due = task(2, planned_finish=wednesday)
    finished = task(3, status=TaskStatus.DONE, planned_finish=wednesday)

    digest = digest_of([starting, due, finished], [])

    assert digest.next_day == wednesday
    assert [t.key for t in digest.starting] == ["TWR-1"]
    assert [t.key for t in digest.due] == ["TWR-2"]
