"""Which webhook URLs we may call: http(s) only, and no private or loopback addresses (SSRF)
unless the operator allows them (MODERATION_WEBHOOK_ALLOW_PRIVATE=1, e.g. for tests)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class RefusedURL(ValueError):
    """The URL is not one we deliver to; the message says why."""


def check_url(url: str, allow_private: bool, resolve: bool = True) -> None:
    if any(c.isspace() or not c.isprintable() for c in url):
        raise RefusedURL("the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: "https://[::1/h"
        raise RefusedURL("the URL cannot be parsed") from None
    if parts.scheme not in ("http", "https"):
        raise RefusedURL("only http and https URLs are accepted")
    if not parts.hostname:
        raise RefusedURL("the URL has no host")
    try:
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError:
        raise RefusedURL("the URL's port is not valid") from None
    if parts.username or parts.password:
        raise RefusedURL("credentials in the URL are not accepted")
    if allow_private or not resolve:
        return
    public_addresses(parts.hostname)


# NAT64 (RFC 6052): a gateway turns 64:ff9b::7f00:1 into 127.0.0.1; Python 3.11 calls it global.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def public_addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The host's addresses, resolved once; RefusedURL unless every one is public.

    The message never names the address: a site must not learn what an internal name resolves to.
    """
    found = _addresses(host)
    for address in found:
        if not address.is_global or address.is_multicast or address in _NAT64:
            raise RefusedURL(f"{host} is not a public address")
    return found


def resolve(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The host's addresses, whatever they are (WEBHOOK_ALLOW_PRIVATE)."""
    return _addresses(host)


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise RefusedURL(f"{host} does not resolve") from None
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
