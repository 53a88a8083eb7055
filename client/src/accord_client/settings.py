"""Where the client finds the server and the token: ACCORD_URL and ACCORD_TOKEN, else the
file `accord login` writes (config.json under the user's config folder, readable by them only).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"


def config_path() -> Path:
    """$ACCORD_CONFIG, else <config dir>/accord/config.json (XDG_CONFIG_HOME or ~/.config;
    %APPDATA% on Windows)."""
    explicit = os.environ.get("ACCORD_CONFIG")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "accord" / "config.json"


def saved() -> dict[str, str]:
    """The saved {"url", "token"}, or {} when there is no readable file."""
    try:
        data = json.loads(config_path().read_text())
    except (OSError, ValueError):
        return {}
    return {key: str(data[key]) for key in ("url", "token") if data.get(key)}


def save(url: str, token: str) -> Path:
    """Write {"url", "token"} to the config file, readable by its owner only."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump({"url": url, "token": token}, handle)
    os.chmod(path, 0o600)  # also when the file existed with wider permissions
    return path


def resolve(url: str | None = None, token: str | None = None) -> tuple[str, str | None]:
    """Arguments first, then ACCORD_URL / ACCORD_TOKEN, then the saved file."""
    stored = saved()
    url = url or os.environ.get("ACCORD_URL") or stored.get("url") or DEFAULT_URL
    token = token or os.environ.get("ACCORD_TOKEN") or stored.get("token")
    return url.rstrip("/"), token
