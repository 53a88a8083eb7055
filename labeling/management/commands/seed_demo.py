"""python manage.py seed_demo: create the demo users and projects (idempotent).

Three projects: support-ticket sentiment (single label), names in news snippets (spans) and
shapes in pictures (boxes, with pictures drawn by labeling.demo_images at seed time).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from labeling import demo
from labeling.demo_images import HEIGHT, WIDTH, demo_image
from labeling.models import Item, Project
from labeling.permissions import can_create_projects
from labeling.services import membership_set, project_create
from labeling.services.counts import project_counts_rebuild
from labeling.services.people import project_creator_set

PROJECTS = [
    (demo.DEMO_PROJECT, demo.DEMO_SCHEMA, "Customer messages; label the sentiment."),
    (demo.DEMO_SPANS_PROJECT, demo.DEMO_SPANS_SCHEMA, "Mark the people, organisations and places."),
    (demo.DEMO_BOXES_PROJECT, demo.DEMO_BOXES_SCHEMA, "Draw a box around every circle and square."),
]


class Command(BaseCommand):
    help = "Create demo projects with a lead, a reviewer and three annotators (safe to re-run)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            users = {name: self._user(name) for name, _ in demo.DEMO_USERS}
            # The demo lead may create projects; the others may not (a site permission).
            if not can_create_projects(users["lead"]):
                project_creator_set(user=users["lead"], allowed=True)
            projects = [self._project(*spec, users) for spec in PROJECTS]
            sentiment, spans, boxes = projects
            self._texts(sentiment, demo.DEMO_TEXTS)
            self._texts(spans, demo.DEMO_SPANS_TEXTS)
            self._images(boxes, demo.DEMO_BOXES_IMAGES)
            for project in projects:  # the demo items were written directly, not imported
                project_counts_rebuild(project_id=project.pk)
        for project in projects:
            self.stdout.write(f"Demo project {project.name!r} (id {project.pk}) is ready to label.")
        # The story project (labels, flags, a review, two guideline versions, a pre-label run)
        # needs review and guidelines, so it lives in frontend; it is reached by command name.
        call_command("seed_demo_story", stdout=self.stdout)
        self.stdout.write(f"Logins (password {demo.DEMO_PASSWORD!r} for each):")
        for name, role in demo.DEMO_USERS:
            self.stdout.write(f"  {name:<12} {role}")

    def _project(self, name: str, schema: dict[str, Any], about: str, users: dict[str, Any]) -> Project:
        project = Project.objects.filter(name=name).first()
        if project is None:
            project = project_create(
                name=name,
                description=f"{about} Seeded by seed_demo.",
                schema=schema,
                created_by=users["lead"],
            )
        for username, role in demo.DEMO_USERS:
            membership_set(project=project, user=users[username], role=role)
        return project

    def _texts(self, project: Project, texts: list[str]) -> None:
        existing = set(project.items.values_list("external_id", flat=True))
        Item.objects.bulk_create(
            Item(project=project, external_id=f"demo-{n:03d}", data={"text": text})
            for n, text in enumerate(texts, start=1)
            if f"demo-{n:03d}" not in existing
        )

    def _images(self, project: Project, count: int) -> None:
        existing = set(project.items.values_list("external_id", flat=True))
        for n in range(1, count + 1):
            external_id, name = f"shapes-{n:03d}", f"shapes-{n:03d}.png"
            if external_id in existing:
                continue
            item = Item(project=project, external_id=external_id, data={"image": name})
            item.width, item.height = WIDTH, HEIGHT
            item.image.save(name, ContentFile(demo_image(n)), save=False)
            item.save()

    def _user(self, username: str) -> Any:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        if created or not user.has_usable_password():
            user.set_password(demo.DEMO_PASSWORD)
            user.is_active = True
            user.save()
        return user
