"""The test database, as a process of its own would be told of it."""

from __future__ import annotations

from django.db import connection


def database_url() -> str:
    """TEND_DATABASE_URL for a worker in another process, on the database under test."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"
