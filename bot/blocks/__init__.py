"""Block Kit builders: pure functions from facts to `slack_sdk.models` blocks."""
