"""One webhook POST under one overall deadline: connect, TLS, send and read together.

http.client's timeout applies to each socket operation, so a receiver that sends a byte every
few seconds held a worker for as long as it liked. Here every operation gets only what is left
of the delivery's deadline. The receiver's status line is all a delivery needs: headers are read
(at most 64 KiB) and the body is not.
"""

from __future__ import annotations

import socket
import ssl
import time
from urllib.parse import urlsplit

__all__ = ["DeliveryFailed", "post"]

_MAX_HEAD = 64 * 1024


class DeliveryFailed(Exception):
    """The attempt failed before an HTTP status: `category` says how, for the delivery log."""

    def __init__(self, category: str) -> None:
        super().__init__(category)
        self.category = category


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise DeliveryFailed("timeout")
        return left


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    connect_to: str | None = None,
) -> int:
    """POST `body` to `url` and return the status code; never follows a redirect.

    `connect_to`: the address to connect to instead of resolving the URL's host again; the Host
    header and the TLS server name still come from the URL.
    """
    deadline = _Deadline(timeout)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if https else 80)
    try:
        sock = socket.create_connection((connect_to or host, port), timeout=deadline.left())
    except DeliveryFailed:
        raise
    except TimeoutError:
        raise DeliveryFailed("timeout") from None
    except ConnectionRefusedError:
        raise DeliveryFailed("refused") from None
    except socket.gaierror:
        raise DeliveryFailed("dns") from None
    except OSError:
        raise DeliveryFailed("connection") from None
    try:
        if https:
            sock.settimeout(deadline.left())
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        _send(sock, _request(parts, host, port, https, headers, body) + body, deadline)
        return _status(_read_head(sock, deadline))
    except DeliveryFailed:
        raise
    except ssl.SSLError:
        raise DeliveryFailed("tls") from None
    except TimeoutError:
        raise DeliveryFailed("timeout") from None
    except OSError:
        raise DeliveryFailed("connection") from None
    finally:
        sock.close()


def _request(parts, host: str, port: int, https: bool, headers: dict[str, str], body: bytes):
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if https else 80
    name = f"[{host}]" if ":" in host else host
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {name}" + ("" if port == default_port else f":{port}"),
        "User-Agent: moderation",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _send(sock: socket.socket, data: bytes, deadline: _Deadline) -> None:
    view = memoryview(data)
    while view:
        sock.settimeout(deadline.left())
        sent = sock.send(view)
        view = view[sent:]


def _read_head(sock: socket.socket, deadline: _Deadline) -> bytes:
    head = b""
    while b"\r\n" not in head:  # the status line is all that is used
        sock.settimeout(deadline.left())
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
        if len(head) > _MAX_HEAD:
            break
    return head


def _status(head: bytes) -> int:
    line = head.split(b"\r\n", 1)[0].split()
    if len(line) < 2 or not line[0].startswith(b"HTTP/") or not line[1].isdigit():
        raise DeliveryFailed("bad response")
    status = int(line[1])
    if not 100 <= status <= 599:
        raise DeliveryFailed("bad response")
    return status
