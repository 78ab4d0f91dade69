"""siteloop's Slack side: configuration, the Bolt app and its listeners, the server, the CLI,
and the local Slack emulator used by the tests and the demo."""
