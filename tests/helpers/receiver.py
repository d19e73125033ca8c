"""A tiny HTTP receiver for webhook tests, and an independent Standard Webhooks verifier."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading

from scripts.receiver import HookServer


class Receiver(HookServer):
    """Records every POST; answers `fail_first` requests with 503, then 204."""

    path = "/hooks?src=test"

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: list[tuple[dict[str, str], bytes]] = []
        super().__init__()

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        self.requests.append((headers, body))
        return 503 if len(self.requests) <= self.fail_first else 204


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The Standard Webhooks check, written from the specification, not from our signer:
    HMAC-SHA256 keyed with the base64-decoded part after `whsec_`, over `id.timestamp.body`,
    base64-encoded; the header holds space-separated `v1,<signature>` entries, any may match."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = b".".join(
        [headers["webhook-id"].encode(), headers["webhook-timestamp"].encode(), body]
    )
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    for entry in headers["webhook-signature"].split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


class HoldingReceiver(Receiver):
    """Like Receiver, but keeps the first `hold` requests unanswered until `release` is set (or
    `hold_seconds` pass, so that a test of code that does not wait can never hang on it):
    a slow receiver that answers. `arrived` is set when the first request has come in."""

    def __init__(self, hold: int = 1, hold_seconds: float = 30.0) -> None:
        self.hold = hold
        self.hold_seconds = hold_seconds
        self.arrived = threading.Event()
        self.release = threading.Event()
        super().__init__()

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        status = super().answer(headers, body)
        self.arrived.set()
        if len(self.requests) <= self.hold:
            self.release.wait(self.hold_seconds)
        return status
