"""A webhook receiver for the fault run: a threaded HTTP server that answers 204 and counts what
arrived, by webhook-id and by the comment each `comment.decided` event is about."""

from __future__ import annotations

import collections
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HookServer:
    """A threaded HTTP server on a free local port; `answer(headers, body)` gives each POST's
    status. The fault run's receiver below and the tests' (tests/helpers/receiver.py) use it."""

    path = "/hooks"

    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                self.send_response(server.answer(headers, body))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        raise NotImplementedError

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class Receiver(HookServer):
    """Counts every POST: webhook-id → times received, comment id → the webhook-ids it came in."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_message: collections.Counter[str] = collections.Counter()
        self.by_comment: dict[str, set[str]] = collections.defaultdict(set)
        super().__init__()

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        self.record(headers.get("webhook-id", ""), body)
        return 204

    def record(self, message_id: str, body: bytes) -> None:
        event = json.loads(body)
        with self.lock:
            self.by_message[message_id] += 1
            if event.get("type") == "comment.decided":
                self.by_comment[event["data"]["id"]].add(message_id)

    def received(self, comment_ids: set[str]) -> int:
        """How many of these comments arrived at least once."""
        with self.lock:
            return sum(1 for comment_id in comment_ids if self.by_comment.get(comment_id))

    def report(self, decided: set[str]) -> dict[str, int]:
        """About these decided comments: missing (never received), comments received under more
        than one webhook-id (two messages for one event), webhook-ids received more than once
        (a message sent again, which the receiver de-duplicates)."""
        with self.lock:
            ids = [self.by_comment.get(c, set()) for c in decided]
            return {
                "missing": sum(1 for found in ids if not found),
                "comments_under_several_ids": sum(1 for found in ids if len(found) > 1),
                "ids_received_more_than_once": sum(
                    1 for found in ids for i in found if self.by_message[i] > 1
                ),
            }
