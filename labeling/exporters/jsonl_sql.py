"""PostgreSQL writes the JSON Lines export's text itself, a chunk of items per statement (issue 20).

Building each line in Python cost most of an export's time (fetching tuples through the ORM,
then formatting them); here one statement per chunk of items returns the chunk's lines as one
text value, byte for byte what labeling.exporters.jsonl's Python path writes:

- strings are quoted as json.encoder.encode_basestring_ascii does: to_json escapes quotes,
  backslashes and control characters the same way; characters from U+007F up (which to_json
  keeps raw) are then written as \\uXXXX, as UTF-16 surrogate pairs above U+FFFF;
- floats as Python's repr: PostgreSQL's shortest text, plus ".0" for integral values
  (PostgreSQL prints 1.0 as "1"); NaN and infinities as null (labeling.exporters.encode);
- datetimes as datetime.isoformat() of the time Django reads (in the session's time zone,
  UTC): microseconds only when non-zero, "+00:00";
- JSON columns as their jsonb text, as the Python path splices them (RawJSON).

Where PostgreSQL's text cannot be made Python's the statement says so and the caller writes
that chunk in Python: floats from 1e15 up. repr writes those below 1e16 in full, PostgreSQL in
exponent form; and above 2**53 the shortest decimal can lie exactly halfway to the next float,
which repr accepts and PostgreSQL's shortest-float output does not (6.30040673721935e+16 is
"6.3004067372193504e+16" there). Below, halfway points have too many digits to be shortest.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection

from labeling.db.executor import execute, table
from labeling.models import Annotation, Item, Prediction

# JIT compiling the long expressions would cost seconds per statement; string_agg follows its
# input's order, which a parallel plan would not keep.
SETTINGS = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "
# Characters the Python path writes as \uXXXX (and to_json keeps raw): U+007F and above.
_NOT_ASCII = r"[^\x01-\x7e]"


def quoted(expr: str) -> str:
    """SQL for encode_basestring_ascii(expr) (expr: a non-null text expression)."""
    escaped = (
        "(SELECT string_agg(CASE WHEN ascii(c) < 127 THEN c"  # noqa: S608 - fixed SQL text
        r" WHEN ascii(c) < 65536 THEN '\u' || lpad(to_hex(ascii(c)), 4, '0')"
        r" ELSE '\u' || to_hex(55296 + ((ascii(c) - 65536) >> 10))"
        r" || '\u' || to_hex(56320 + ((ascii(c) - 65536) & 1023)) END, '' ORDER BY n)"
        f" FROM regexp_split_to_table(to_json({expr})::text, '') WITH ORDINALITY AS chars(c, n))"
    )
    return f"(CASE WHEN {expr} ~ '{_NOT_ASCII}' THEN {escaped} ELSE to_json({expr})::text END)"


def quoted_or_null(expr: str) -> str:
    return f"(CASE WHEN {expr} IS NULL THEN 'null' ELSE {quoted(expr)} END)"


def number(expr: str) -> str:
    """SQL for the Python path's text of a float column (null for NULL, NaN and infinities);
    NULL (the whole line then) for the values repr writes differently from PostgreSQL."""
    return (
        f"(CASE WHEN {expr} IS NULL THEN 'null'"
        f" WHEN abs({expr}) >= 1e15 THEN CASE WHEN {expr} IN ('NaN', 'Infinity', '-Infinity') THEN 'null' END"
        f" WHEN {expr} = trunc({expr}) THEN {expr}::text || '.0'"
        f" ELSE {expr}::text END)"
    )


def integer(expr: str) -> str:
    return f"coalesce({expr}::text, 'null')"


def isoformat(json: str) -> str:
    """SQL for the JSON string of datetime.isoformat(), from `json`: a non-null timestamptz's to_json text.

    to_json writes ISO 8601 in the session's time zone (the one Django sets and reads datetimes
    in, UTC; both write its offset as +HH:MM) with the fraction's trailing zeros trimmed (and
    no fraction for whole seconds, as isoformat): the zeros are padded back to six digits.
    to_char costs several times more.
    """
    return (
        f"(CASE WHEN length({json}) IN (27, 34) THEN {json}"
        f" ELSE overlay({json} placing repeat('0', 34 - length({json})) from length({json}) - 6 for 0) END)"
    )


def _annotations(users: str) -> str:
    """(item_id, text): each item's annotations as JSON, in id order (annotation_json's text).

    The inner query computes each column's text once and sorts; string_agg then takes the
    rows in that order (an ORDER BY inside string_agg sorts each item's few rows apart, which
    costs more than the whole sort).
    """
    ranged = "a.item_id > %s AND a.item_id <= %s"
    # Each annotator's name is quoted once per statement: the planner caches the lateral
    # subquery's row by annotator (Memoize), where a plain join would quote it on every row.
    annotator = (
        f"SELECT {quoted('u.username')} AS name FROM {users} u WHERE u.id = a.annotator_id OFFSET 0"  # noqa: S608 - quoted tables, values bound
    )
    rows = (
        "SELECT a.item_id, annotator.name AS annotator, a.value::text AS value,"  # noqa: S608 - quoted tables, values bound
        " to_json(a.created_at)::text AS created, a.guideline_version, a.lead_time_ms, a.unsure, a.comment"
        f" FROM {table(Annotation)} a JOIN LATERAL ({annotator}) annotator ON true"
        f" WHERE {ranged} ORDER BY a.item_id, a.id OFFSET 0"
    )
    text = (
        """'{"annotator":' || annotator || ',"value":' || value"""
        f""" || ',"created_at":' || {isoformat("created")}"""
        f""" || ',"guideline_version":' || {integer("guideline_version")}"""
        f""" || ',"lead_time_ms":' || {integer("lead_time_ms")}"""
        """ || CASE WHEN unsure THEN ',"unsure":true' ELSE '' END"""
        f""" || CASE WHEN comment = '' THEN '' ELSE ',"comment":' || {quoted("comment")} END || '}}'"""
    )
    return f"SELECT item_id, string_agg({text}, ',') AS text FROM ({rows}) sorted GROUP BY item_id"  # noqa: S608 - quoted tables, values bound


def _predictions() -> str:
    """(item_id, text): each item's predictions as JSON in id order; NULL text when a score
    cannot be written as Python would."""
    ranged = "p.item_id > %s AND p.item_id <= %s"
    json = (
        f"""'{{"model":' || {quoted("p.model_version")} || ',"value":' || p.value::text"""
        f""" || ',"score":' || {number("p.score")} || '}}'"""
    )
    rows = f"SELECT p.item_id, {json} AS json FROM {table(Prediction)} p WHERE {ranged} ORDER BY p.item_id, p.id OFFSET 0"  # noqa: S608 - quoted tables, values bound
    return (
        "SELECT item_id, CASE WHEN count(*) = count(json) THEN string_agg(json, ',') END AS text"  # noqa: S608 - quoted tables, values bound
        f" FROM ({rows}) sorted GROUP BY item_id"
    )


def _line(include: str, predictions: bool, users: str) -> str:
    parts = [f"""'{{"id":' || {quoted("i.external_id")} || ',"data":' || i.data::text"""]
    if include == "all":
        parts.append("""',"annotations":[' || coalesce(l.text, '') || ']'""")
    if include == "all" and predictions:
        # A prediction whose score cannot be written makes the text NULL: so does the line.
        parts.append(
            """CASE WHEN g.item_id IS NULL THEN '' ELSE ',"predictions":[' || g.text || ']' END"""
        )
    if include in ("all", "aggregate"):
        parts.append(
            """CASE WHEN i.aggregate_value IS NULL THEN '' ELSE ',"aggregate":{"value":'"""
            f""" || i.aggregate_value::text || ',"confidence":' || {number("i.aggregate_confidence")}"""
            f""" || ',"method":' || {quoted("i.aggregate_method")}"""
            f""" || CASE WHEN i.p_wrong IS NULL THEN '' ELSE ',"p_wrong":' || {number("i.p_wrong")} END"""
            " || '}' END"
        )
        parts.append(
            f"""CASE WHEN i.agreement IS NULL THEN '' ELSE ',"agreement":' || {number("i.agreement")} END"""
        )
    if include in ("all", "final"):
        reviewer = (
            f"(SELECT {quoted('r.username')} FROM {users} r WHERE r.id = i.final_reviewer_id)"  # noqa: S608 - quoted tables, values bound
        )
        decided = "to_json(i.final_decided_at)::text"
        parts.append(
            """CASE WHEN i.final_value IS NULL THEN '' ELSE ',"final":{"value":' || i.final_value::text"""
            f""" || ',"reviewer":' || coalesce({reviewer}, 'null')"""
            f""" || ',"decided_at":' || CASE WHEN i.final_decided_at IS NULL THEN 'null' ELSE {isoformat(decided)} END || '}}' END"""
        )
    return " || ".join(parts) + r" || E'}\n'"


@cache
def chunk_sql(include: str, predictions: bool) -> str:
    """The statement: (whether every line could be written, the lines' text) of the project's
    items in an id range (parameters: after and up to once per source, then project, after
    and up to for the items).

    Annotations and predictions are read by item id range (a project filter tempts PostgreSQL
    into scanning the whole project); the join to the range's items drops other projects' rows.
    The lines come out of a join that keeps the items' id order, which string_agg follows.
    """
    users = table(get_user_model())
    sources = ""
    if include == "all":
        sources += f" LEFT JOIN ({_annotations(users)}) l ON l.item_id = i.id"
    if include == "all" and predictions:
        sources += f" LEFT JOIN ({_predictions()}) g ON g.item_id = i.id"
    return (
        "SELECT count(*) = count(text), string_agg(text, '') FROM ("  # noqa: S608 - quoted tables, values bound
        f"SELECT i.id, {_line(include, predictions, users)} AS text FROM {table(Item)} i{sources}"
        " WHERE i.project_id = %s AND i.id > %s AND i.id <= %s ORDER BY i.id OFFSET 0) lines"
    )


def chunk_lines(
    project_id: int, *, after: int, upto: int, include: str, predictions: bool
) -> str | None:
    """The lines of the project's items with after < id <= upto; None when PostgreSQL cannot
    write one of them as Python would (or there is none).

    predictions: whether the project has any (the statement skips reading them otherwise).
    """
    sources = (include == "all") + (include == "all" and predictions)
    params = (*([after, upto] * sources), project_id, after, upto)
    with connection.cursor() as cursor:
        execute(cursor, chunk_sql(include, predictions), params, before=SETTINGS)
        complete, text = cursor.fetchone()
    return text if complete else None


def chunk_ends(project_id: int, *, after: int, size: int, chunks: int) -> list[int]:
    """The last item ids of the project's next `chunks` chunks of `size` items after item id
    `after` (the last chunk may be shorter); empty past the end."""
    sql = (
        "SELECT max(id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s AS chunk"  # noqa: S608 - quoted tables, values bound
        f" FROM (SELECT id FROM {table(Item)} WHERE project_id = %s AND id > %s ORDER BY id LIMIT %s) ids) numbered"
        " GROUP BY chunk ORDER BY chunk"
    )
    with connection.cursor() as cursor:
        execute(cursor, sql, (size, project_id, after, size * chunks))
        return [row[0] for row in cursor.fetchall()]
