"""The deployment files (issue #18). No Docker engine here, so these read the files: the build
context leaves out local state, the image's media folder belongs to the app user, and the
compose health check asks /readyz (which the web app answers; see test_health.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_dockerignore_leaves_local_environments_data_and_history_out_of_the_image():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }

    assert {".git", ".venv", "var", "**/__pycache__", ".env"} <= ignored
    assert "!.env.example" in ignored


def test_the_image_creates_var_media_owned_by_the_app_user_before_dropping_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    create = dockerfile.index("mkdir -p /app/var/media")

    assert "chown -R accord:accord /app/var" in dockerfile
    assert create < dockerfile.index("USER accord")


def test_compose_web_health_check_asks_readyz():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    check = " ".join(compose["services"]["web"]["healthcheck"]["test"])

    assert "http://127.0.0.1:8000/readyz" in check
    assert "SECURE_SSL_REDIRECT" in compose["services"]["web"]["environment"]
