"""Where a webhook may point: http(s) URLs whose host resolves to allowed addresses only.

A hook's URL is chosen by a project lead, so without a check Accord could be made to call
services only it can reach (server-side request forgery). Link-local addresses, which include
the cloud metadata endpoints (169.254.169.254, fd00:ec2::254), and multicast, unspecified and
reserved addresses are always refused. Loopback and private networks (10/8, 172.16/12,
192.168/16, 100.64/10, fc00::/7) are refused unless ACCORD_WEBHOOK_ALLOW_PRIVATE is on.
The check runs when a hook is saved and again at every send, on the addresses the send then
connects to (labeling.webhooks.transport pins them), so a DNS answer that changes after the
check cannot redirect a delivery.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Metadata services outside the link-local ranges (AWS over IPv6, Alibaba Cloud, Oracle Cloud).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text) for text in ("fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: private in practice
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(Exception):
    """The URL is not one Accord will call; the message says why (safe to show)."""


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (address, port) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, at least "/"
    address: str


def url_parts(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an http(s) URL; UrlRefused for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UrlRefused(f"Not a valid URL: {error}") from error
    if parts.scheme not in SCHEMES:
        raise UrlRefused("Webhook URLs must start with http:// or https://")
    if not parts.hostname:
        raise UrlRefused("The URL has no host")
    if parts.username or parts.password:
        raise UrlRefused("Put credentials in the secret, not in the URL")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme], path


def address_problem(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why Accord will not call `address`, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_link_local or address in METADATA_ADDRESSES:
        return "link-local and cloud metadata addresses are never called"
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return "multicast, unspecified and reserved addresses are never called"
    if (address.is_loopback or address.is_private or address in _SHARED) and not allow_private:
        return "loopback and private addresses are refused (ACCORD_WEBHOOK_ALLOW_PRIVATE is off)"
    return None


def resolve(url: str) -> Target:
    """Check the URL and resolve its host; the first allowed address is the one to connect to.

    Raises UrlRefused when the URL is not http(s), the host does not resolve, or any address
    it resolves to is refused (a host with one forbidden address is refused as a whole).
    """
    scheme, host, port, path = url_parts(url)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UrlRefused(f"The host {host} does not resolve") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found]
    allow_private = settings.ACCORD_WEBHOOK_ALLOW_PRIVATE
    for address in addresses:
        problem = address_problem(address, allow_private=allow_private)
        if problem:
            raise UrlRefused(f"{host} resolves to {address}: {problem}")
    return Target(scheme, host, port, path, str(addresses[0]))
