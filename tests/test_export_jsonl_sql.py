"""On PostgreSQL the database writes the JSON Lines export; its text equals the Python path's, byte for byte (issue 20).

The data reach every formatting rule the SQL copies from Python: strings with quotes,
backslashes, control characters, DEL, accented, BMP and astral characters (escaped as \\uXXXX
and surrogate pairs); floats 1.0, 0.1, 1e-05, 5e-324, NaN and infinities (from 1e15 up they
are left to Python); timestamps with and without microseconds and with trailing zeros in
them, and a year below 1000; null and set guideline versions,
lead times, confidences, p_wrong, reviewers and decision times; unsure and commented
annotations; predictions; items without annotations; and several projects whose items
interleave in id order (each chunk reads annotations by id range and must drop the others').
"""

from __future__ import annotations

import math
import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labeling.exporters import jsonl, rows
from labeling.exporters.jsonl import export_jsonl, python_jsonl
from labeling.exporters.jsonl_sql import chunk_ends, chunk_lines
from labeling.services.exports import export_stream
from tests.conftest import require_service
from tests.factories import (
    AnnotationFactory,
    ItemFactory,
    PredictionFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ODD = 'q"uote \\back\tslash\n\x01\x1f \x7f DEL é ☃ 𝄞 end'
WHOLE = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
TIMES = [
    WHOLE,
    datetime(2024, 5, 1, 12, 30, 1, 123456, tzinfo=UTC),
    datetime(2024, 5, 1, 12, 30, 2, 120000, tzinfo=UTC),
    datetime(2024, 5, 1, 12, 30, 3, 100, tzinfo=UTC),
    datetime(2024, 5, 1, 12, 30, 4, 1, tzinfo=UTC),
    datetime(999, 1, 2, 3, 4, 5, 600000, tzinfo=UTC),
]
FLOATS = [
    1.0,
    0.1,
    1e-05,
    0.0,
    0.30000000000000004,
    123456789.0,
    999999999999999.9,
    2.5e-320,
    5e-324,
    1e-300,
    0.0001,
]


KINDS = 6


def _require_postgresql():
    require_service(connection.vendor == "postgresql", "the SQL-written export is PostgreSQL's")


def _both(project, include):
    by_sql = "".join(export_jsonl(project, include=include))
    by_python = "".join(python_jsonl(project, include=include))
    return by_sql, by_python


def _sql_wrote_every_chunk(project, include, limit):
    """True when no chunk of the project fell back to Python."""
    return None not in _written(project, include=include, limit=limit)


def _written(project, *, include="all", limit):
    """Each chunk's text as PostgreSQL writes it (None: left to Python)."""
    predictions, after, texts = include == "all" and project.predictions.exists(), 0, []
    for upto in chunk_ends(project.pk, after=0, size=limit, chunks=10**6):
        texts.append(
            chunk_lines(
                project.pk, after=after, upto=upto, include=include, predictions=predictions
            )
        )
        after = upto
    return texts


def _varied_projects():
    """Three projects whose items interleave in id order; the first holds every kind of line."""
    first, second, third = ProjectFactory(), ProjectFactory(), ProjectFactory()
    users = [
        UserFactory(username=name)
        for name in ("alice", "bøb", 'c"q\\', "☃ snow", "𝄞 clef", "ctl\x01\x1f\x7f", "zed")
    ]
    kinds = _kinds(users)
    for n, build in enumerate(kinds):
        build(first, n, n // KINDS)  # each kind three times, in its three variants
        other = ItemFactory(
            project=second if n % 2 else third, external_id=f"other-{n}", agreement=0.5
        )
        AnnotationFactory(
            item=other, annotator=users[n % len(users)], value={"label": "other"}, created_at=WHOLE
        )
    return first, second, third


def _kinds(users):
    alice, bob, quote, snow, clef, ctl, zed = users

    def labelled(project, n, variant):
        item = ItemFactory(
            project=project, external_id=f"labelled-{n}", data={"text": ODD, "n": [1, 2.5, None]}
        )
        # Created in an order unlike the annotators' (the index's) order: the export keeps id order.
        for k, who in enumerate((zed, ctl, alice, clef, quote)):
            AnnotationFactory(
                item=item,
                annotator=who,
                value={"label": ODD if k == 0 else "positive", "k": k},
                created_at=TIMES[(2 * variant + k) % len(TIMES)],
                guideline_version=None if k % 2 else k,
                lead_time_ms=None if k == 3 else 1000 * k,
                unsure=k == 1,
                comment=ODD if k == 2 else ("plain" if k == 4 else ""),
            )

    def bare(project, n, variant):
        ItemFactory(
            project=project, external_id=f"bare-{n} {ODD}", data={"text": "ü \u2028 \\u00e9"}
        )

    def aggregated(project, n, variant):
        for k, value in enumerate(FLOATS):  # every float in each place, null confidences too
            ItemFactory(
                project=project,
                external_id=f"aggregated-{n}-{k}",
                aggregate_value={"label": "neutral"},
                aggregate_confidence=None if variant == 0 and k % 3 == 0 else value,
                aggregate_method="dawid\u2013skene" if k % 2 else "majority",
                p_wrong=None if (variant + k) % 3 == 0 else FLOATS[k],
                agreement=None if k % 5 == 2 else FLOATS[(k + 2 * variant) % len(FLOATS)],
            )

    def settled(project, n, variant):
        item = ItemFactory(
            project=project,
            external_id=f"settled-{n}",
            final_value={"label": ODD},
            final_reviewer=[bob, None, snow][variant],
            final_decided_at=[TIMES[1], None, WHOLE][variant],  # microseconds, none, whole seconds
            aggregate_value={"label": "positive"},
            aggregate_confidence=1.0,
            aggregate_method="majority",
            agreement=1.0,
        )
        AnnotationFactory(
            item=item, annotator=bob, created_at=TIMES[1], lead_time_ms=0, guideline_version=0
        )

    def predicted(project, n, variant):
        item = ItemFactory(project=project, external_id=f"predicted-{n}")
        scores = [0.9, None, 1.0, 1e-05, FLOATS[variant]]
        for k, score in enumerate(scores):
            PredictionFactory(
                item=item,
                model_version=f"mödel {ODD} {k}" if k % 2 else f"m{5 - k}",
                value={"label": ODD},
                score=score,
            )

    def unwritable(project, n, variant):
        ItemFactory(
            project=project,
            external_id=f"nan-{n}",
            aggregate_value={"label": "x"},
            aggregate_confidence=math.nan,
            agreement=math.inf,
            p_wrong=-math.inf,
        )

    kinds = [labelled, bare, aggregated, settled, predicted, unwritable]
    assert len(kinds) == KINDS
    return kinds * 3


@pytest.mark.parametrize("include", ["all", "aggregate", "final"])
@pytest.mark.parametrize("limit", [1, 4, 2000])
def test_postgresql_writes_the_python_paths_bytes(include, limit, monkeypatch):
    _require_postgresql()
    monkeypatch.setattr(rows, "CHUNK_ITEMS", limit)
    projects = _varied_projects()

    for project in projects:
        by_sql, by_python = _both(project, include)
        assert by_sql == by_python
        assert _sql_wrote_every_chunk(project, include, limit)
    assert by_sql.count("\n") == project.items.count() > 0
    clef = "\\ud834\\udd1e"  # the astral clef, as a surrogate pair
    assert clef in "".join(python_jsonl(projects[0]))


def test_the_varied_data_reach_every_case_the_sql_writes():
    _require_postgresql()
    first, _, _ = _varied_projects()

    text = "".join(python_jsonl(first))

    for case in (
        '"reviewer":null',
        '"reviewer":"b\\u00f8b"',
        '"decided_at":null',
        '"decided_at":"2024-05-01T12:30:01.123456+00:00"',
        '"decided_at":"2024-05-01T12:30:00+00:00"',
        '"created_at":"2024-05-01T12:30:02.120000+00:00"',
        '"created_at":"0999-01-02T03:04:05.600000+00:00"',
        '"confidence":null',
        '"confidence":1.0',
        '"confidence":1e-05',
        '"confidence":5e-324',
        '"p_wrong":0.1',
        '"agreement":123456789.0',
        '"guideline_version":null',
        '"lead_time_ms":null',
        '"lead_time_ms":0',
        '"unsure":true',
        '"comment":"q\\"uote \\\\back\\tslash\\n\\u0001\\u001f \\u007f DEL \\u00e9 \\u2603 \\ud834\\udd1e end"',
        '"score":null',
        '"annotations":[]',
    ):
        assert case in text, (
            case,
            " ".join(sorted(set(re.findall(r"\"(?:confidence|agreement|p_wrong)\":[^,}]*", text)))),
        )
    assert (
        '"annotator":"zed"' in text.split('"annotations":[{', 1)[1][:20]
    )  # id order, not the annotators'


def test_the_export_stream_uses_the_sql_path_and_other_projects_rows_stay_out():
    _require_postgresql()
    _, second, _ = _varied_projects()

    text = "".join(export_stream(project=second, fmt="jsonl"))

    assert text == "".join(python_jsonl(second))
    assert "labelled-" not in text
    assert '"label": "other"' in text  # the jsonb text, spliced as it is


def test_a_float_python_writes_in_full_sends_its_chunk_to_python(monkeypatch):
    _require_postgresql()
    monkeypatch.setattr(rows, "CHUNK_ITEMS", 2)
    project = ProjectFactory()
    for n, value in enumerate([0.5, 1.5e15, 1e15, 6.30040673721935e16, 0.25, 0.75]):
        item = ItemFactory(
            project=project,
            external_id=f"i{n}",
            aggregate_value={"label": "x"},
            aggregate_confidence=0.5,
            agreement=value,
        )
        PredictionFactory(item=item, score=value)
    written = _written(project, limit=2)

    # 1.5e15, then 1e15 and 6.30040673721935e16, go to Python
    assert [text is None for text in written] == [True, True, False]
    by_sql, by_python = _both(project, "all")
    assert by_sql == by_python
    assert '"agreement":1500000000000000.0' in by_sql


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_two_threads_write_the_chunks_in_order(monkeypatch):
    _require_postgresql()
    monkeypatch.setattr(rows, "CHUNK_ITEMS", 3)
    monkeypatch.setattr(jsonl, "RANGES_PER_QUERY", 2)
    first, _, _ = _varied_projects()
    threads = set()
    real = jsonl.chunk_lines

    def spied(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(jsonl, "chunk_lines", spied)

    chunks = list(export_jsonl(first))

    assert "".join(chunks) == "".join(python_jsonl(first))
    assert len(chunks) == -(-first.items.count() // 3)
    assert threads == {"export-0", "export-1"}
    assert not [t for t in threading.enumerate() if t.name.startswith("export-")]


TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=TEXT,
    external_id=TEXT,
    comment=TEXT,
    model=TEXT,
    method=TEXT,
    value=st.floats(allow_nan=True, allow_infinity=True),
    micro=st.integers(0, 999_999),
)
def test_any_string_and_float_is_written_as_python_writes_it(
    name, external_id, comment, model, method, value, micro
):
    _require_postgresql()
    project = ProjectFactory()
    user = UserFactory(username=f"u{project.pk} {name}")
    item = ItemFactory(
        project=project,
        external_id=f"x{external_id}",
        data={"t": name},
        aggregate_value={"v": comment},
        aggregate_confidence=value,
        aggregate_method=method,
        agreement=value,
        final_value={"label": 1},
        final_reviewer=user,
        final_decided_at=WHOLE.replace(microsecond=micro),
    )
    AnnotationFactory(
        item=item, annotator=user, comment=comment, created_at=WHOLE.replace(microsecond=micro)
    )
    PredictionFactory(item=item, model_version=model[:200], score=value)

    by_sql, by_python = _both(project, "all")

    assert by_sql == by_python
