"""Send one signed POST to a checked target and report what came back. No redirects are
followed (a 3xx is an answer like any other), and only the first bytes of a reply are read.

The connection goes to the address labeling.webhooks.addresses checked, never to a second
DNS answer; HTTPS still verifies the certificate for the URL's host name (SNI and Host).
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from time import monotonic

from labeling.webhooks.addresses import Target

READ_LIMIT = 1024  # bytes of the reply kept for the delivery log
USER_AGENT = "Accord-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code and the reply's start, or a connection error."""

    status: int | None
    reply: str
    error: str
    duration_ms: int


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST `body` to the target; network failures come back as an Outcome with `error`."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target, timeout)
    started = monotonic()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        reply = response.read(READ_LIMIT).decode("utf-8", "replace")
        return Outcome(response.status, reply, "", _ms(started))
    except (OSError, http.client.HTTPException, ValueError) as error:
        # OSError covers refused connections, timeouts and TLS failures (ssl.SSLError);
        # ValueError a path or header http.client refuses to send.
        return Outcome(None, "", f"{error.__class__.__name__}: {error}"[:500], _ms(started))
    finally:
        connection.close()


def _ms(started: float) -> int:
    return int((monotonic() - started) * 1000)
