"""The rule tick: evaluate what is due at `now`, decide its alerts, queue the messages.

The convention every writer follows (the tick relies on it; nothing else makes it right):

- `tasks.next_check_at` is the earliest instant at which some rule could change its answer for
  the task without new data; NULL means only new data can change anything. Whoever changes a
  task's facts — records, revises or retracts an update, creates the task, assigns it, changes
  its status, plan dates, budget, cost or crew — sets `next_check_at = now` in the same
  transaction (`storage.tasks.create_task`, `storage.updates.record_update` and the assignment
  in `bot.services.tasks` do). The tick then replaces it with the computed next instant.
- `alerts.next_step_at` is when an open alert next needs deciding (a step, a repeat, the end of
  a snooze); NULL: nothing more without new data. Whoever acknowledges or snoozes an alert sets
  `next_step_at = now` in the same transaction, so the next tick re-decides it (a snooze
  that ends after everything was sent must still remind; see `rules.alerts`).
- `projects.last_report_at` moves with every recorded update (`record_update` does it); the
  project-level `silent_for` rules read it.

One tick (`tick`):

1. On PostgreSQL, take the tick's advisory lock or return at once (`ran=False`): several
   processes may call it, exactly one evaluates at a time. On SQLite every unit of work begins
   IMMEDIATE, which serialises writers; each unit re-reads its rows, so a tick can proceed.
2. Select the candidates with indexed queries: tasks whose `next_check_at <= now` (the
   (status, next_check_at) index), tasks of open alerts whose `next_step_at <= now`, and the
   projects that may have been silent long enough for a project rule, or have an open
   project-level alert. Nothing here scans updates: the cost follows the candidates.
3. In batches, one transaction each: read the batch's tasks with their project, assignee and
   crew lead (one query with joins), and their open alerts (one query; both locked on
   PostgreSQL); evaluate every rule of the project on the project's calendar; `decide` each
   alert; write the alerts, the outbox rows of their notifications and each task's new
   `next_check_at` (the earliest of its rules' next checks and its open alerts' next steps).
4. A batch that fails is redone one task per transaction; a task that still fails is logged
   with its key and its `next_check_at` is pushed back by `retry_after` — it never blocks the
   others, and it cannot put the tick in a crash loop.

Time always comes in as `now`; nothing here reads the clock. The words of the messages are not
decided here: the caller passes `compose`, a pure function from a `Notice` to `Outgoing`
messages (`rules.notice` holds that contract; `bot.notify.compose_messages` keeps it).

The package, by concept:

- `storage.tick.run`: `tick` and `preview`, and the decisions of one unit of work;
- `storage.tick.candidates`: what is due at `now` (indexed queries);
- `storage.tick.reading`: the candidates' tasks, projects and open alerts, in bulk;
- `storage.tick.alert_rows`: alert state in and out of its row, the alerts a batch opens;
- `storage.tick.queueing`: notifications into words and onto the outbox (`enqueue_many`);
- `storage.tick.calendars`: project calendars, built once per distinct calendar;
- `storage.tick.lock`: the PostgreSQL advisory lock;
- `storage.tick.result`: `TickResult`.
"""

from storage.tick.calendars import project_calendar
from storage.tick.candidates import due_project_ids, due_task_ids
from storage.tick.lock import TICK_LOCK_KEY, tick_lock
from storage.tick.result import TickResult
from storage.tick.run import BATCH_SIZE, RETRY_AFTER, preview, tick

__all__ = [
    "BATCH_SIZE",
    "RETRY_AFTER",
    "TICK_LOCK_KEY",
    "TickResult",
    "due_project_ids",
    "due_task_ids",
    "preview",
    "project_calendar",
    "tick",
    "tick_lock",
]
