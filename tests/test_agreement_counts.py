"""Headline agreement from per-item counts: incremental sums equal a full recompute (issue 20)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labeling.models import Annotation
from labeling.values import value_labels
from review import services
from review.loaders.annotations import project_data, schema_spec
from review.metrics.alpha import krippendorff_alpha
from review.metrics.kappa import fleiss_kappa, gwet_ac1, percent_agreement
from review.metrics.report import _scale, coded_values
from review.metrics.tables import count_table
from review.models import ItemAgreementCounts, ProjectAgreementCounts
from review.selectors.agreement_counts import label_counts, project_counts_figures
from review.services.agreement_counts import project_counts_rebuild, value_key
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory, UserFactory

LABELS = ["pos", "neg", "neu"]
SCHEMAS = {
    "single": {"kind": "single", "data": "text", "labels": [{"value": v} for v in LABELS]},
    "multi": {"kind": "multi", "data": "text", "labels": [{"value": v} for v in LABELS]},
    "rating": {"kind": "rating", "data": "text", "scale": {"min": 1, "max": 5}, "level": "ordinal"},
}
VALUES = {
    "single": st.sampled_from([*LABELS, "not-in-schema"]).map(lambda v: {"label": v}),
    "multi": st.lists(st.sampled_from(LABELS), max_size=3).map(lambda v: {"labels": v}),
    "rating": st.integers(0, 6).map(lambda v: {"rating": v}),
}
N_ITEMS, N_ANNOTATORS = 4, 5
TOLERANCE = 1e-9


def _full(project):
    """The same figures by the full pipeline: every annotation loaded into a count table."""
    data = project_data(project)
    codes, names = coded_values(data.annotations, data.schema)
    counts = count_table(data.annotations.items, codes, data.annotations.n_items, len(names))
    levels = (
        ("nominal", "ordinal", "interval", "ratio")
        if data.schema.kind == "rating"
        else ("nominal",)
    )
    scale = _scale(data.schema)
    q = counts.shape[1] if data.schema.kind == "multi" else data.schema.n_values
    return {
        "items": int((counts.sum(axis=1) >= 2).sum()),
        "annotations": int(counts.sum()),
        "percent_agreement": percent_agreement(counts).value,
        "fleiss_kappa": fleiss_kappa(counts).value,
        "gwet_ac1": gwet_ac1(counts, q).value,
        **{f"alpha.{level}": krippendorff_alpha(counts, level, scale).value for level in levels},
    }


def _incremental(project):
    found = project_counts_figures(project)
    assert found is not None
    flat = {key: found[key] for key in ("items", "annotations")}
    for key in ("percent_agreement", "fleiss_kappa", "gwet_ac1"):
        flat[key] = found[key].value
    for level, metric in found["krippendorff_alpha"].items():
        flat[f"alpha.{level}"] = metric.value
    return flat


def _assert_close(incremental, full):
    assert incremental.keys() == full.keys()
    for key, value in full.items():
        if value is None:
            assert incremental[key] is None, key
        else:
            assert incremental[key] == pytest.approx(value, abs=TOLERANCE), key


def _assert_label_counts(project):
    """The dashboard's labels given, from the sums, equal a scan of the annotations."""
    scanned = Counter()
    for value in Annotation.objects.filter(project=project).values_list("value", flat=True):
        if value_key(schema_spec(project.schema), value) is not None:
            scanned.update(value_labels(value, project.kind))
    assert label_counts(project) == dict(scanned)


def _operations(kind):
    step = st.tuples(
        st.integers(0, N_ITEMS - 1),
        st.integers(0, N_ANNOTATORS - 1),
        st.one_of(VALUES[kind], st.none()),
    )  # None: the annotation is removed
    return st.lists(step, min_size=1, max_size=30)


def _apply(project, items, users, operations):
    for item_index, user_index, value in operations:
        item, user = items[item_index], users[user_index]
        if value is None:
            Annotation.objects.filter(item=item, annotator=user).delete()
        elif not Annotation.objects.filter(item=item, annotator=user).update(value=value):
            AnnotationFactory(item=item, annotator=user, value=value)
        services.item_recompute(item_id=item.pk)  # what each submit's task runs


def _check(kind, operations):
    project = ProjectFactory(schema=SCHEMAS[kind])
    items = [ItemFactory(project=project) for _ in range(N_ITEMS)]
    users = [UserFactory() for _ in range(N_ANNOTATORS)]
    _apply(project, items, users, operations)
    _assert_close(_incremental(project), _full(project))
    _assert_label_counts(project)
    incremental_totals = ProjectAgreementCounts.objects.get(project=project).totals
    project_counts_rebuild(project_id=project.pk)
    assert ProjectAgreementCounts.objects.get(project=project).totals == incremental_totals


SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.django_db
@SETTINGS
@given(operations=_operations("single"))
def test_single_incremental_equals_full_recompute(operations):
    _check("single", operations)


@pytest.mark.django_db
@SETTINGS
@given(operations=_operations("multi"))
def test_multi_incremental_equals_full_recompute(operations):
    _check("multi", operations)


@pytest.mark.django_db
@SETTINGS
@given(operations=_operations("rating"))
def test_rating_incremental_equals_full_recompute(operations):
    _check("rating", operations)


