"""Signing a delivery: HMAC-SHA256 over "<timestamp>.<body>" with the hook's secret.

The timestamp (Unix seconds, sent as X-Accord-Timestamp) is inside the signed string, so a
receiver that refuses old timestamps also refuses a captured request replayed later. The
README shows the receiver's side in a few lines of Python.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Accord-Signature"
TIMESTAMP_HEADER = "X-Accord-Timestamp"
EVENT_HEADER = "X-Accord-Event"
EVENT_ID_HEADER = "X-Accord-Event-Id"
DELIVERY_HEADER = "X-Accord-Delivery"
SECRET_BYTES = 32  # a generated secret: 43 URL-safe characters


def secret_generate() -> str:
    """A new random secret for a hook whose lead did not choose one."""
    return secrets.token_urlsafe(SECRET_BYTES)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Accord-Signature value: "sha256=" and the hex HMAC of "<timestamp>.<body>"."""
    signed = str(timestamp).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_valid(secret: str, timestamp: int, body: bytes, header: str) -> bool:
    """Whether `header` is the signature of this body and timestamp (constant-time compare)."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)
