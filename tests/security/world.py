"""One seeded project for the security checks: every object a route's path can name, per persona.

`seed_world()` builds a project with a lead, a reviewer, three annotators and an outsider, and
the objects the URL conf and the OpenAPI paths take as parameters (items, annotations,
assignments, a flag, jobs, a published guideline version, a membership). The peer annotation
carries markers (`PEER_MARK`, `PEER_LEAD_TIME`) that must never reach annotator1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from labeling.models import ApiToken, ImportJob, Membership, PrelabelJob, Project, Role
from labeling.services.invites import invite_create
from labeling.services.people import project_creator_set
from labeling.services.tokens import api_token_create
from labeling.services.webhooks import webhook_create, webhook_ping
from review.models import Flag
from tests.factories import (
    AnnotationFactory,
    AssignmentFactory,
    ItemFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)
from tests.factories_guidelines import publish
from tests.factories_prelabel import ModelVersionFactory

PEER_NAME = "peerannotator"
PEER_MARK = "peer-only-comment-7f3a"
PEER_LEAD_TIME = 987_654
PERSONAS = ("anonymous", "outsider", "annotator", "reviewer", "lead")


@dataclass
class World:
    """The seeded project, its personas, and the ids a route parameter resolves to."""

    project: Project
    users: dict[str, AbstractBaseUser | None]
    ids: dict[str, Any]
    own: dict[str, dict[str, int]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, persona: str) -> str:
        """The persona's API token (created on first use)."""
        if persona not in self.tokens:
            self.tokens[persona] = api_token_create(user=self.users[persona], name="matrix")[1]
        return self.tokens[persona]

    def param(self, name: str, persona: str, path: str) -> Any:
        """The value of path parameter `name` for `persona` on `path` (a route or a template)."""
        if _is_personal(name, path):
            # Outsiders and anonymous users try annotator1's.
            return self.own.get(persona, self.own["annotator"])[name]
        if name == "token_id":  # each user's own token; anonymous tries annotator1's
            owner = self.users[persona] or self.users["annotator"]
            return ApiToken.objects.filter(user=owner).order_by("id").first().pk
        if name == "job_id":
            return self.ids["prelabel_job" if "prelabel" in path else "import_job"]
        return self.ids[name]


def _is_personal(name: str, path: str) -> bool:
    """Assignments always belong to one person; an annotation does outside the review routes."""
    return name == "assignment_id" or (name == "annotation_id" and "review" not in path)


def _member(project: Project, username: str, role: str) -> AbstractBaseUser:
    return MembershipFactory(project=project, user=UserFactory(username=username), role=role).user


def _personal_objects(project: Project, user: AbstractBaseUser, comment: str) -> dict[str, int]:
    """A live assignment on a fresh item and an annotation on another, both the user's own."""
    assignment = AssignmentFactory(item=ItemFactory(project=project), annotator=user)
    annotation = AnnotationFactory(item=ItemFactory(project=project), annotator=user, comment=comment)
    return {"assignment_id": assignment.pk, "annotation_id": annotation.pk}


def seed_world() -> World:
    """Create the project and everything its routes can point at; returns the World."""
    project = ProjectFactory()
    users: dict[str, AbstractBaseUser | None] = {
        "anonymous": None,
        "outsider": UserFactory(username="outsider"),
        "annotator": _member(project, "annotator1", Role.ANNOTATOR),
        "reviewer": _member(project, "reviewer", Role.REVIEWER),
        "lead": _member(project, "lead", Role.LEAD),
    }
    peer = _member(project, PEER_NAME, Role.ANNOTATOR)
    spare = _member(project, "annotator3", Role.ANNOTATOR)
    shared = ItemFactory(project=project)
    own = {p: _personal_objects(project, users[p], f"{p} note") for p in PERSONAS[2:]}
    # annotator1 labeled the shared item too (so it is in their lists), beside the peer.
    mine = AssignmentFactory(item=shared, annotator=users["annotator"], status="submitted")
    AnnotationFactory(item=shared, annotator=users["annotator"], assignment=mine, comment="my own note")
    AnnotationFactory(item=shared, annotator=peer, comment=PEER_MARK, lead_time_ms=PEER_LEAD_TIME)
    peer_assignment = AssignmentFactory(item=shared, annotator=peer)
    publish(project, users["lead"], "# Guideline\n\nLabel the tone.")
    ModelVersionFactory(project=project)
    project_creator_set(user=users["lead"], allowed=True)
    tokens = {p: api_token_create(user=users[p], name="matrix")[1] for p in PERSONAS[1:]}
    # Port 9 (discard) on loopback: nothing listens, so a ping in a case fails fast and offline.
    hook = webhook_create(project=project, actor=users["lead"], url="http://127.0.0.1:9/hook", events=["annotation.created"])
    invite, invite_key = invite_create(project=project, actor=users["lead"], role=Role.ANNOTATOR)
    ids = {
        "token": invite_key,
        "invite_id": invite.pk,
        "user_id": spare.pk,
        "uidb64": "MQ",
        "project_id": project.pk,
        "item_id": shared.pk,
        "annotation_id": shared.annotations.get(annotator=peer).pk,
        "peer_assignment": peer_assignment.pk,
        "flag_id": Flag.objects.create(project=project, item=shared, reason="low_agreement").pk,
        "membership_id": Membership.objects.get(project=project, user=spare).pk,
        "number": 1,
        "action": "comment",
        "import_job": ImportJob.objects.create(
            project=project, created_by=users["lead"], file="imports/x.jsonl", original_name="x.jsonl"
        ).pk,
        "hook_id": hook.pk,
        "delivery_id": webhook_ping(webhook=hook, actor=users["lead"]).pk,
        "prelabel_job": PrelabelJob.objects.create(
            project=project, backend="tfidf", created_by=users["lead"], finished_at=timezone.now()
        ).pk,
    }
    return World(project=project, users=users, ids=ids, own=own, tokens=tokens)
