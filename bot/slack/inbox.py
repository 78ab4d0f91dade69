"""Events and slash commands are answered as soon as they are stored, then processed in order.

Slack waits 3 s for an event's 200 (and retries when it doesn't come) or a command's answer.
Recording a report takes far longer than storing the request (the grammar, the task's refold,
the author's profile from `users.info`), so the request path only inserts it
(`storage.inbox.accept`, one statement) and answers. One worker then runs the usual listeners
on it through Bolt's own dispatch, so a listener can't tell a queued request from a live one.
What a command's listener answers is posted to the command's `response_url`: the person sees
it a moment after typing, as Slack shows any answer that takes more than the acknowledgement.

Nothing is lost: a request is stored before Slack is told, and a process that dies before
processing it leaves it leased; when the lease runs out any process's sweep runs it. Nothing is
done twice: an event is stored once by its `event_id`, and the listeners are idempotent for
the requests processed again after a crash (done is noted in batches, so a crash can leave up to
`DONE_BATCH` of them): updates are keyed by channel and ts, and a command's effect is committed
with a note of its trigger_id (`storage.commands`), so a command run again only answers again.

Button clicks and modal submissions are not queued: a modal's answer (its errors, say) must
come back in the acknowledgement itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timedelta

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.logs import describe_request, fields, request_ids
from bot.runtime import Runtime
from bot.services.replies import Answer
from bot.slack.request_shape import problem_with
from storage import commands, inbox
from storage.db import session_scope

log = logging.getLogger("inbox")

# How often a process looks for requests left by a process that died.
SWEEP_SECONDS = 30.0
# How often a worker process looks for the requests its front stored.
WORKER_POLL_SECONDS = 0.025
# At most this many requests processed are noted as done in one write (or fewer, as soon as
# nothing is queued): a write per request would keep the front, which shares SQLite's inbox
# file with the worker, waiting for the file's one writer.
DONE_BATCH = 50
# How often a sweep also forgets the requests processed more than a day ago (and the commands
# run more than a week ago).
PRUNE_EVERY = timedelta(seconds=30)
# Slack gives up on a command's acknowledgement after 3 s; leave room for the network.
ACK_BUDGET_SECONDS = 2.0
RECORDING = Answer("⏳ Recording… siteloop is busy; you'll see the result here in a moment.")
LOST = Answer(
    "siteloop's database was too busy to take your command, and nothing was recorded. "
    "Please send it again in a minute."
)
_storers = ThreadPoolExecutor(max_workers=8, thread_name_prefix="command")
_answerers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="answer")

# Context key marking the worker's own dispatch of a stored event (it must not be stored again).
REPLAY = "siteloop_inbox_replay"
# Context key saying, for the request log, what the inbox did with a request: "stored" (answered,
# to be processed), "storing" (a command answered "Recording…" while the database was busy),
# "duplicate" (a delivery already stored) or "processed" (the worker's run).
INBOX_STAGE = "siteloop_inbox"
# Context key where the app's error handler leaves a failed listener's exception.
LISTENER_ERROR = "siteloop_listener_error"


class Inbox:
    """The inbox of one process: a Bolt middleware that accepts, and a worker thread.

    Args:
        runtime: the database and clock.
        processes_here: whether what this inbox accepts is processed in this process (one
            process doing everything). A front only accepts: its worker process claims what
            it stored.
        sweep_seconds: how often to look for stored requests nobody holds: those a process
            that died left (every `SWEEP_SECONDS`), or, in a worker, those its front stored
            (every `WORKER_POLL_SECONDS`).
        max_attempts: how many times a failing request is tried before it is given up (logged).
        retry_after: the pause after a first failure; it doubles with each further one.
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        processes_here: bool = True,
        sweep_seconds: float = SWEEP_SECONDS,
        max_attempts: int = 5,
        retry_after: timedelta = timedelta(seconds=30),
    ) -> None:
        self.runtime = runtime
        self.processes_here = processes_here
        self.max_attempts = max_attempts
        self.retry_after = retry_after
        self.sweep_seconds = sweep_seconds
        self._app: App | None = None
        self._queue: deque[tuple[int, str]] = deque()
        self._changed = threading.Condition()
        self._held: set[int] = set()  # ids queued or being processed here
        self._answering: set[Future] = set()  # commands' answers being posted
        self._last_answer: dict[str, Future] = {}  # by person: the answer posted after the others
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pruned_at: datetime | None = None

    # The request path

    def accept(self, req: BoltRequest, next) -> BoltResponse | None:
        """Bolt middleware: store an event or a slash command, queue it, and answer at once."""
        body = req.body
        if not _queued(body) or req.context.get(REPLAY):
            return next()
        raw = req.raw_body or json.dumps(body)
        # Slack never retries a command: each invocation is its own, whatever it says.
        event_id = str(body.get("event_id") or _content_key(raw))
        now = self.runtime.clock.now()
        if body.get("command"):
            return self._accept_command(req, event_id, raw, now)
        event_pk = self._store(event_id, raw, now)  # a busy database: Slack retries
        req.context[INBOX_STAGE] = "duplicate" if event_pk is None else "stored"
        return BoltResponse(status=200, body="")

    def _accept_command(
        self, req: BoltRequest, event_id: str, raw: str, now: datetime
    ) -> BoltResponse:
        # A person is waiting and Slack does not retry commands: if the database is too busy
        # to store the command in time, they are told so at once and answered once it is in.
        storing = _storers.submit(self._store, event_id, raw, now)
        try:
            storing.result(timeout=ACK_BUDGET_SECONDS)
        except FutureTimeout:
            storing.add_done_callback(lambda done: _tell_if_lost(req.body, done))
            req.context[INBOX_STAGE] = "storing"
            return BoltResponse(
                status=200,
                body=json.dumps(_message(RECORDING)),
                headers={"content-type": "application/json;charset=utf-8"},
            )
        req.context[INBOX_STAGE] = "stored"
        return BoltResponse(status=200, body="")

    def _store(self, event_id: str, raw: str, now: datetime) -> int | None:
        """Insert a request and queue it; return its id, or None for a retry already stored."""
        with self.runtime.inbox_engine.begin() as connection:
            event_pk = inbox.accept(connection, event_id, raw, now, leased=self.processes_here)
        if event_pk is not None and self.processes_here:
            self._put(event_pk, raw)
        return event_pk

    def _put(self, event_pk: int, raw: str) -> None:
        with self._changed:
            self._queue.append((event_pk, raw))
            self._held.add(event_pk)
            self._changed.notify_all()

    # The worker

    def start(self, app: App) -> None:
        """Start processing with `app`'s listeners, beginning with events left from before."""
        self._app = app
        self._sweep_safely()  # before the thread, so that `settle()` right after start waits
        self._thread = threading.Thread(target=self._run, name="inbox", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """Return whether the worker is processing events."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Finish the events queued (for up to `grace_seconds`), then stop.

        Call it once nothing new can arrive. Events still queued after the grace period are
        released, so the next process to start runs them.
        """
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(grace_seconds)
        with self._changed:
            left = [event_pk for event_pk, _ in self._queue]
            self._queue.clear()
            self._held.difference_update(left)
            self._changed.notify_all()
        if left:
            with session_scope(self.runtime.inbox_sessions) as session:
                inbox.release(session, left)
            log.warning("events left for the next start", extra=fields(count=len(left)))

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every request accepted so far is processed and answered; TimeoutError
        after `timeout`."""
        with self._changed:
            if not self._changed.wait_for(lambda: not (self._held or self._answering), timeout):
                raise TimeoutError(
                    f"{len(self._held)} requests unprocessed, {len(self._answering)} answers "
                    f"unsent after {timeout} s"
                )

    def _answered(self, answering: Future) -> None:
        with self._changed:
            self._answering.discard(answering)
            for person, last in list(self._last_answer.items()):
                if last is answering:
                    del self._last_answer[person]
            self._changed.notify_all()

    def sweep(self) -> int:
        """Queue the requests nobody holds a lease on (their process died, or a front process
        accepted them for this one); return how many.

        Also forgets, at most every 30 s, requests done more than a day ago and commands run
        more than a week ago.
        """
        now = self.runtime.clock.now()
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            with session_scope(self.runtime.inbox_sessions) as session:
                inbox.prune(session, now)
            with session_scope(self.runtime.sessions) as session:
                commands.forget_old(session, now)
            self._pruned_at = now
        with session_scope(self.runtime.inbox_sessions, read_only=True) as session:
            # Queued here already: its lease ran out in the queue.
            free = [pk for pk in inbox.sweep_ids(session, now) if pk not in self._held]
        if not free:
            return 0
        with session_scope(self.runtime.inbox_sessions) as session:
            taken = inbox.claim(session, free, now)
        for event_pk, body in taken:
            self._put(event_pk, body)
        if taken and self.processes_here:  # what a worker process claims is its daily bread
            log.info("picked up events left unprocessed", extra=fields(count=len(taken)))
        return len(taken)

    def _run(self) -> None:
        done: list[int] = []  # processed, not yet noted as such in the inbox
        while True:
            with self._changed:
                if not done:
                    self._changed.wait_for(
                        lambda: self._queue or self._stopping, self.sweep_seconds
                    )
                item = self._queue.popleft() if self._queue else None
            if item is None:
                if done:  # nothing queued: note what was done, then wait again
                    self._note_done(done)
                elif self._stopping:
                    return
                else:
                    self._sweep_safely()
                continue
            if self._process(*item):
                done.append(item[0])
                if len(done) >= DONE_BATCH:
                    self._note_done(done)
            else:
                self._release([item[0]])

    def _note_done(self, done: list[int]) -> None:
        """Record in one write that the requests in `done` were processed, and empty it."""
        try:
            with session_scope(self.runtime.inbox_sessions) as session:
                inbox.mark_done(session, done, self.runtime.clock.now())
        except Exception:  # still leased: processed again when the lease runs out (harmless)
            log.exception("could not record requests as processed", extra=fields(count=len(done)))
        self._release(done)
        done.clear()

    def _release(self, event_pks: list[int]) -> None:
        with self._changed:
            self._held.difference_update(event_pks)
            self._changed.notify_all()

    def _sweep_safely(self) -> None:
        try:
            self.sweep()
        except Exception:  # the database is away: the next sweep tries again
            log.exception("inbox sweep failed")

    def _process(self, event_pk: int, raw: str) -> bool:
        """Run a request's listeners; return True when they succeeded (for the caller to note
        it done), after noting a failure here."""
        try:
            body = _read(raw)
        except ValueError as problem:  # stored before the door checked: it never will succeed
            return self._failed(event_pk, str(problem), permanent=True)
        error = self._dispatch(body)
        if error is None:
            return True
        return self._failed(event_pk, error, permanent=False)

    def _failed(self, event_pk: int, error: str, *, permanent: bool) -> bool:
        """Note a failed request: to retry later, or given up when `permanent` or out of
        attempts. Return False (for `_process`)."""
        now = self.runtime.clock.now()
        retry_at = None
        try:
            with session_scope(self.runtime.inbox_sessions) as session:
                attempt = inbox.attempts_of(session, event_pk) + 1
                if not permanent and attempt < self.max_attempts:
                    retry_at = now + self.retry_after * 2 ** (attempt - 1)
                    inbox.retry_later(session, event_pk, error, retry_at)
                else:
                    inbox.give_up(session, event_pk, now, error)
        except Exception:  # still leased: swept up again when the lease runs out
            log.exception("could not record an event's outcome", extra=fields(inbox_id=event_pk))
            return False
        if permanent:
            log.warning(f"request given up, {error}", extra=fields(inbox_id=event_pk))
        elif retry_at is not None:
            log.warning(
                "event failed, will retry",
                extra=fields(inbox_id=event_pk, attempt=attempt, retry_at=retry_at.isoformat()),
            )
        else:
            log.error(
                "event given up", extra=fields(inbox_id=event_pk, attempts=attempt, error=error)
            )
        return False

    def _dispatch(self, body: dict) -> str | None:
        """Run the listeners on a stored request's body; return what went wrong, or None."""
        assert self._app is not None, "start() first"
        try:
            # Socket Mode's form of a request: already authenticated, so no signature to check.
            context = {REPLAY: True, INBOX_STAGE: "processed"}
            request = BoltRequest(body=body, mode="socket_mode", context=context)
            response = self._app.dispatch(request)
        except Exception as error:  # a failure outside any listener
            log.exception("event could not be processed")
            return f"{type(error).__name__}: {error}"
        if body.get("command") and response.status == 200 and response.body:
            # On its own thread: a slow response_url must not hold up the requests behind.
            ack = response.body
            message = json.loads(ack) if ack.startswith("{") else {"text": ack}
            with self._changed:
                # A person reads the answers to their commands in the order the commands ran,
                # even when several are answered at once (a sweep after a crash).
                person = str(body.get("user_id"))
                previous = self._last_answer.get(person)
                answering = _answerers.submit(_answer_in_turn, previous, body, message)
                self._last_answer[person] = answering
                self._answering.add(answering)
            answering.add_done_callback(self._answered)
        if response.status >= 500:
            cause = request.context.get(LISTENER_ERROR)
            return f"{type(cause).__name__}: {cause}" if cause else f"status {response.status}"
        if response.status == 404:  # not in the manifest: Slack should not have sent it
            log.warning(
                f"no listener for {describe_request(body)}", extra=fields(**request_ids(body))
            )
        return None


