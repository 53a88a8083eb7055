"""The one-statement counts build on PostgreSQL equals the Python build, row for row (issue 20).

Values include what value_key drops or codes carefully: labels outside the schema or of the
wrong type, JSON 3.0 and booleans as ratings, points off the scale, lists with repeats and
strangers, values that are not objects, and labels whose JSON text needs escapes.
"""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.loaders.annotations import schema_spec
from review.models import ItemAgreementCounts, ProjectAgreementCounts
from review.services.agreement_counts import project_counts_rebuild, rebuild_in_python
from tests.conftest import require_service
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory, UserFactory

LABELS = ["pos", 'n\u00e9"g', "neu \u2603"]
SCHEMAS = {
    "single": {"kind": "single", "data": "text", "labels": [{"value": v} for v in LABELS]},
    "multi": {"kind": "multi", "data": "text", "labels": [{"value": v} for v in LABELS]},
    "rating": {"kind": "rating", "data": "text", "scale": {"min": 1, "max": 5}, "level": "ordinal"},
}
ODD = st.sampled_from([False, "pos", 3, [], {}, {"other": 1}, {"label": None}, {"labels": "pos"}])
VALUES = {
    "single": st.one_of(
        st.sampled_from([*LABELS, "stranger", 7, True, ["pos"]]).map(lambda v: {"label": v}), ODD
    ),
    "multi": st.one_of(
        st.lists(st.sampled_from([*LABELS, "stranger", 1]), max_size=4).map(lambda v: {"labels": v}),
        ODD,
    ),
    "rating": st.one_of(
        st.sampled_from([0, 1, 3, 5, 6, -2, 3.0, 2.5, True, "3"]).map(lambda v: {"rating": v}), ODD
    ),
}
N_ITEMS, N_ANNOTATORS = 4, 4


def _rows(project):
    return dict(ItemAgreementCounts.objects.filter(project=project).values_list("item_id", "counts"))


def _check(kind, values):
    require_service(connection.vendor == "postgresql", "the one-statement build is PostgreSQL's")
    project = ProjectFactory(schema=SCHEMAS[kind])
    items = [ItemFactory(project=project) for _ in range(N_ITEMS)]
    users = [UserFactory() for _ in range(N_ANNOTATORS)]
    for n, value in enumerate(values):
        AnnotationFactory(item=items[n % N_ITEMS], annotator=users[n // N_ITEMS], value=value)
    project_counts_rebuild(project_id=project.pk)
    by_sql = _rows(project), ProjectAgreementCounts.objects.get(project=project).totals
    row = ProjectAgreementCounts.objects.get(project=project)
    rebuild_in_python(row, project, schema_spec(project.schema))
    by_python = _rows(project), ProjectAgreementCounts.objects.get(project=project).totals
    assert by_sql == by_python


SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SCHEMAS))
@SETTINGS
@given(data=st.data())
def test_the_sql_build_equals_the_python_build(kind, data):
    values = data.draw(st.lists(VALUES[kind], max_size=N_ITEMS * N_ANNOTATORS))
    _check(kind, values)


@pytest.mark.django_db
def test_an_item_whose_values_all_drop_out_keeps_an_empty_row():
    _check("single", [{"label": "stranger"}, {"label": "pos"}, 3, {"label": "pos"}, {"label": "neg"}])
    assert {} in ItemAgreementCounts.objects.values_list("counts", flat=True)
