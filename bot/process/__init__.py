"""A running siteloop: the processes and what keeps them going.

- `bot.process.service`: `Service`, one process in one `ProcessRole` (all in one, front or worker);
- `bot.process.roles`: what each role runs;
- `bot.process.worker`: the front's worker process, started and watched;
- `bot.process.delivery`: the delivery pipeline, composed once: the dispatcher with its steps;
- `bot.process.server`, `bot.process.door`: HTTP mode and the checks at its door;
- `bot.process.scheduler`: the periodic jobs; `bot.process.identity`: who the bot is in Slack.
"""