def _read(raw: str) -> dict:
    """Return a stored request's body; ValueError saying why it can never be processed."""
    try:
        body = inbox.parse_body(raw)
    except RecursionError:
        raise ValueError("unreadable: nested too deep") from None
    except ValueError as error:
        raise ValueError(f"unreadable: {error}") from None
    problem = problem_with(body)
    if problem is not None:
        raise ValueError(f"malformed: {problem}")
    return body


def _queued(body: dict) -> bool:
    """Return whether a request goes through the inbox: an event or a slash command."""
    return body.get("type") == "event_callback" or bool(body.get("command"))


def _message(answer: Answer) -> dict:
    """Return a short answer as a private message's JSON (no blocks: text is all it has)."""
    return {"text": answer.text, "response_type": "ephemeral"}


def _tell_if_lost(command: dict, storing: Future) -> None:
    """Once a late command's storing ends: if it failed, say that nothing was recorded."""
    if storing.exception() is not None:
        log.error(
            "command not stored",
            extra=fields(**request_ids(command), error=str(storing.exception())),
        )
        _answer(command, _message(LOST))


def _answer_in_turn(previous: Future | None, command: dict, message: dict) -> None:
    """Post a command's answer once the answer before it, to the same person, is posted.

    It waits only on an answer submitted earlier, which the pool (first in, first out) has
    taken already: the wait always ends.
    """
    if previous is not None:
        wait([previous])
    _answer(command, message)


def _answer(command: dict, message: dict) -> None:
    """Post a command's answer to its response_url (where Slack shows it)."""
    webhook = WebhookClient(
        command["response_url"],
        timeout=10,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), ServerErrorRetryHandler()],
    )
    try:
        sent = webhook.send_dict(message)
        delivered, reason = sent.status_code == 200, f"HTTP {sent.status_code}: {sent.body}"
    except Exception as error:  # the report is recorded; only its confirmation is lost
        delivered, reason = False, f"{type(error).__name__}: {error}"
    if not delivered:
        log.error(
            "command answer not delivered",
            extra=fields(**request_ids(command), error=reason),
        )


def _content_key(raw: str) -> str:
    """Return a stable key for an envelope that lacks Slack's `event_id`."""
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()[:40]
