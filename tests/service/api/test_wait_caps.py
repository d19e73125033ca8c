"""`?wait=` callers are capped per site and per process; past a cap they get 202 at once."""

from __future__ import annotations

import time

from service.transport import broker, waiters
from tests.helpers.apps import make_site
from tests.helpers.comments import comment_body, post


def _timed_post(client, key: str, external_id: str, wait_ms: int):
    started = time.monotonic()
    response = post(client, key, comment_body(external_id), query=f"?wait={wait_ms}")
    return response, time.monotonic() - started


def _capped(app, per_site: int, per_process: int):
    app.config.update(WAIT_SLOTS_PER_SITE=per_site, WAIT_SLOTS_PER_PROCESS=per_process)
    return app.test_client()


def test_a_site_past_its_wait_cap_gets_202_at_once_while_another_site_still_waits(server_app):
    client = _capped(server_app, per_site=1, per_process=4)
    busy_site, busy_key = make_site(server_app, "Busy News")
    _, other_key = make_site(server_app, "Other News")
    with server_app.app_context(), waiters.wait_slot(busy_site, 10_000) as held:
        assert held
        refused, refused_s = _timed_post(client, busy_key, "c-busy", 3_000)
        waited, waited_s = _timed_post(client, other_key, "c-other", 600)
    # No worker runs, so a caller that waits waits its whole budget.
    assert refused.status_code == 202 and refused.json["status"] == "pending"
    assert refused_s < 1.5
    assert waited.status_code == 202
    assert waited_s >= 0.5


def test_a_process_past_its_wait_cap_answers_every_site_at_once(server_app):
    client = _capped(server_app, per_site=10, per_process=1)
    first_site, _ = make_site(server_app, "First News")
    _, second_key = make_site(server_app, "Second News")
    with server_app.app_context(), waiters.wait_slot(first_site, 10_000) as held:
        assert held
        response, elapsed = _timed_post(client, second_key, "c-2", 3_000)
    assert response.status_code == 202
    assert elapsed < 1.5


def test_slots_are_given_back_and_a_dead_process_slot_lapses(server_app):
    client = _capped(server_app, per_site=1, per_process=4)
    site_id, key = make_site(server_app)
    with server_app.app_context():
        with waiters.wait_slot(site_id, 10_000) as held:
            assert held
        # A slot left by a process killed mid-wait: its expiry has passed.
        broker.connection().zadd(waiters.site_slots_key(site_id), {"dead": time.time() - 1})
    response, elapsed = _timed_post(client, key, "c-1", 600)
    assert response.status_code == 202
    assert elapsed >= 0.5
    with server_app.app_context():
        assert broker.connection().zcard(waiters.site_slots_key(site_id)) == 0


def test_a_short_wait_does_not_cut_short_the_slots_of_longer_ones(server_app):
    site_id, _ = make_site(server_app)
    server_app.config.update(WAIT_SLOTS_PER_SITE=4, WAIT_SLOTS_PER_PROCESS=4)
    with server_app.app_context():
        redis = broker.connection()
        key = waiters.site_slots_key(site_id)
        with waiters.wait_slot(site_id, 60_000), waiters.wait_slot(site_id, 10):
            assert redis.zcard(key) == 2
            assert redis.pttl(key) > 50_000