@pytest.mark.django_db
def test_a_repeated_task_changes_nothing_and_a_schema_change_rebuilds():
    project = ProjectFactory(schema=SCHEMAS["single"])
    item = ItemFactory(project=project)
    for label in ("pos", "pos", "neg"):
        AnnotationFactory(item=item, annotator=UserFactory(), value={"label": label})
    services.item_recompute(item_id=item.pk)
    before = ProjectAgreementCounts.objects.get(project=project).totals
    services.item_recompute(item_id=item.pk)
    assert ProjectAgreementCounts.objects.get(project=project).totals == before
    assert before == {
        "3": {
            "n": 1,
            "d": {"pos": 2, "neg": 1},
            "s": {"pos\x1fpos": 4, "pos\x1fneg": 2, "neg\x1fpos": 2, "neg\x1fneg": 1},
        }
    }
    project.schema = {**SCHEMAS["single"], "labels": [{"value": "pos"}]}
    project.save()
    assert project_counts_figures(project) is None  # built for the old labels: not used
    services.item_recompute(item_id=item.pk)
    assert project_counts_figures(project)["annotations"] == 2
    assert ItemAgreementCounts.objects.get(item=item).counts == {"pos": 2}


@pytest.mark.django_db
def test_spans_projects_keep_no_counts():
    project = ProjectFactory(schema={"kind": "spans", "data": "text", "labels": [{"value": "PER"}]})
    item = ItemFactory(project=project)
    AnnotationFactory(item=item, value={"spans": []})
    services.item_recompute(item_id=item.pk)
    assert project_counts_figures(project) is None
    assert not ProjectAgreementCounts.objects.filter(project=project).exists()


@pytest.mark.django_db
def test_the_dashboard_headline_moves_with_each_submit_before_any_snapshot():
    from review.selectors.figures import agreement_headline

    project = ProjectFactory(schema=SCHEMAS["single"])
    users = [UserFactory() for _ in range(2)]
    items = [ItemFactory(project=project) for _ in range(2)]
    assert agreement_headline(project) is None
    rows = [("pos", "pos"), ("neg", "neu")]
    for item, labels in zip(items, rows, strict=True):
        for user, label in zip(users, labels, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
        services.item_recompute(item_id=item.pk)
    headline = agreement_headline(project)
    full = _full(project)
    assert headline["live"]
    assert headline["low"] is None
    assert headline["alpha"] == round(full["alpha.nominal"], 6)
    assert headline["percent"] == 0.5
    assert headline["items"] == 2
    Annotation.objects.filter(item=items[1], annotator=users[1]).update(value={"label": "neg"})
    services.item_recompute(item_id=items[1].pk)
    assert agreement_headline(project)["percent"] == 1.0


@pytest.mark.django_db
def test_a_large_project_builds_its_sums_in_a_task(monkeypatch, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from review.services import agreement_counts
    from review.tasks.agreement_counts import rebuild_agreement_counts_task

    monkeypatch.setattr(agreement_counts, "INLINE_REBUILD_LIMIT", 2)
    sent = []
    monkeypatch.setattr("labeling.events.enqueue", lambda name, args: sent.append((name, args)))
    cache.clear()
    project = ProjectFactory(schema=SCHEMAS["single"])
    item = ItemFactory(project=project)
    for label in ("pos", "pos", "neg"):
        AnnotationFactory(item=item, annotator=UserFactory(), value={"label": label})
    with django_capture_on_commit_callbacks(execute=True):
        services.item_recompute(item_id=item.pk)
        services.item_recompute(item_id=item.pk)  # one rebuild in flight per project
    assert sent == [("review.rebuild_agreement_counts", [project.pk])]
    assert project_counts_figures(project) is None
    assert rebuild_agreement_counts_task(project.pk)
    assert project_counts_figures(project)["annotations"] == 3


@pytest.mark.django_db
def test_the_dashboard_shows_the_live_alpha_beside_the_snapshot_alpha_of_its_interval(client):
    from labeling.models import Role
    from review.models import AgreementSnapshot
    from tests.factories import MembershipFactory

    project = ProjectFactory(schema=SCHEMAS["single"])
    users = [UserFactory() for _ in range(2)]
    rows = [("pos", "pos"), ("neg", "neg"), ("neu", "neu"), ("pos", "neg")]
    items = [ItemFactory(project=project) for _ in rows]
    for item, labels in zip(items, rows, strict=True):
        for user, label in zip(users, labels, strict=True):
            AnnotationFactory(item=item, annotator=user, value={"label": label})
        services.item_recompute(item_id=item.pk)
    services.project_snapshot_create(project_id=project.pk)
    snapshot = AgreementSnapshot.objects.get(project=project).report
    at_snapshot = snapshot["krippendorff_alpha"]["nominal"]
    # One more disagreement after the full run: the live figure moves, the snapshot's does not.
    extra = ItemFactory(project=project)
    for user, label in zip(users, ("neu", "pos"), strict=True):
        AnnotationFactory(item=extra, annotator=user, value={"label": label})
    services.item_recompute(item_id=extra.pk)
    lead = UserFactory()
    MembershipFactory(project=project, user=lead, role=Role.LEAD)
    client.force_login(lead)
    html = client.get(f"/projects/{project.pk}/dashboard/").content.decode()
    live = round(_full(project)["alpha.nominal"], 3)
    assert live != round(at_snapshot, 3)
    assert f"<strong>{live:.3f}</strong>" in html
    assert "at the last full run" in html
    assert f"{at_snapshot:.3f}, 95% CI" in html
