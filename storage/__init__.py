"""The database: typed models, engine and session setup, shipped migrations, repositories.

- `storage.models`: the data model (SQLAlchemy 2 typed models).
- `storage.types`: UTCDateTime and ExactNumeric, the column types that behave alike on SQLite
  and PostgreSQL.
- `storage.db`: `make_engine`, `make_session_factory`, `session_scope`, `is_reachable`.
- `storage.migrate`: `upgrade`, `current_revision` (Alembic, migrations in storage/migrations).
- `storage.tasks`: `create_task` with gap-free per-project numbers.

Time always comes in as a parameter (`now`); nothing here reads the clock.
"""
