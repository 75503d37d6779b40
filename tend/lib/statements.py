"""Plain SQL for the few statements the worker runs once per message.

An ORM update is compiled afresh each time, which costs more than running it; the worker
runs these tens of thousands of times, so it writes them once, with names taken from the
model and every value a parameter.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection, models


@functools.cache
def names(model: type[models.Model], vendor: str) -> dict[str, str]:
    """The model's quoted column names by field name, and its quoted table as "table"."""
    quote = connection.ops.quote_name
    found = {f.name: quote(f.column) for f in model._meta.concrete_fields if f.column}
    found["table"] = quote(model._meta.db_table)
    return found


def value(model: type[models.Model], field: str, python: Any) -> Any:
    """A Python value as the database takes it for `field` (a datetime, say)."""
    return model._meta.get_field(field).get_db_prep_value(python, connection)  # type: ignore[union-attr]


def run(sql: str, params: list[Any]) -> int:
    """Run one statement; how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
