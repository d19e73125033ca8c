"""The batch path: ids on a Redis list, drain jobs, one machine decision per comment and version."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from service.storage import store
from service.transport import broker, queueing
from tests.helpers.apps import build_app, teardown, work_queue
from tests.helpers.batches import machine_decisions, post_many


def test_ids_pushed_twice_are_still_decided_once(app: Flask):
    ids = post_many(app, 5)
    with app.app_context():
        queueing.push_for_drain(broker.connection(), broker.queue(), ids)
    work_queue(app)
    assert machine_decisions(app) == dict.fromkeys(ids, 1)
    with app.extensions["db_engine"].connect() as conn:
        assert {store.get_comment(conn, i)["status"] for i in ids} <= {"held", "rejected"}


def test_a_drain_job_hands_what_it_cannot_take_to_another(tmp_path: Path, model_dir):
    app = build_app(tmp_path, model_dir, DRAIN_BATCH_SIZE=2)
    try:
        ids = post_many(app, 7)
        work_queue(app)
        assert machine_decisions(app) == dict.fromkeys(ids, 1)
        assert app.extensions["redis"].llen(broker.pending_key("moderation")) == 0
    finally:
        teardown(app)


def test_batch_never_overwrites_a_moderator_decision(app: Flask):
    ids = post_many(app, 2)
    with app.extensions["db_engine"].begin() as conn:
        store.record_moderator_decision(conn, ids[0], action="approve", moderator="ed")
    work_queue(app)
    with app.extensions["db_engine"].connect() as conn:
        first = store.get_comment(conn, ids[0])
        assert first["status"] == "approved"
        assert store.get_decision(conn, first["decision_id"])["kind"] == "moderator"
    # Not pending any more when the batch ran: the machine does not decide it at all.
    assert machine_decisions(app) == {ids[1]: 1}


def test_shadow_decisions_share_the_batch_store_and_never_change_a_status(server_app: Flask):
    ids = post_many(server_app, 2)
    item = {"action": "reject", "scores": {"toxicity": 0.9}, "reasons": [], "policy_version": None}
    rows = [{**item, "comment_id": i} for i in ids]
    engine = server_app.extensions["db_engine"]
    with engine.begin() as conn:
        stored = store.record_machine_decisions(conn, "v-shadow", rows, kind="shadow")
        again = store.record_machine_decisions(conn, "v-shadow", rows, kind="shadow")
    assert set(stored) == set(ids) and again == {}  # once per (comment, version)
    with engine.connect() as conn:
        comments = [store.get_comment(conn, i) for i in ids]
        kinds = {store.get_decision(conn, d)["kind"] for d in stored.values()}
    assert [c["status"] for c in comments] == ["pending", "pending"] and kinds == {"shadow"}
    assert machine_decisions(server_app) == {}


def test_bulk_store_skips_what_this_version_already_decided(server_app: Flask):
    ids = post_many(server_app, 2)
    item = {"action": "hold", "scores": {"toxicity": 0.7}, "reasons": [], "policy_version": None}
    engine = server_app.extensions["db_engine"]
    with engine.begin() as conn:
        first = store.record_machine_decisions(conn, "v1", [{**item, "comment_id": ids[0]}])
    with engine.begin() as conn:
        again = store.record_machine_decisions(conn, "v1", [{**item, "comment_id": i} for i in ids])
    assert set(first) == {ids[0]} and set(again) == {ids[1]}
    assert machine_decisions(server_app) == dict.fromkeys(ids, 1)


def test_a_comment_decided_by_one_version_is_not_decided_again_by_another(server_app: Flask):
    """After a promote, a worker still on the old version and one on the new may both hold the
    same comment id (the sweeper re-queued it): only the first decision stands, with one event."""
    ids = post_many(server_app, 3)
    item = {"action": "hold", "scores": {"toxicity": 0.7}, "reasons": [], "policy_version": None}
    engine = server_app.extensions["db_engine"]
    with engine.begin() as conn:
        old = store.record_machine_decisions(conn, "v-old", [{**item, "comment_id": ids[0]}])
        single = store.record_machine_decision(
            conn, ids[1], action="approve", scores={}, reasons=[], model_version="v-old"
        )
    with engine.begin() as conn:
        new = store.record_machine_decisions(
            conn, "v-new", [{**item, "action": "reject", "comment_id": i} for i in ids]
        )
        late = store.record_machine_decision(
            conn, ids[0], action="reject", scores={}, reasons=[], model_version="v-newer"
        )
    assert set(new) == {ids[2]} and late is None  # nothing new for the two already decided
    assert machine_decisions(server_app) == dict.fromkeys(ids, 1)
    with engine.connect() as conn:
        first, second = (store.get_comment(conn, i) for i in ids[:2])
    assert (first["status"], first["decision_id"]) == ("held", old[ids[0]])
    assert (second["status"], second["decision_id"]) == ("approved", single)


def test_a_drain_job_signals_each_comment_and_counts_each_in_the_scoring_histogram(app: Flask):
    """Pins what the batch's one-command signals and per-bucket counts must keep: every comment
    of the batch has its decision signal (with a TTL) and one count in the histogram."""
    from service.ops import metrics

    ids = post_many(app, 5)
    work_queue(app)
    conn = app.extensions["redis"]
    for comment_id in ids:
        key = broker.decision_signal_key(comment_id)
        assert conn.lrange(key, 0, -1) == [b"1"] and conn.ttl(key) > 0
    counts = {
        field.decode(): int(float(value))
        for field, value in conn.hgetall(metrics.SCORING).items()
        if not field.endswith(b"|sum")
    }
    assert sum(counts.values()) == 5 and set(counts) <= {
        f"queued|{i}" for i in range(len(metrics.SCORING_BUCKETS) + 1)
    }
