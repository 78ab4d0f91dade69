"""The delivery pipeline, composed once: every process delivers the outbox through this.

`build_dispatcher` names everything a message goes through besides its Web API call, by
outbox kind (see `bot.delivery.dispatcher` for the steps' order):

- alert messages (follow-ups, escalations): before sending, an escalation gets its history and
  the thread's link (`alert_delivery.add_history`); once sent, the payload people saw is kept,
  so a button press edits from it, and an escalation acknowledged while on its way says so
  (`alert_actions.escalation_delivered`);
- a task's card: once sent, it becomes the task's thread and the messages waiting for that
  thread go into it (`assignment.card_delivered`); if it is given up on, they go to the
  channel instead (`assignment.card_failed`);
- an edit of a card: once sent, the card is edited again if the task moved on meanwhile
  (`assignment.card_edited`);
- an end-of-day digest: once sent, its S-curve is queued in its thread
  (`digest.digest_delivered`), drawn just before it is uploaded (`digest.chart_step`), and
  once it is in Slack the project's Home tabs show it (`digest.chart_delivered`);
- a Home tab: drawn just before it is published (`home.home_step`); once published, it is
  noted as showing what was true then (`home.home_shown`).

`siteloop serve`'s worker, `siteloop tick`, the demo and the tests all build their dispatcher
here, so a message goes through the same steps whichever process sends it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from slack_sdk import WebClient

from bot.clock import Clock, SystemClock
from bot.delivery.dispatcher import Dispatcher, make_client
from bot.runtime import Runtime
from bot.services import alert_actions, alert_delivery, assignment, digest, home
from rules.vocabulary import OutboxKind
from storage.alerts import NOTIFICATION_KINDS


def build_dispatcher(
    runtime: Runtime, *, client: WebClient | None = None, **options: Any
) -> Dispatcher:
    """Return a dispatcher delivering `runtime`'s outbox with every delivery step in place.

    Args:
        runtime: the database, clock and doorbell of the process.
        client: the Web API client (default: `make_client` on the runtime's settings).
        options: the dispatcher's tuning (`senders`, `idle_seconds`, `rng`, `clock`, …).
    """
    options.setdefault("clock", runtime.clock)
    options.setdefault("doorbell", runtime.doorbell)
    return Dispatcher(
        sessions=runtime.sessions,
        client=client or make_client(runtime.settings),
        **delivery_steps(runtime.settings.rules_path, options["clock"]),
        **options,
    )


def delivery_steps(rules_path: Path | None = None, clock: Clock | None = None) -> dict[str, Any]:
    """Return the dispatcher's steps by outbox kind, as its keyword arguments (`rules_path`:
    the rules file in force, for the calendars a chart is drawn on; `clock`: when a Home tab
    is drawn)."""
    return {
        "before_send": {
            **dict.fromkeys(NOTIFICATION_KINDS, alert_delivery.add_history),
            OutboxKind.DIGEST_CHART: digest.chart_step(rules_path),
            OutboxKind.HOME_VIEW: home.home_step(rules_path, clock or SystemClock()),
        },
        "after_sent": {
            **dict.fromkeys(NOTIFICATION_KINDS, alert_actions.escalation_delivered),
            OutboxKind.TASK_CARD: assignment.card_delivered,
            OutboxKind.TASK_CARD_UPDATE: assignment.card_edited,
            OutboxKind.DIGEST: digest.digest_delivered,
            OutboxKind.DIGEST_CHART: digest.chart_delivered,
            OutboxKind.HOME_VIEW: home.home_shown,
        },
        "after_failed": {OutboxKind.TASK_CARD: assignment.card_failed},
    }


def deliver_pending(
    runtime: Runtime, now: datetime, *, client: WebClient | None = None, limit: int = 1000
) -> int:
    """Run one delivery pass at `now` (for `siteloop tick`); return how many messages it handled.

    One pass posts at most once to each conversation (pacing); what remains goes next pass.
    """
    return build_dispatcher(runtime, client=client).deliver_due(now, limit)
