"""A project's model server settings: what they are, their defaults, and their validation (pure).

The public part lives in the project's schema settings under "prelabel" (the URL, the auth
kind, the basic-auth user name, timeout, batch size, whether annotations train the server);
the secret (a basic-auth password or a bearer token) never does: it is kept encrypted in
ModelServerSecret and only a "secret_set" flag is shown back (labeling.services.model_server).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from labeling.exceptions import SchemaError

AUTH_KINDS = ("none", "basic", "bearer")
DEFAULT_TIMEOUT = 100.0  # seconds; Label Studio's ML API timeout
MAX_TIMEOUT = 3600.0
DEFAULT_BATCH_SIZE = 50  # tasks per /predict request
MAX_BATCH_SIZE = 1000
# Keys of settings.prelabel this module owns; others (retrain_every, ...) pass through as they are.
PUBLIC_KEYS = ("url", "auth", "username", "timeout", "batch_size", "train_on_annotation")
SECRET_KEYS = ("password", "token")


@dataclass(frozen=True)
class ServerConfig:
    """Everything needed to talk to one project's model server (secret decrypted)."""

    url: str
    auth: str = "none"
    username: str = ""
    secret: str = ""
    timeout: float = DEFAULT_TIMEOUT
    batch_size: int = DEFAULT_BATCH_SIZE

    def headers(self) -> dict[str, str]:
        """Headers other than basic auth (httpx builds that one)."""
        if self.auth == "bearer" and self.secret:
            return {"Authorization": f"Bearer {self.secret}"}
        return {}

    def basic(self) -> tuple[str, str] | None:
        """(user, password) for basic auth, else None."""
        return (self.username, self.secret) if self.auth == "basic" else None


def server_config_from(settings: dict[str, Any], secret: str) -> ServerConfig | None:
    """The ServerConfig of validated settings.prelabel (None when no URL is set)."""
    url = str(settings.get("url") or "")
    if not url:
        return None
    return ServerConfig(
        url=url.rstrip("/"),
        auth=str(settings.get("auth") or "none"),
        username=str(settings.get("username") or ""),
        secret=secret,
        timeout=float(settings.get("timeout") or DEFAULT_TIMEOUT),
        batch_size=int(settings.get("batch_size") or DEFAULT_BATCH_SIZE),
    )


def server_settings_validate(
    raw: dict[str, Any], current: dict[str, Any], *, secret_set: bool
) -> tuple[dict[str, Any], str | None]:
    """Merge `raw` (a PATCH of settings.prelabel) into `current`; return (public, secret).

    `secret` is None when unchanged, "" to clear it, else the new password or token.
    Raises SchemaError whose details are {"field": first bad field, "fields": {field: message}}
    (field names without the "prelabel." prefix), so forms and API clients can show each
    message beside its field.
    """
    merged = {**current, **{k: v for k, v in raw.items() if k not in SECRET_KEYS}}
    errors: dict[str, str] = {}
    public = dict(merged)
    public["url"] = _url(merged.get("url"), errors)
    public["auth"] = _choice(merged.get("auth") or "none", errors)
    public["username"] = str(merged.get("username") or "").strip()[:150]
    public["timeout"] = _number(merged.get("timeout", DEFAULT_TIMEOUT), errors)
    public["batch_size"] = _batch(merged.get("batch_size", DEFAULT_BATCH_SIZE), errors)
    train = merged.get("train_on_annotation", True)
    if not isinstance(train, bool):
        errors["train_on_annotation"] = "Train on annotation is true or false"
    public["train_on_annotation"] = train is not False
    secret = _secret(raw, public["auth"], errors)
    # A stored password is no bearer token (nor the reverse): a new auth kind needs its secret.
    same_kind = public["auth"] == (current.get("auth") or "none")
    will_have_secret = bool(secret) if secret is not None else (secret_set and same_kind)
    if public["auth"] == "basic" and not public["username"]:
        errors.setdefault("username", "Basic auth needs a user name")
    if public["auth"] == "basic" and not will_have_secret:
        errors.setdefault("password", "Basic auth needs a password")
    if public["auth"] == "bearer" and not will_have_secret:
        errors.setdefault("token", "Bearer auth needs a token")
    if errors:
        first = next(iter(errors))
        raise SchemaError(errors[first], details={"field": first, "fields": errors})
    if public["auth"] == "none":
        public["username"], secret = "", ("" if secret_set else None)
    return public, secret


def _url(raw: object, errors: dict[str, str]) -> str:
    url = str(raw or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors["url"] = "The model server URL must start with http:// or https:// and name a host"
    elif parts.username or parts.password:
        errors["url"] = "Put credentials in the auth fields, not in the URL"
    elif len(url) > 500:
        errors["url"] = "The model server URL is too long (500 characters at most)"
    return url.rstrip("/")


def _choice(raw: object, errors: dict[str, str]) -> str:
    if raw not in AUTH_KINDS:
        errors["auth"] = f"Auth must be one of {', '.join(AUTH_KINDS)}"
        return "none"
    return str(raw)


def _number(raw: object, errors: dict[str, str]) -> float:
    value = _to_number(raw)
    if value is None or not 1 <= value <= MAX_TIMEOUT:
        errors["timeout"] = f"The timeout is a number of seconds from 1 to {int(MAX_TIMEOUT)}"
        return DEFAULT_TIMEOUT
    return value


def _batch(raw: object, errors: dict[str, str]) -> int:
    value = _to_number(raw)
    if value is None or value != int(value) or not 1 <= value <= MAX_BATCH_SIZE:
        errors["batch_size"] = f"The batch size is a whole number from 1 to {MAX_BATCH_SIZE}"
        return DEFAULT_BATCH_SIZE
    return int(value)


def _to_number(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    try:
        return float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _secret(raw: dict[str, Any], auth: str, errors: dict[str, str]) -> str | None:
    """The new secret from the field that fits `auth` (None = keep the stored one)."""
    key = "password" if auth == "basic" else "token"
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 2000:
        errors[key] = f"The {key} must be a string of at most 2000 characters"
        return None
    return value
