"""Backoff and pacing, computed from the times given (pure)."""

import random
from datetime import UTC, datetime, timedelta

from bot.delivery.errors import OutcomeUnknown, PermanentError, RateLimited, TransientError
from bot.delivery.policy import Backoff, GiveUp, Pacer, Retry

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def retry(error, attempts=0, queued_at=NOW, now=NOW, seed=1, backoff=None):
    return (backoff or Backoff()).after_failure(
        error, attempts=attempts, queued_at=queued_at, now=now, rng=random.Random(seed)
    )


def test_the_backoff_ceiling_doubles_up_to_the_cap_and_every_draw_stays_under_it():
    backoff = Backoff(base=2 * SECOND, cap=timedelta(minutes=10))
    rng = random.Random(3)

    for attempts in range(40):
        ceiling = min(timedelta(minutes=10), 2 * SECOND * 2**attempts)
        draws = [backoff.delay(attempts, rng) for _ in range(50)]
        assert all(backoff.floor <= d <= max(ceiling, backoff.floor) for d in draws)
    late = [backoff.delay(30, rng) for _ in range(200)]
    assert max(late) > timedelta(minutes=8)  # full jitter spreads over the whole range
    assert min(late) < timedelta(minutes=2)


def test_the_same_seed_gives_the_same_retries():
    first = [retry(TransientError("internal_error"), attempts=n, seed=9).at for n in range(5)]
    again = [retry(TransientError("internal_error"), attempts=n, seed=9).at for n in range(5)]

    assert first == again


def test_a_permanent_error_gives_up_at_once_with_its_reason():
    assert retry(PermanentError("not_in_channel")) == GiveUp("not_in_channel")


def test_retry_after_is_the_least_wait():
    decision = retry(RateLimited("ratelimited", retry_after=45))

    assert isinstance(decision, Retry) and decision.at >= NOW + 45 * SECOND


def test_an_unknown_outcome_is_carried_into_the_retry():
    assert retry(OutcomeUnknown("timed out")).outcome_unknown
    assert not retry(TransientError("internal_error")).outcome_unknown


def test_it_gives_up_a_day_after_the_message_was_queued():
    queued = NOW - timedelta(days=1)

    decision = retry(TransientError("HTTP 503 service_unavailable"), attempts=180, queued_at=queued)

    assert decision == GiveUp("gave up after 181 attempts over 24 h: HTTP 503 service_unavailable")
    assert isinstance(
        retry(TransientError("x"), attempts=180, queued_at=queued + timedelta(minutes=1)), Retry
    )


def test_a_resent_old_message_still_gets_a_few_attempts():
    queued = NOW - timedelta(days=3)

    assert isinstance(retry(TransientError("x"), attempts=0, queued_at=queued), Retry)
    assert isinstance(retry(TransientError("x"), attempts=2, queued_at=queued), GiveUp)


def test_a_post_makes_its_conversation_busy_for_a_second():
    pacer = Pacer()

    pacer.sent("C0TOWER", "chat.postMessage", NOW)
    pacer.sent("C0YARD", "chat.update", NOW)

    assert pacer.busy_targets(NOW + 0.999 * SECOND) == {"C0TOWER"}
    assert pacer.busy_targets(NOW + SECOND) == set()
    assert pacer.next_free(NOW) == NOW + SECOND


def test_a_429_on_posting_pauses_the_conversation_and_on_another_method_the_method():
    pacer = Pacer()

    pacer.rate_limited(
        "C0TOWER", RateLimited("ratelimited", retry_after=30), "chat.postMessage", NOW
    )
    pacer.rate_limited("C0YARD", RateLimited("ratelimited", retry_after=20), "chat.update", NOW)

    assert pacer.busy_targets(NOW + 29 * SECOND) == {"C0TOWER"}
    assert pacer.method_free_at("chat.update", NOW) == NOW + 20 * SECOND
    assert pacer.method_free_at("chat.update", NOW + 20 * SECOND) is None
    assert pacer.method_free_at("reactions.add", NOW) is None
    assert pacer.next_free(NOW) == NOW + 20 * SECOND
