"""Encrypt the secrets Accord must send on (a model server's password or token) at rest.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a key derived from SECRET_KEY
with a purpose string, so a database dump alone does not reveal them. Rotating SECRET_KEY makes
stored secrets unreadable: `secret_open` then raises SecretUnreadable and the lead enters the
secret again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PURPOSE = b"accord.model-server-secret.v1"


class SecretUnreadable(Exception):
    """The stored secret was sealed under another SECRET_KEY (or was tampered with)."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(PURPOSE + b"\0" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_seal(plain: str) -> str:
    """The ciphertext (URL-safe base64 text) of `plain`."""
    return _fernet().encrypt(plain.encode()).decode()


def secret_open(sealed: str) -> str:
    """The plain text of `secret_seal`'s output; raises SecretUnreadable."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable(
            "The model server's stored password or token cannot be read (was SECRET_KEY "
            "changed?); enter it again in the pre-label settings"
        ) from error
