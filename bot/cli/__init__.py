"""The `siteloop` command line (also `python -m bot`): one module per command group.

- `bot.cli.main`: the root command (`serve`, `demo`, `tick`, `export`, `rules check`, `db upgrade`)
  and `main`, the entry point;
- `bot.cli.imports`, `bot.cli.inbox`, `bot.cli.outbox`, `bot.cli.report`: their command groups;
- `bot.cli.common`: what every command shares (settings, sessions, errors, time format).
"""
