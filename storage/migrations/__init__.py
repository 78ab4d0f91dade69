"""Alembic migrations for siteloop, run by storage.migrate."""
