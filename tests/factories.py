"""factory_boy factories for the labeling models; other apps add theirs in their own modules."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from labeling.models import Annotation, Assignment, Item, Membership, Prediction, Project, Role

SINGLE_SCHEMA = {
    "kind": "single",
    "data": "text",
    "labels": [
        {"value": "positive", "hotkey": "1"},
        {"value": "negative", "hotkey": "2"},
        {"value": "neutral", "hotkey": "3"},
    ],
    "settings": {"overlap": 3, "aggregation": "majority"},
}
RATING_SCHEMA = {
    "kind": "rating",
    "data": "text",
    "scale": {"min": 1, "max": 5},
    "level": "ordinal",
    "settings": {"overlap": 3, "aggregation": "majority"},
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-secret-123")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    schema = factory.LazyFunction(lambda: dict(SINGLE_SCHEMA))
    overlap = 3


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANNOTATOR


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    project = factory.SubFactory(ProjectFactory)
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    data = factory.Sequence(lambda n: {"text": f"Item text number {n}."})


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    item = factory.SubFactory(ItemFactory)
    project = factory.SelfAttribute("item.project")
    annotator = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(minutes=30))


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation

    item = factory.SubFactory(ItemFactory)
    project = factory.SelfAttribute("item.project")
    annotator = factory.SubFactory(UserFactory)
    value = factory.LazyFunction(lambda: {"label": "positive"})
    created_at = factory.LazyFunction(timezone.now)


class PredictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prediction

    item = factory.SubFactory(ItemFactory)
    project = factory.SelfAttribute("item.project")
    model_version = "m1"
    value = factory.LazyFunction(lambda: {"label": "positive"})
    score = 0.9


def project_creator(username: str):
    """A user holding the site permission to create projects."""
    from labeling.services.people import project_creator_set

    return project_creator_set(user=UserFactory(username=username), allowed=True)
