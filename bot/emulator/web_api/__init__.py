"""The emulated Web API: its HTTP server, one module per family of methods, and the rules it
enforces (arguments, scopes, rate limits, Block Kit limits, faults injected by tests).
"""
