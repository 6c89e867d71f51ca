"""Where a webhook may point: the server-side request forgery rules.

A webhook makes the engine send requests to a URL a user chose, from inside
the deployment's network. So the URL is checked when it is registered (422)
and again before every delivery, and the check is on the addresses the request
will actually go to: the host is resolved, *every* address it resolves to must
be allowed, and the request then connects to one of those checked addresses
(the host name kept in ``Host`` and TLS SNI), so a DNS answer that changes
between the check and the connection (rebinding) cannot redirect it.

Production: ``https`` only, and only globally routable unicast addresses (no
private, loopback, link-local, CGNAT, multicast, reserved or unspecified ones,
IPv4-mapped IPv6 forms included). Development also allows ``http``, loopback and
private networks so a laptop can receive; link-local (cloud metadata,
169.254.169.254, fe80::/10) is refused everywhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from soundstage.errors import ValidationFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# (host, port) -> the addresses it resolves to, as strings
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Metadata services that are not link-local: AWS's IPv6 IMDS, Alibaba's.
ALWAYS_REFUSED = (
    ipaddress.ip_network("fd00:ec2::254/128"),
    ipaddress.ip_network("100.100.100.200/32"),
)
# What development allows beyond global addresses.
DEV_ALLOWED = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("10.0.0.0/8"),
    ipaddress.ip_network("172.16.0.0/12"),
    ipaddress.ip_network("192.168.0.0/16"),
    ipaddress.ip_network("::1/128"),
    ipaddress.ip_network("fc00::/7"),
)


class AddressRefused(ValidationFailed):
    """The URL (or an address its host resolves to) is not allowed."""

    code = "webhook_url_refused"


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _unmapped(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one stands for, where it embeds one that a
    stack or gateway may reach: mapped, NAT64, 6to4, IPv4-compatible."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip in NAT64:
            return ipaddress.IPv4Address(ip.packed[12:])
        if ip.sixtofour is not None:
            return ip.sixtofour
        # ::a.b.c.d (IPv4-compatible, deprecated) reaches the IPv4 host on some stacks
        if ip.packed[:12] == bytes(12) and int(ip) > 1:
            return ipaddress.IPv4Address(ip.packed[12:])
    return ip


def refusal(ip: IPAddress, *, production: bool) -> str | None:
    """Why ``ip`` may not be sent to, or None when it may."""
    ip = _unmapped(ip)
    if ip.is_link_local:
        return "link-local addresses (cloud metadata) are never allowed"
    if any(ip in net for net in ALWAYS_REFUSED):
        return "cloud metadata addresses are never allowed"
    if ip.is_multicast or ip.is_unspecified:
        return "multicast and unspecified addresses are not allowed"
    if ip.is_global and not ip.is_reserved:
        return None
    if not production and any(ip in net for net in DEV_ALLOWED):
        return None
    if production:
        return "private, loopback and reserved addresses are not allowed"
    return "reserved and shared (CGNAT) addresses are not allowed"


def _literal_ip(host: str) -> IPAddress | None:
    """The address a host names literally, including the shorthand forms that
    resolvers accept for IPv4 (``0x7f000001``, ``2130706433``, ``127.1``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect and what to call the host."""

    url: str
    scheme: str
    host: str  # the name as written (Host header, SNI), IPv6 without brackets
    port: int
    path: str  # path and query
    literal: IPAddress | None


def parse(url: str, *, production: bool) -> Target:
    """Syntax checks (no DNS): scheme, host, port, no credentials."""
    try:
        parts: SplitResult = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AddressRefused(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    allowed = ("https",) if production else ("https", "http")
    if scheme not in allowed:
        raise AddressRefused(
            "the URL must use https" if production else "the URL must use http or https"
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise AddressRefused("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("credentials in the URL are not allowed; use the signature")
    if parts.fragment:
        raise AddressRefused("the URL may not have a fragment")
    if any(c.isspace() for c in url):
        raise AddressRefused("the URL may not contain spaces")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(
        url=url,
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        path=path,
        literal=_literal_ip(host),
    )


async def resolve_checked(target: Target, resolver: Resolver, *, production: bool) -> list[str]:
    """Every address the target's host stands for, each one allowed; or
    :class:`AddressRefused`. A literal address is not resolved."""
    if target.literal is not None:
        addresses = [str(target.literal)]
    else:
        if target.host.lower() in ("localhost", "localhost.localdomain") and production:
            raise AddressRefused("localhost is not allowed")
        try:
            addresses = await resolver(target.host, target.port)
        except (OSError, UnicodeError) as exc:
            raise AddressRefused(f"the host {target.host!r} does not resolve") from exc
        if not addresses:
            raise AddressRefused(f"the host {target.host!r} does not resolve")
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise AddressRefused(f"the host {target.host!r} resolves to a bad address") from None
        why = refusal(ip, production=production)
        if why is not None:
            shown = "the address" if target.literal is not None else f"{target.host!r} resolves to"
            raise AddressRefused(f"{shown} {ip} is refused: {why}", details={"address": str(ip)})
    return addresses


async def check_url(url: str, resolver: Resolver, *, production: bool) -> Target:
    target = parse(url, production=production)
    await resolve_checked(target, resolver, production=production)
    return target
