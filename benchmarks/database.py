"""The benchmark database: each benchmark has its own PostgreSQL database, created on first use."""

from __future__ import annotations

import os


def ensure_database(url: str) -> None:
    """Create the database named at the end of ``url`` if the server does not have it."""
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    """Create ``DATABASE_URL``'s database if needed and set Django up on it."""
    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
