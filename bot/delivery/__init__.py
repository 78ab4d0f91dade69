"""Delivery from the outbox to Slack: paced, retried, reconciled, never sent twice.

- `bot.delivery.dispatcher`: `Dispatcher` (`deliver_one`, `deliver_due`, background senders
  woken by `wake()`) and `make_client`.
- `bot.delivery.before_send`, `bot.delivery.after_sent`: how the dispatcher runs its steps.
- `bot.delivery.render`: an outbox row → the exact Web API call, tagged with its outbox id.
- `bot.delivery.errors`: `classify` a failed call as permanent, rate-limited, unknown or transient.
- `bot.delivery.policy`: `Backoff` (when to retry, when to give up) and `Pacer` (1 post/s per
  conversation, rate-limit pauses).
- `bot.delivery.reconcile`: find a post whose send had an unknown outcome.
- `bot.delivery.failures`: the managers' summary of what could not be delivered.
- `bot.delivery.stepped`: delivery in steps on a clock that moves only when told.

The dispatcher knows no kind of message: what a message goes through besides its Web API call
is given to it where a process is built (`bot.process.delivery.build_dispatcher`).

Producers enqueue with `storage.outbox.enqueue` (the payload contract is documented there),
commit, then call `dispatcher.wake()`.
"""

from bot.delivery.dispatcher import Dispatcher, make_client

__all__ = ["Dispatcher", "make_client"]
