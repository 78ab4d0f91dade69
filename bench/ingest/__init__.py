"""Ingest benchmark: how fast siteloop acknowledges field reports, next to a bare Bolt app.

    .venv/bin/python -m bench.ingest [--requests N] [--rate R] [--concurrency C] [--tasks T]
                                     [--profile DIR]

In one run, against three servers started one after the other as subprocesses (so none shares
the GIL with the load generator):

1. `siteloop serve` on a fresh SQLite file, its Slack Web API pointed at the local emulator
   (itself a subprocess, rate limits off). A project TWR is set up with `/siteloop setup` and T
   tasks are put on its plan directly in the database; every person of the load says something
   once (warm-up, not measured), so profiles come from the cache as in steady state.
2. A bare Bolt app that only acks (`/update` command listener, `message` event listener), behind
   Bolt's WSGI adapter on waitress with 8 threads, like siteloop's server: the baseline of the
   1.5× target, in Bolt's default configuration (`bare`).
3. The same bare app with `process_before_response=True`, as siteloop's app is configured
   (`bare pbr`): for information. Bolt's default runs a command listener on a thread pool and
   polls for its `ack()` every 10 ms (`ThreadListenerRunner`), so `bare` answers commands in
   about 11 ms whatever the listener does; `bare pbr` shows what HTTP + signature check + Bolt
   dispatch cost alone, and so how much of siteloop's time is its own work.

Each gets the same load: N `/update TWR-k P% note` slash commands and N channel-post `message`
events (`event_callback` envelopes with unique event ids and ts, naming a task), interleaved,
sent over HTTP keep-alive connections by C worker threads, every request signed as Slack signs
it with a fresh timestamp. Pacing is open loop: request i is due at start + i/R whatever
happened to the ones before, and its latency is measured from that due time to the last byte
of the answer, so a slow server is charged for the requests that had to wait for a free
connection (coordinated omission). The time from the actual send (`svc`) is printed too, and
each server's CPU time per request (from /proc), the figure least moved by other processes.

siteloop answers an event once its envelope is stored and records the report right after (its
inbox), so after the run the bench waits for the inbox to drain and prints how long after the
last answer that was; the CPU figure includes that work. The database must then hold exactly 2N
updates, N from commands and N from channel posts, with 2N distinct idempotency keys. The exit
status is 0 when every target and that check pass, 1 otherwise.

`--profile DIR` samples the siteloop process with py-spy (when installed) during the load and
prints where its CPU goes (samples holding the GIL, by thread, package and siteloop function)
and how long its threads waited for SQLite's write lock.

The package, by part:

- `bench.ingest.load`: the requests, built with the emulator's own payload builders;
- `bench.ingest.drive`: sending them open loop, and the warm-up;
- `bench.ingest.targets`: the servers as subprocesses, and what the database holds after;
- `bench.ingest.serve_emulator`, `bench.ingest.serve_bare`: the two helper programs they run;
- `bench.ingest.report`: statistics, the table and the targets' checks;
- `bench.ingest.profile`: py-spy's samples of siteloop, summarised;
- `bench.ingest.main`: the run.
"""
