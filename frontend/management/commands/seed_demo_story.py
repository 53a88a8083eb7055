"""python manage.py seed_demo_story: the story project of the demo (seed_demo runs it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontend.demo_story import story_seed
from frontend.demo_story_regions import regions_story_seed
from labeling import demo
from labeling.selectors_members import user_list_by_username


class Command(BaseCommand):
    help = "Create the demo's labeling round in progress (run seed_demo first; safe to re-run)."

    def handle(self, *args: Any, **options: Any) -> None:
        names = [name for name, _ in demo.DEMO_USERS]
        users = {
            user.get_username(): user for user in user_list_by_username(usernames=names)
        }
        missing = sorted(set(names) - set(users))
        if missing:
            raise CommandError(f"Run seed_demo first (missing users: {', '.join(missing)})")
        project, created = story_seed(users=users)
        state = "created" if created else "already there"
        self.stdout.write(f"Story project {project.name!r} (id {project.pk}) {state}.")
        for seeded in regions_story_seed(users=users):
            self.stdout.write(f"Labeled story items added to {seeded.name!r} (id {seeded.pk}).")
