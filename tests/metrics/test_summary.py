"""The loop report as a pure function of hand-made alert rows."""

from datetime import UTC, datetime, timedelta

from storage.loop_metrics import STAGES, AlertTimes, RuleCounts, Spread, percentile, summarise

T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def at(n: float) -> datetime:
    """Return `n` minutes after T0."""
    return T0 + minutes(n)


def alert(rule_id: str = "stalled", **moments) -> AlertTimes:
    return AlertTimes(rule_id=rule_id, opened_at=T0, **moments)


ROWS = [
    # answered by a report 20 min after delivery, which resolved it 10 min later
    alert(first_sent_at=at(1), first_answer_at=at(21), resolved_at=at(31), resolved_by_update=True),
    # acknowledged 60 min after delivery (before any report), still open
    alert(first_sent_at=at(2), first_answer_at=at(90), acknowledged_at=at(62)),
    # delivered after quiet hours, never answered, cleared by time
    alert("overdue", first_sent_at=at(600), resolved_at=at(700)),
    # not delivered yet
    alert("overdue"),
]


def test_it_measures_each_stage_over_the_alerts_that_reached_both_ends():
    report = summarise(ROWS)

    assert [name for name, _ in report.stages] == list(STAGES)
    assert dict(report.stages) == {
        "signal → delivered": Spread(3, minutes(2), minutes(480.4)),
        "delivered → answered": Spread(2, minutes(40), minutes(56)),
        "answered → resolved": Spread(1, minutes(10), minutes(10)),
        "signal → resolved": Spread(2, minutes(365.5), minutes(633.1)),
    }


def test_an_acknowledgement_answers_if_it_comes_before_any_report():
    assert ROWS[1].answered_at == at(62)
    assert ROWS[0].answered_at == at(21)
    assert ROWS[2].answered_at is None


def test_nothing_counts_as_an_answer_before_the_first_delivery():
    early = alert(first_answer_at=at(5))
    answered_early = alert(first_sent_at=at(10), first_answer_at=at(5))

    assert early.answered_at is None
    assert answered_early.answered_at == at(10)  # the same moment: a zero-length wait


def test_it_counts_per_rule_and_how_the_alerts_ended():
    report = summarise(ROWS)

    assert report.rules == (
        RuleCounts("overdue", opened=2, acknowledged=0, answered=0, resolved=1),
        RuleCounts("stalled", opened=2, acknowledged=1, answered=2, resolved=1),
    )
    assert (report.resolved_by_data, report.closed_otherwise, report.still_open) == (1, 1, 2)
    assert report.share(report.resolved_by_data) == 0.25


def test_no_alerts_make_an_empty_report():
    report = summarise([])

    assert report.alerts == 0
    assert all(spread == Spread(0) for _, spread in report.stages)
    assert report.share(0) == 0.0


def test_percentiles_interpolate_between_the_nearest_ranks():
    ordered = [minutes(n) for n in (1, 2, 3, 4)]

    assert percentile(ordered, 0.5) == minutes(2.5)
    assert percentile(ordered, 0.9) == minutes(3.7)
    assert percentile([minutes(7)], 0.9) == minutes(7)
