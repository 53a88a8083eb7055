"""The one executor of hand-written SQL: load model instances, several models per row, with Django's converters.

The hot paths of the annotator's day (next, submit) read a lease with its item and project in one
statement. The ORM would compile that join anew on every request, which costs more Python time
than the database spends on the query; here the column lists and converters are computed once
per model and the SQL is ours.

On PostgreSQL `execute` runs each statement text as a prepared statement of the session, so the
server parses and plans it once per connection instead of on every request (planning the claim's
queries cost more than running them). Set DB_PREPARED_STATEMENTS=0 behind a pooler that shares
sessions between clients (PgBouncer in transaction mode).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.base import ModelState

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]
MAX_PREPARED = 200  # statement texts per connection; later ones run unprepared
_PLACEHOLDER = re.compile(r"%([s%])")
# DB-API connection -> {statement text: prepared name}; a new connection starts empty.
_prepared: WeakKeyDictionary[Any, dict[str, str]] = WeakKeyDictionary()


def _numbered(sql: str) -> str:
    """psycopg2's `%s` placeholders as PostgreSQL's `$1, $2, ...` (and `%%` as `%`)."""
    counter = iter(range(1, 1 << 16))
    return _PLACEHOLDER.sub(lambda match: f"${next(counter)}" if match[1] == "s" else "%", sql)


def execute(cursor: Any, sql: str, params: Sequence[object], *, before: str = "") -> None:
    """`cursor.execute(before + sql, params)`, on PostgreSQL as a prepared statement.

    `before` is plain SQL sent in the same round trip (e.g. `SET LOCAL ...; `), never prepared.
    A PREPARE outlives the transaction it ran in, so a rollback loses nothing.
    """
    db = cursor.db  # the connection itself: each read through django.db.connection costs a lookup
    if db.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        cursor.execute(before + sql, params)
        return
    names = _prepared.setdefault(db.connection, {})
    name = names.get(sql)
    if name is None:
        if len(names) >= MAX_PREPARED:
            cursor.execute(before + sql, params)
            return
        name = f"accord_{len(names)}"
        cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
        names[sql] = name
    if params:
        cursor.execute(f"{before}EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"{before}EXECUTE {name}")


@cache
def _layout(model: type[Model], vendor: str) -> tuple[list[str], list[str], list[tuple[int, list[Converter], Any]]]:
    """(column names, attribute names, [(index, converters, expression)]) of the model's
    concrete fields."""
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return [field.column for field in fields], [field.attname for field in fields], converters


def db_time(now: datetime) -> object:
    """`now` as a raw-SQL parameter (SQLite stores datetimes as text in Django's format)."""
    return connection.ops.adapt_datetimefield_value(now)


def quote(name: str) -> str:
    """An identifier (table, column), quoted for the database in use."""
    return str(connection.ops.quote_name(name))


def table(model: type[Model]) -> str:
    """The model's table name, quoted for the database in use."""
    return quote(model._meta.db_table)


def columns(model: type[Model], alias: str) -> str:
    """`alias.col1, alias.col2, ...` for the model's concrete fields, in field order."""
    names, _, _ = _layout(model, connection.vendor)
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(name)}" for name in names)


def _build(row: Sequence[Any], models: Sequence[type[Model]], db: Any) -> list[Model]:
    """The row's instances, as `Model.from_db` makes them but without running `__init__`.

    `__init__` sets each field through its descriptor and sends the init signals, which none of
    these models use; here the converted values go straight into the instance dict.
    """
    instances: list[Model] = []
    start = 0
    for model in models:
        names, attnames, converters = _layout(model, db.vendor)
        stop = start + len(names)
        values = list(row[start:stop])
        for index, found, column in converters:
            for convert in found:
                values[index] = convert(values[index], column, db)
        instance = model.__new__(model)
        instance.__dict__.update(zip(attnames, values, strict=True))
        state = instance._state = ModelState()
        state.adding, state.db = False, db.alias
        instances.append(instance)
        start = stop
    return instances


def fetch_one(
    sql: str, params: Sequence[object], models: Sequence[type[Model]], *, before: str = ""
) -> list[Model] | None:
    """Run `sql` (selecting `columns(model, alias)` for each model, in order) and build the first
    row's instances, or None when there is no row. `before`: see `execute`."""
    with connection.cursor() as cursor:
        execute(cursor, sql, params, before=before)
        row = cursor.fetchone()
        return None if row is None else _build(row, models, cursor.db)


def fetch_all(sql: str, params: Sequence[object], model: type[M]) -> list[M]:
    """Run `sql` (selecting `columns(model, alias)`) and build one instance per row."""
    with connection.cursor() as cursor:
        execute(cursor, sql, params)
        return [_build(row, [model], cursor.db)[0] for row in cursor.fetchall()]  # type: ignore[misc]


# A COPY of a few hundred thousand rows picked through an index: JIT compiling the plan costs
# more than it saves, and PostgreSQL's estimate of the rows per key can make it prefer a scan of
# the whole table to index lookups (a 200,000-item sample of 10M items: 2.8 s -> 1.3 s).
BY_INDEX = ("SET LOCAL jit = off", "SET LOCAL enable_hashjoin = off", "SET LOCAL enable_mergejoin = off")


def copy_to_csv(
    sql: str, params: Sequence[object], buffer: Any, *, local_settings: Sequence[str] = ()
) -> None:
    """PostgreSQL: stream the query's rows as CSV into `buffer` (COPY ... TO STDOUT), under
    `local_settings` ("SET LOCAL name = value" statements, e.g. BY_INDEX) for this statement
    only: they are reset after it, also inside a caller's transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in local_settings:
            cursor.execute(setting)
        statement = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", buffer)
        for setting in local_settings:
            cursor.execute(f"RESET {setting.split()[2]}")


def run(sql: str, params: Sequence[object]) -> int:
    """Run one write statement as it is (never prepared); return the rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def insert(
    model: type[M], values: dict[str, Any], *, along: Sequence[tuple[str, Sequence[object]]] = ()
) -> M:
    """INSERT one row of `model` from field values (attnames, e.g. `item_id`); return the instance.

    Every field without a database default must be given (auto_now fields included): this is
    the ORM's create() without the per-call query compilation, for the hot write paths.
    `along` are other write statements (sql, params) of the same transaction; on PostgreSQL they
    travel with the INSERT as data-modifying CTEs (one round trip), elsewhere they run first.
    """
    meta = model._meta
    fields = [meta.get_field(name) for name in values]
    params = [field.get_db_prep_save(values[name], connection) for name, field in zip(values, fields, strict=True)]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608 - quoted names
    returning = connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    with connection.cursor() as cursor:
        if along and connection.vendor == "postgresql":
            ctes = ", ".join(f"along{index} AS ({statement})" for index, (statement, _) in enumerate(along))
            sql = f"WITH {ctes} {sql}"
            params = [*(value for _, statement_params in along for value in statement_params), *params]
        else:
            for statement, statement_params in along:
                execute(cursor, statement, statement_params)
        execute(cursor, sql, params)
        pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    instance = model(**values)
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance
