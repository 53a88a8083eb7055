"""The at-scale agreement report (issue 20): exact sections from the statistics each submit keeps
equal the full recompute's; above the sample setting nothing changes; the incremental
statistics equal a rebuild after any mix of submits, changes and deletes."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from django.test import override_settings

from labeling.models import Annotation
from review import services
from review.metrics.bootstrap import distinct_rows, pattern_order
from review.metrics.report_stats import EXACT_KEYS, EXACT_UNDEFINED_PREFIXES, SAMPLED_SECTIONS
from review.models import ItemAgreementCounts, ProjectAgreementStat
from review.services.agreement import project_report_full
from review.services.agreement_counts import project_counts_rebuild
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory, UserFactory

LABELS = ["pos", "neg", "neu", "n/a"]
SCHEMAS = {
    "single": {"kind": "single", "data": "text", "labels": [{"value": v} for v in LABELS]},
    "multi": {"kind": "multi", "data": "text", "labels": [{"value": v} for v in LABELS]},
    "rating": {"kind": "rating", "data": "text", "scale": {"min": 1, "max": 5}, "level": "ordinal"},
}
N_ITEMS, N_ANNOTATORS, N_STEPS = 14, 6, 90
SETTING = "ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS"


def _value(kind, rng):
    """A random value of the kind, now and then one that drops out of the figures."""
    if kind == "single":
        return {"label": str(rng.choice([*LABELS, LABELS[0], LABELS[0], "not-in-schema"]))}
    if kind == "rating":
        return {"rating": int(rng.choice([0, 1, 2, 3, 3, 4, 4, 5, 5, 6]))}
    return {"labels": [label for label in LABELS if rng.random() < 0.35]}


def _project(kind, seed, gold=False):
    """A project built by submits (create, change, delete), each followed by the submit task."""
    rng = np.random.default_rng(seed)
    project = ProjectFactory(schema=SCHEMAS[kind])
    items = [ItemFactory(project=project) for _ in range(N_ITEMS)]
    if gold and kind == "single":
        for item in items[:3]:
            item.is_gold, item.gold_value = True, {"label": "pos"}
            item.save()
    users = [UserFactory() for _ in range(N_ANNOTATORS)]
    for _ in range(N_STEPS):
        item = items[int(rng.integers(N_ITEMS))]
        user = users[int(rng.integers(N_ANNOTATORS))]
        if rng.random() < 0.15:
            Annotation.objects.filter(item=item, annotator=user).delete()
        else:
            value = _value(kind, rng)
            if not Annotation.objects.filter(item=item, annotator=user).update(value=value):
                AnnotationFactory(item=item, annotator=user, value=value)
        services.item_recompute(item_id=item.pk)  # what each submit's task runs
    return project


def _stats(project):
    rows = ProjectAgreementStat.objects.filter(project=project).exclude(n=0)
    return {(kind, key): n for kind, key, n in rows.values_list("kind", "key", "n")}


def _labels(project):
    """Each item's stored labels and sample hash (the SQL build computes it as Python does)."""
    rows = ItemAgreementCounts.objects.filter(project=project)
    return {row[0]: row[1:] for row in rows.values_list("item_id", "labels", "sample_hash")}


CASES = [(kind, seed) for kind in SCHEMAS for seed in (1, 2, 3)]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "seed"), CASES)
def test_the_incremental_statistics_equal_a_rebuild(kind, seed):
    project = _project(kind, seed)
    incremental, labels = _stats(project), _labels(project)
    assert any(kind_ == "pair" for kind_, _ in incremental)  # the projects do share items
    project_counts_rebuild(project_id=project.pk)
    assert _stats(project) == incremental
    assert _labels(project) == labels


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "seed"), CASES)
def test_every_exact_section_of_the_sampled_report_equals_the_full_report(kind, seed):
    project = _project(kind, seed, gold=seed == 1)
    full, _, _ = project_report_full(project=project)
    with override_settings(**{SETTING: 4}):
        report, _, data = services.project_report(project=project)
    assert report["sample"]["of"] > 4
    assert report["sample"]["items"] == data.annotations.n_items < report["sample"]["of"]
    assert report["sample"]["sections"] == list(SAMPLED_SECTIONS)
    for key in EXACT_KEYS:
        assert report[key] == full[key], key
    assert report.keys() - {"sample"} == full.keys()
    exact = ("annotator", "n", "agreement_with_others", "mean_kappa")
    assert [{k: e[k] for k in exact} for e in report["per_annotator"]] == [
        {k: e[k] for k in exact} for e in full["per_annotator"]
    ]
    assert [e.keys() for e in report["per_annotator"]] == [e.keys() for e in full["per_annotator"]]

    def exact_undefined(found):
        return {k: v for k, v in found["undefined"].items() if k.startswith(EXACT_UNDEFINED_PREFIXES)}

    assert exact_undefined(report) == exact_undefined(full)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_at_or_below_the_setting_the_report_is_the_full_recompute(kind):
    project = _project(kind, 7)
    with override_settings(**{SETTING: N_ITEMS}):
        report, _, _ = services.project_report(project=project)
    assert "sample" not in report
    assert report == project_report_full(project=project)[0]


