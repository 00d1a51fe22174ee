"""Callback URLs: their syntax, and the addresses the hub may reach them at.

A hub that calls any URL a stranger names is a server-side request forgery
tool: it would fetch the cloud metadata service or an admin port on the
loopback for them. A callback must resolve only to globally routable
addresses; the answer is checked at intake, before every request (DNS may
answer differently later), and the request goes to the very address that was
checked, so a second lookup cannot swap it. Metadata addresses stay refused
even when private callbacks are allowed for local use.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from shared.models.websub import URL_LENGTH

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# AWS/GCP/Azure/OpenStack (IPv4 link-local), AWS over IPv6, Alibaba Cloud.
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)


class CallbackRefused(ValueError):
    """The callback URL is malformed, or it leads somewhere the hub must not call."""


@dataclass(frozen=True, slots=True)
class Target:
    """A callback URL split up, with the address it was checked at."""

    url: str
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    address: str


def parse_callback(url: str) -> SplitResult:
    """The URL split up, or CallbackRefused saying what is wrong with it."""
    if len(url) > URL_LENGTH:
        raise CallbackRefused(f"hub.callback is longer than {URL_LENGTH} characters")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise CallbackRefused("hub.callback holds spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed or malformed [IPv6] host
        raise CallbackRefused(f"hub.callback is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise CallbackRefused("hub.callback must be an http:// or https:// URL")
    if not parts.hostname:
        raise CallbackRefused("hub.callback has no host")
    if parts.username is not None or parts.password is not None:
        raise CallbackRefused("hub.callback must not carry credentials")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise CallbackRefused(f"hub.callback has a bad port: {exc}") from None
    return parts


def blocked(address: IPAddress, *, allow_private: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA:
        return True
    if allow_private:
        return address.is_multicast or address.is_unspecified
    return not address.is_global or address.is_multicast


def resolve(url: str, *, allow_private: bool) -> Target:
    """Check ``url`` and its DNS answer now; CallbackRefused if any address is off limits."""
    parts = parse_callback(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CallbackRefused(f"hub.callback host {host!r} does not resolve: {exc}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise CallbackRefused(f"hub.callback host {host!r} has no address")
    # Every answer must pass: a name answering one public and one private
    # address would otherwise reach the private one on some attempts.
    for address in addresses:
        if blocked(address, allow_private=allow_private):
            raise CallbackRefused(
                f"hub.callback host {host!r} resolves to {address}, a loopback, private, "
                "link-local or metadata address the hub does not call"
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url, parts.scheme, host, port, path, str(addresses[0]))
