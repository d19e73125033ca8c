"""Scale-out: two web and two worker processes, started separately like on four hosts, share
one Redis server and one PostgreSQL database and nothing else.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from scripts import procs
from scripts.stack import Stack, create_database, drop_database
from tests.helpers.apps import answers, servers_missing


@pytest.fixture
def stack(model_dir, redis_server_url: str) -> Iterator[Stack]:
    if not answers("127.0.0.1", 5432):
        servers_missing("PostgreSQL at 127.0.0.1:5432")
    root, version = model_dir
    database_url = create_database()
    stack = Stack(database_url, redis_server_url, str(root), version).prepare()
    try:
        yield stack
    finally:
        stack.stop()
        drop_database(database_url)


def call(base: str, key: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def test_two_web_and_two_worker_processes_share_only_redis_and_postgresql(stack: Stack):
    webs = [stack.start_web(workers=1), stack.start_web(workers=1)]
    stack.start_worker()
    stack.start_worker()
    stack.wait_workers(2)
    ids = []
    for i in range(20):
        body = {"id": f"s{i}", "text": "Fair point on the budget.", "article": {"id": "a"}}
        body["author"] = {"id": f"u{i}"}
        # Waiting on one web process while a worker elsewhere decides: the signal is in Redis.
        status, view = call(webs[i % 2], stack.site_key, "/v1/comments?wait=5000", body)
        assert status == 200 and view["decision"]["kind"] == "machine"
        ids.append(view["id"])
    # Either web process answers for a comment the other one took.
    for i, comment_id in enumerate(ids):
        status, view = call(webs[(i + 1) % 2], stack.site_key, f"/v1/comments/{comment_id}")
        assert status == 200 and view["status"] != "pending"
    assert all(proc.poll() is None for proc in [*stack.web, *stack.workers])
    assert procs.answers(stack.web_ports[0]) and procs.answers(stack.web_ports[1])
