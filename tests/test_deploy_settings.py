"""Production settings from the environment (issue #18): with the values the README documents,
`manage.py check --deploy` reports nothing; without them it does. Each run is a subprocess,
because settings are read once at import."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARKER = "<!-- production-env: tests/test_deploy_settings.py -->"


def documented_production_values() -> dict[str, str]:
    """KEY=VALUE lines of the README's production block (right after MARKER), secret filled in."""
    text = README.read_text(encoding="utf-8")
    block = text.split(MARKER, 1)[1].split("```", 2)[1]
    values = dict(re.findall(r"^([A-Z_]+)=(\S*)", block, flags=re.MULTILINE))
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    return values


# Only these pass from the test's environment: the rest is what a deployment would set. (Other
# tests set variables such as DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses.)
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "ACCORD_VAR_DIR")


def run_manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    return subprocess.run(  # noqa: S603 - our manage.py, fixed arguments
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_documented_production_values_pass_check_deploy_cleanly():
    values = documented_production_values()
    assert {"SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER"} <= set(values)

    done = run_manage("check", "--deploy", "--fail-level", "WARNING", env=values)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_when_the_https_settings_are_left_at_their_defaults():
    values = documented_production_values()
    bare = {"DEBUG": "0", "SECRET_KEY": values["SECRET_KEY"], "ALLOWED_HOSTS": "accord.example.org"}

    done = run_manage("check", "--deploy", "--fail-level", "WARNING", env=bare)

    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout


def test_the_proxy_header_and_connection_settings_come_from_the_environment():
    values = {**documented_production_values(), "DATABASE_URL": "postgres://u@db.invalid/accord",
              "CONN_MAX_AGE": "120", "CONN_HEALTH_CHECKS": "0"}
    show = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, d['CONN_MAX_AGE'],"
        " d['CONN_HEALTH_CHECKS'])"
    )

    done = run_manage("shell", "-c", show, env=values)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == (
        "('HTTP_X_FORWARDED_PROTO', 'https') 31536000 120 False"
    )


def test_a_proxy_header_not_in_meta_form_is_refused_at_boot():
    done = run_manage("check", env={"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"})

    assert done.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must name a request header as HTTP_" in done.stderr


def test_runserver_on_postgresql_closes_its_connection_after_each_request_by_default():
    """runserver runs each request in a new thread; persistent connections piled up (53 idle)."""
    show = (
        "import sys; sys.argv = ['manage.py', sys.argv[1]];"
        "from django.conf import settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://u@db.invalid/accord",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("CONN_MAX_AGE", None)
    ages = [
        subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-c", show, command], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=60, check=True,
        ).stdout.strip()
        for command in ("runserver", "celery")
    ]

    assert ages == ["0", "60"]
