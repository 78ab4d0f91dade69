"""Services: one function per thing a person asks for, between a thin listener and storage.

Each takes a session, the acting member, what they typed and `now`; it checks, writes, and
returns an `Answer` — or raises `UserError` with what to type instead, having changed nothing.
"""
