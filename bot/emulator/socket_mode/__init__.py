"""Socket Mode: Slack's end of the WebSocket an app opens instead of taking HTTP requests."""
