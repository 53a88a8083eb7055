"""Settings refuse what is unsafe with DEBUG off: short secret keys, the browsable API (#21)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRINT_RENDERERS = (
    "import config.settings as s; print(','.join(s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES']))"
)


def import_settings(tmp_path: Path, code: str = "import config.settings", **env: str):
    """Import the settings in a fresh interpreter with these variables; the finished process."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ACCORD_BROWSABLE_API"}
    }
    environ.update({"ACCORD_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )


@pytest.mark.parametrize("key", ["", "x", "a" * 31])
def test_a_secret_key_under_32_characters_is_refused_when_debug_is_off(tmp_path, key):
    done = import_settings(tmp_path, DEBUG="0", SECRET_KEY=key)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "at least 32 characters" in done.stderr


def test_a_32_character_secret_key_boots_with_debug_off(tmp_path):
    done = import_settings(tmp_path, DEBUG="0", SECRET_KEY="k" * 32)
    assert done.returncode == 0, done.stderr


def test_a_short_secret_key_is_accepted_for_development(tmp_path):
    done = import_settings(tmp_path, DEBUG="1", SECRET_KEY="x")
    assert done.returncode == 0, done.stderr


def test_the_browsable_api_is_off_when_debug_is_off(tmp_path):
    done = import_settings(tmp_path, PRINT_RENDERERS, DEBUG="0", SECRET_KEY="k" * 40)
    assert done.stdout.strip() == "rest_framework.renderers.JSONRenderer"


def test_a_setting_turns_the_browsable_api_on_without_debug(tmp_path):
    done = import_settings(
        tmp_path, PRINT_RENDERERS, DEBUG="0", SECRET_KEY="k" * 40, ACCORD_BROWSABLE_API="1"
    )
    assert "rest_framework.renderers.BrowsableAPIRenderer" in done.stdout


def test_the_browsable_api_stays_on_for_development(tmp_path):
    done = import_settings(tmp_path, PRINT_RENDERERS, DEBUG="1")
    assert "rest_framework.renderers.BrowsableAPIRenderer" in done.stdout


def test_a_malformed_api_rate_is_refused_at_boot(tmp_path):
    done = import_settings(tmp_path, ACCORD_API_RATE_USER="lots")
    assert done.returncode != 0
    assert "ACCORD_API_RATE_USER must look like 100/minute" in done.stderr
