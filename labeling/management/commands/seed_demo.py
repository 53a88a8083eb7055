"""python manage.py seed_demo: create the demo users and project (idempotent)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from labeling import demo
from labeling.models import Item, Project
from labeling.permissions import can_create_projects
from labeling.services import membership_set, project_create
from labeling.services.people import project_creator_set


class Command(BaseCommand):
    help = "Create a demo project with a lead, a reviewer and three annotators (safe to re-run)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            users = {name: self._user(name) for name, _ in demo.DEMO_USERS}
            # The demo lead may create projects; the others may not (a site permission).
            if not can_create_projects(users["lead"]):
                project_creator_set(user=users["lead"], allowed=True)
            project = Project.objects.filter(name=demo.DEMO_PROJECT).first()
            if project is None:
                project = project_create(
                    name=demo.DEMO_PROJECT,
                    description="Customer messages; label the sentiment. Seeded by seed_demo.",
                    schema=demo.DEMO_SCHEMA,
                    created_by=users["lead"],
                )
            for name, role in demo.DEMO_USERS:
                membership_set(project=project, user=users[name], role=role)
            existing = set(project.items.values_list("external_id", flat=True))
            Item.objects.bulk_create(
                Item(project=project, external_id=f"demo-{n:03d}", data={"text": text})
                for n, text in enumerate(demo.DEMO_TEXTS, start=1)
                if f"demo-{n:03d}" not in existing
            )
        self.stdout.write(f"Demo project {project.name!r} (id {project.pk}) is ready to label.")
        # The story project (labels, flags, a review, two guideline versions, a pre-label run)
        # needs review and guidelines, so it lives in frontend; it is reached by command name.
        call_command("seed_demo_story", stdout=self.stdout)
        self.stdout.write(f"Logins (password {demo.DEMO_PASSWORD!r} for each):")
        for name, role in demo.DEMO_USERS:
            self.stdout.write(f"  {name:<12} {role}")

    def _user(self, username: str) -> Any:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        if created or not user.has_usable_password():
            user.set_password(demo.DEMO_PASSWORD)
            user.is_active = True
            user.save()
        return user