@pytest.mark.django_db
def test_without_built_statistics_the_report_reads_every_annotation():
    project = _project("single", 4)
    ProjectAgreementStat.objects.filter(project=project).delete()
    project_counts = project.pk
    from review.models import ProjectAgreementCounts

    ProjectAgreementCounts.objects.filter(project_id=project_counts).update(complete=False)
    with override_settings(**{SETTING: 1}):
        report, _, _ = services.project_report(project=project)
    assert "sample" not in report
    assert report == project_report_full(project=project)[0]


@pytest.mark.django_db
def test_the_sample_is_the_same_for_the_same_items():
    project = _project("single", 5)
    with override_settings(**{SETTING: 6}):
        first, _, one = services.project_report(project=project)
        second, _, two = services.project_report(project=project)
    assert first == second
    assert one.item_ids.tolist() == two.item_ids.tolist()


@pytest.mark.parametrize("width", [3, 40])  # 40 columns: the lexicographic branch
def test_pattern_order_is_the_order_of_distinct_rows(width):
    rng = np.random.default_rng(width)
    rows = rng.integers(0, 3, size=(400, width))
    rows[:, 0] += 2
    expected, freq = distinct_rows(rows)
    shuffled = rng.permutation(len(expected))
    ordered, ordered_freq = pattern_order(expected[shuffled], freq[shuffled])
    assert ordered.tolist() == expected.tolist()
    assert ordered_freq.tolist() == freq.tolist()


@pytest.mark.django_db
def test_deleting_labeled_items_rebuilds_the_statistics(django_capture_on_commit_callbacks):
    from labeling.services import items_delete

    project = _project("single", 6)
    lead = UserFactory()
    labeled = list(
        ItemAgreementCounts.objects.filter(project=project).values_list("item_id", flat=True)[:3]
    )
    with django_capture_on_commit_callbacks(execute=True):
        items_delete(project=project, item_ids=labeled, actor=lead)
    after_delete = _stats(project)
    project_counts_rebuild(project_id=project.pk)
    assert _stats(project) == after_delete
    assert not set(labeled) & set(_labels(project))
    full, _, _ = project_report_full(project=project)
    with override_settings(**{SETTING: 2}):
        report, _, _ = services.project_report(project=project)
    assert "sample" in report
    assert {key: report[key] for key in EXACT_KEYS} == {key: full[key] for key in EXACT_KEYS}


@pytest.mark.django_db
def test_the_command_says_when_it_sampled_and_full_reads_everything():
    import json
    from io import StringIO

    from django.core.management import call_command

    project = _project("rating", 8)
    with override_settings(**{SETTING: 3}):
        out = StringIO()
        call_command("agreement", str(project.pk), stdout=out)
        assert "over a sample of" in out.getvalue()
        out = StringIO()
        call_command("agreement", str(project.pk), "--json", "--full", stdout=out)
    assert "sample" not in json.loads(out.getvalue())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_an_empty_draw_widens_the_sample(kind, monkeypatch):
    from review.selectors import agreement_counts

    project = _project(kind, 9)
    real = agreement_counts.sample_threshold
    monkeypatch.setattr(
        agreement_counts, "sample_threshold", lambda size, of: 0 if size < 8 else real(size, of)
    )
    full, _, _ = project_report_full(project=project)
    with override_settings(**{SETTING: 2}):
        report, _, _ = services.project_report(project=project)
    assert report["sample"]["items"] > 0
    assert {key: report[key] for key in EXACT_KEYS} == {key: full[key] for key in EXACT_KEYS}


@pytest.mark.django_db
def test_label_sets_longer_than_an_index_entry_are_counted():
    """A pair key holds two label sets: with long labels it outgrows a btree entry (2.7 kB);
    the statistics are unique by the key's digest."""
    labels = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(60)]  # incompressible
    project = ProjectFactory(
        schema={"kind": "multi", "data": "text", "labels": [{"value": v} for v in labels]}
    )
    item = ItemFactory(project=project)
    for user in (UserFactory(), UserFactory()):
        AnnotationFactory(item=item, annotator=user, value={"labels": labels})
        services.item_recompute(item_id=item.pk)
    stats = _stats(project)
    assert max(len(key) for _, key in stats) > 8000
    project_counts_rebuild(project_id=project.pk)
    assert _stats(project) == stats
