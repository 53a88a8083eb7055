"""Factories for pre-labeling tests: a text project with some labeled and unlabeled items."""

from __future__ import annotations

import factory

from labeling.models import ModelVersion
from tests.factories import ItemFactory, ProjectFactory

POSITIVE = ["great product, love it", "wonderful and great", "love this, excellent", "excellent value"]
NEGATIVE = ["terrible, broke at once", "awful and bad", "bad quality, terrible", "hate it, awful"]


class ModelVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelVersion

    project = factory.SubFactory(ProjectFactory)
    version = factory.Sequence(lambda n: f"tfidf-v{n + 1}")
    backend = "tfidf"


def labeled_items(project, *, final=True):
    """Eight items with aggregated labels (four positive, four negative); half settled."""
    items = []
    for index, (text, label) in enumerate(
        [(t, "positive") for t in POSITIVE] + [(t, "negative") for t in NEGATIVE]
    ):
        items.append(
            ItemFactory(
                project=project,
                data={"text": text},
                annotation_count=3,
                aggregate_value={"label": label},
                final_value={"label": label} if final and index % 2 == 0 else None,
            )
        )
    return items


def unlabeled_items(project, count):
    """Items nobody has labeled yet: alternating praise and complaints."""
    return [
        ItemFactory(
            project=project,
            data={"text": "love it, great" if index % 2 == 0 else "awful, terrible"},
        )
        for index in range(count)
    ]
