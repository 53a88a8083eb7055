"""Images given as http(s) URLs: allowed only from the hosts a project lists (pure, no Django).

settings.image_hosts (default none) lists host names such as "images.example.com"; an item
whose data.image is a URL on another host is refused at import, and the browser loads an
allowed one straight from its host (Accord never fetches it).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from labeling.exceptions import SchemaError

URL_PREFIXES = ("http://", "https://")
_HOST = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$")


def is_image_url(image: object) -> bool:
    return isinstance(image, str) and image.lower().startswith(URL_PREFIXES)


def image_hosts_validate(raw: object) -> list[str]:
    """The image_hosts setting, lower-cased; SchemaError names a bad entry."""
    if not isinstance(raw, list):
        raise SchemaError("settings.image_hosts must be a list of host names")
    hosts = []
    for entry in raw:
        host = entry.strip().lower() if isinstance(entry, str) else ""
        if not _HOST.match(host):
            raise SchemaError(f"settings.image_hosts: {entry!r} is not a host name (like images.example.com)")
        hosts.append(host)
    return hosts


def image_url_problem(url: str, settings: dict[str, Any]) -> str | None:
    """Why `url` may not be an item's image in a project with these settings (None: allowed)."""
    parts = urlsplit(url)
    host = (parts.netloc.rsplit("@", 1)[-1]).lower()
    if "@" in parts.netloc or not host:
        return f"data.image {url!r} is not a plain http(s) URL"
    allowed = settings.get("image_hosts") or []
    if host in allowed or (parts.hostname or "") in allowed:
        return None
    return (
        f"data.image is a URL on {host}, which the project does not allow; a lead can add it to the "
        "project's image_hosts setting, or upload the images in a zip with the file"
    )


def image_url_allowed(data: dict[str, Any], settings: dict[str, Any]) -> str | None:
    """The item's image URL when the browser may load it from its host, else None."""
    image = data.get("image")
    if is_image_url(image) and image_url_problem(image, settings) is None:
        return image
    return None
