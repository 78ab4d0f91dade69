"""The dispatcher: deliver outbox messages to Slack, each claimed by one sender.

Each delivery takes three steps, and no database transaction is open during the Slack call:

1. Claim: in one short transaction, find due messages (skipping conversations still paced)
   and lease one with a conditional update.
2. Send: if an earlier attempt may have reached Slack, look for the post in the conversation
   first (`reconcile.find_posted`); otherwise run the kind's before-send step, if any, and
   make the call `render.prepare` describes.
3. Record: in a second transaction, mark the message sent (channel, ts) and run the kind's
   after-sent step, retry it later (backoff, `Retry-After`), or mark it failed (a permanent
   error, or a day of trying) and run its after-failed step; a failure also queues a DM to the
   project's managers (`failures.summarise`).

If the process dies between 2 and 3, the lease runs out and the next sender reconciles before
posting, so nothing is sent twice. Decisions use the injected clock; real time only paces the
background threads' waits.

In the background, one thread claims and several senders send at once (Slack answers in
100–300 ms, so one sender alone would post a few messages a second across all conversations).
They share the pacing, and a conversation with a message in flight is not claimed again until
it is done, so each conversation's messages still go one at a time and in order.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.delivery import failures
from bot.delivery.after_sent import AfterFailed, AfterSent, run_after_failed, run_after_sent
from bot.delivery.before_send import BeforeSend, run_before_send
from bot.delivery.errors import (
    DeliveryError,
    OutcomeUnknown,
    RateLimited,
    classify,
    failed_method,
    is_already_done,
)
from bot.delivery.policy import Backoff, GiveUp, Pacer, Retry
from bot.delivery.reconcile import find_posted
from bot.delivery.render import Job, SlackCall, landed_at, prepare
from bot.logs import fields
from bot.runtime import Doorbell
from storage import outbox
from storage.db import session_scope
from storage.models import OutboxMessage

log = logging.getLogger("delivery")

# A Web API call that has not answered in this long counts as an unknown outcome.
DELIVERY_TIMEOUT_SECONDS = 10
# Long enough for a reconcile (a few reads) and a send, each bounded by the timeout above.
DEFAULT_LEASE = timedelta(minutes=2)
# The methods a reconcile may call, besides the message's own.
_RECONCILE_METHODS = ("conversations.open", "conversations.history", "conversations.replies")
_CLIENT_METHODS = {
    outbox.POST_MESSAGE: "chat_postMessage",
    outbox.UPDATE: "chat_update",
    outbox.POST_EPHEMERAL: "chat_postEphemeral",
    outbox.ADD_REACTION: "reactions_add",
    outbox.UPLOAD_FILE: "files_upload_v2",
    outbox.PUBLISH_VIEW: "views_publish",
}
_MIN_WAIT_SECONDS = 0.02
# Background senders: enough to keep many conversations busy at Slack's real latency.
DEFAULT_SENDERS = 8
# The longest the claimer sleeps when nothing is due (a producer's doorbell wakes it sooner).
IDLE_SECONDS = 5.0
# What one hand-over did (see `Dispatcher._hand_over`).
_HANDED, _BUSY, _NOTHING = object(), object(), object()


def make_client(settings: Settings, timeout: float = DELIVERY_TIMEOUT_SECONDS) -> WebClient:
    """Return the WebClient deliveries use: the bot token, and no retries of its own.

    slack_sdk's default retry handler re-sends a request after a dropped connection, which
    posts a message twice when Slack had accepted it; the dispatcher retries and reconciles
    itself instead.
    """
    token = settings.slack_bot_token
    return WebClient(
        token=token.get_secret_value() if token else None,
        base_url=settings.slack_api_url,
        timeout=int(timeout),
        retry_handlers=[],
    )


class Dispatcher:
    """Deliver the outbox to Slack: `deliver_one` step by step, or a background thread.

    Arguments (keyword-only):
        sessions: the session factory of the database holding the outbox.
        client: a WebClient with the bot token and `retry_handlers=[]` (see `make_client`).
        clock: the time used for every decision (due, backoff, pacing, leases).
        backoff: the retry policy; `pacer`: per-conversation pacing and rate-limit pauses.
        lease: how long a claimed message stays reserved to this sender.
        rng: the random source of the backoff jitter (seed it for repeatable tests).
        doorbell: rung by producers after they commit outbox rows (`runtime.doorbell`); it
            wakes the background thread at once. `wake()` rings it too.
        scan: how many due messages one claim looks at (to get past paced conversations).
        idle_seconds: the longest the background claimer sleeps when nothing is due.
        senders: how many messages the background delivery sends at once.
        before_send: by outbox kind, what fills a message in just before it is sent.
        after_sent: by outbox kind, what else to record once Slack has a message.
        after_failed: by outbox kind, what else to record once a message is given up on.
        Processes build theirs with `bot.process.delivery.build_dispatcher`, which passes all.
    """

    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        client: WebClient,
        clock: Clock,
        backoff: Backoff | None = None,
        pacer: Pacer | None = None,
        lease: timedelta = DEFAULT_LEASE,
        rng: random.Random | None = None,
        doorbell: Doorbell | None = None,
        scan: int = 50,
        idle_seconds: float = IDLE_SECONDS,
        senders: int = DEFAULT_SENDERS,
        before_send: Mapping[str, BeforeSend] | None = None,
        after_sent: Mapping[str, AfterSent] | None = None,
        after_failed: Mapping[str, AfterFailed] | None = None,
    ) -> None:
        self._sessions = sessions
        self._client = client
        self._clock = clock
        self._backoff = backoff or Backoff()
        self._pacer = pacer or Pacer()
        self._lease = lease
        self._rng = rng or random.Random()
        self._scan = scan
        self._idle_seconds = idle_seconds
        self._senders = senders
        self._before_send_steps = dict(before_send or {})
        self._after_sent_steps = dict(after_sent or {})
        self._after_failed_steps = dict(after_failed or {})
        # Guards the pacer and the conversations in flight: claims are made one at a time.
        self._lock = threading.Lock()
        self._in_flight: set[str] = set()
        # Failures are recorded one at a time, so two senders never open two summaries at once.
        self._failures = threading.Lock()
        self._doorbell = doorbell or Doorbell()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # One step at a time

    def deliver_one(self, now: datetime | None = None) -> bool:
        """Claim one due message and deliver it; return False when nothing could be claimed.

        `now` (the clock's time by default) decides what is due; outcomes are stamped at the
        later of `now` and the clock after the call, so a `Retry-After` counts from the answer.
        Raises only when the database fails (the lease then expires and a sender retries).
        """
        now = now or self._clock.now()
        job = self._take(now)
        if job is None:
            return False
        self._deliver_taken(job, now)
        return True

    def deliver_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """Deliver up to `limit` due messages; return how many were handled.

        With `now` given every step uses it, so each conversation gets at most one post per
        call (pacing); without it each step reads the clock.
        """
        handled = 0
        while handled < limit and not self._stopping.is_set():
            if not self.deliver_one(now):
                break
            handled += 1
        return handled

    def _take(self, now: datetime) -> Job | None:
        """Claim a due message and mark its conversation in flight (one claim at a time)."""
        with self._lock:
            job = self._claim(now)
            if job is not None:
                self._in_flight.add(job.target)
            return job

    def _deliver_taken(self, job: Job, now: datetime) -> None:
        """Deliver a message `_take` returned, then free its conversation."""
        try:
            self._deliver(job, now)
        finally:
            with self._lock:
                self._in_flight.discard(job.target)

    def _claim(self, now: datetime) -> Job | None:
        """Lease the oldest due message in a conversation that may be posted to at `now` and
        has no message in flight (call with the lock held)."""
        busy = self._pacer.busy_targets(now) | self._in_flight
        with session_scope(self._sessions, read_only=True) as session:
            candidates = outbox.due_ids(session, now, self._scan, exclude_targets=busy)
        if not candidates:
            return None
        with session_scope(self._sessions) as session:
            for message_id in candidates:
                if outbox.claim(session, message_id, now, self._lease):
                    row = session.scalars(
                        sa.select(OutboxMessage)
                        .where(OutboxMessage.id == message_id)
                        .execution_options(populate_existing=True)
                    ).one()
                    return Job.of(row)
        return None

    def _deliver(self, job: Job, now: datetime) -> None:
        """Send a claimed job (reconciling first if it may be in Slack) and record the outcome."""
        held_until = self._held_until(job, now)
        if held_until is not None:
            with session_scope(self._sessions) as session:
                outbox.postpone(session, job.id, held_until)
            self._log(job, "postponed", level=logging.DEBUG, retry_at=held_until)
            return
        reconciling = job.needs_reconciling
        try:
            if reconciling:
                found = find_posted(self._client, job)
                if found is not None:
                    self._record_sent(job, now, *found, outcome="reconciled")
                    return
                reconciling = False
            job = run_before_send(self._before_send_steps, self._sessions, self._client, job)
            call = prepare(job)
            with self._lock:
                self._pacer.sent(job.target, call.method, max(now, self._clock.now()))
            answer = self._call(call)
        except Exception as exc:  # every failure is classified and recorded, none escapes
            self._record_failure(job, exc, now, unknown=reconciling)
            return
        self._record_sent(job, now, *landed_at(call, answer), outcome="sent")

    def _held_until(self, job: Job, now: datetime) -> datetime | None:
        """Return until when a rate-limit pause holds a method `job` needs, or None."""
        methods = [job.method, *(_RECONCILE_METHODS if job.needs_reconciling else ())]
        with self._lock:
            holds = [t for m in methods if (t := self._pacer.method_free_at(m, now)) is not None]
        return max(holds, default=None)

    def _call(self, call: SlackCall) -> Mapping[str, Any]:
        """Make the Web API call; return Slack's answer (a wanted state that holds counts)."""
        method = getattr(self._client, _CLIENT_METHODS[call.method])
        try:
            return method(**call.kwargs).data
        except Exception as exc:
            if is_already_done(call.method, exc):
                return {"ok": True}
            raise

    def _record_sent(self, job: Job, now: datetime, channel: str, ts: str, *, outcome: str) -> None:
        finished = max(now, self._clock.now())
        with session_scope(self._sessions) as session:
            if outbox.mark_sent(session, job.id, finished, channel, ts):
                run_after_sent(self._after_sent_steps, session, job, channel, ts, finished)
        self._log(job, outcome, slack_channel=channel, ts=ts)

    def _record_failure(self, job: Job, exc: Exception, now: datetime, *, unknown: bool) -> None:
        """Retry later or give up, as the error and the backoff policy say.

        `unknown` marks a failure before we knew whether the message was in Slack: the next
        attempt must still look before posting.
        """
        error = classify(exc)
        finished = max(now, self._clock.now())
        if isinstance(error, RateLimited):
            method = failed_method(exc) or job.method
            with self._lock:
                self._pacer.rate_limited(job.target, error, method, finished)
        decision = self._backoff.after_failure(
            error, attempts=job.attempts, queued_at=job.created_at, now=finished, rng=self._rng
        )
        with self._failures, session_scope(self._sessions) as session:
            if isinstance(decision, Retry):
                outbox.retry_later(
                    session,
                    job.id,
                    finished,
                    decision.reason,
                    decision.at,
                    outcome_unknown=decision.outcome_unknown or unknown,
                )
            else:
                reason = self._give_up_reason(decision, error, unknown)
                if outbox.mark_failed(session, job.id, finished, reason):
                    run_after_failed(self._after_failed_steps, session, job, finished)
                    self._summarise_failure(session, job, finished)
        if isinstance(decision, Retry):
            self._log(job, "retry", level=logging.WARNING, error=error.reason, retry_at=decision.at)
        else:
            self._log(job, "failed", level=logging.ERROR, error=decision.reason)
        if error.reason.startswith("unexpected"):
            log.warning("unexpected error delivering outbox %s", job.id, exc_info=exc)

    @staticmethod
    def _summarise_failure(session: Session, job: Job, now: datetime) -> None:
        """Queue the DM telling the project's managers, in the transaction marking it failed.

        A fault in building the summary must not undo the failure (the message would be
        claimed again and again), so it runs in a savepoint and is only logged.
        """
        try:
            with session.begin_nested():
                failures.summarise(session, job.id, now)
        except Exception:
            log.exception("could not summarise the failure of outbox %s", job.id)

    @staticmethod
    def _give_up_reason(decision: GiveUp, error: DeliveryError, unknown: bool) -> str:
        if unknown or isinstance(error, OutcomeUnknown):
            return f"{outbox.OUTCOME_UNKNOWN}: {decision.reason}"
        return decision.reason

    def _log(self, job: Job, outcome: str, level: int = logging.INFO, **extra: Any) -> None:
        log.log(
            level,
            f"outbox {outcome}",
            extra=fields(
                outbox=job.id,
                kind=job.kind,
                method=job.method,
                channel=job.target,
                attempts=job.attempts + 1,
                outcome=outcome,
                **extra,
            ),
        )

    # In the background: one claimer hands messages to several senders

    def wake(self) -> None:
        """Deliver promptly: call right after committing outbox rows."""
        self._doorbell.ring()

    @property
    def running(self) -> bool:
        """Return whether the background delivery is running."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Deliver in the background: one thread claims what is due and hands each message to
        one of `senders` sending threads; when nothing is claimable it waits for `wake()`, a
        sender finishing, or the next message's time."""
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming, and let the messages in flight finish (waiting up to `timeout` s)."""
        self._stopping.set()
        self._doorbell.ring()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        free = threading.BoundedSemaphore(self._senders)
        # Leaving the block waits for the senders to finish the messages in flight.
        with ThreadPoolExecutor(self._senders, thread_name_prefix="outbox-send") as senders:
            while not self._stopping.is_set():
                try:
                    outcome = self._hand_over(senders, free)
                    if outcome is _HANDED:
                        continue
                    # Senders at work claim what follows themselves, and ring when they stop.
                    busy = outcome is _BUSY or self._sending()
                    wait = self._seconds_until_paced() if busy else self._seconds_until_work()
                except Exception:  # the database failed: pause, then try again; never die
                    log.exception("outbox delivery pass failed")
                    wait = self._idle_seconds
                if not self._stopping.is_set():
                    self._doorbell.wait(wait)  # rung by a producer or a sender, or time is up

    def _hand_over(self, senders: ThreadPoolExecutor, free: threading.BoundedSemaphore) -> object:
        """Claim one due message for a free sender: `_HANDED`, `_BUSY` or `_NOTHING`."""
        if not free.acquire(blocking=False):
            return _BUSY
        now = self._clock.now()
        try:
            job = self._take(now)
        except BaseException:
            free.release()
            raise
        if job is None:
            free.release()
            return _NOTHING
        senders.submit(self._send, job, now, free)
        return _HANDED

    def _send(self, job: Job | None, now: datetime, free: threading.BoundedSemaphore) -> None:
        """Deliver `job`, then go on taking messages for itself while there are any; then free
        the sender."""
        try:
            while job is not None:
                try:
                    self._deliver_taken(job, now)
                    if self._stopping.is_set():
                        break
                    now = self._clock.now()
                    job = self._take(now)
                except Exception:  # the database failed: leases run out, the claimer retries
                    log.exception("outbox delivery pass failed")
                    job = None
        finally:
            free.release()
            self._doorbell.ring()  # conversations and a sender are free again: look once more

    def _sending(self) -> bool:
        with self._lock:
            return bool(self._in_flight)

    def _seconds_until_paced(self) -> float:
        """Return how long the claimer may sleep while senders work: until a pace or pause
        ends, when a sender may be needed for a conversation none of them will claim."""
        now = self._clock.now()
        with self._lock:
            free_at = self._pacer.next_free(now)
        if free_at is None:
            return self._idle_seconds
        return min(self._idle_seconds, max(_MIN_WAIT_SECONDS, (free_at - now).total_seconds()))

    def _seconds_until_work(self) -> float:
        """Return how long the claimer may sleep before something could be delivered."""
        now = self._clock.now()
        with session_scope(self._sessions, read_only=True) as session:
            due = outbox.next_due_at(session)
        if due is None:
            return self._idle_seconds
        if due <= now:  # due, yet not claimable: paced or paused (or it just arrived)
            with self._lock:
                due = self._pacer.next_free(now) or now
        wait = (due - now).total_seconds()
        return min(self._idle_seconds, max(_MIN_WAIT_SECONDS, wait))
