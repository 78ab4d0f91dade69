"""`siteloop demo`: siteloop against the local Slack emulator, printed as a chat transcript."""
