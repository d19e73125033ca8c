"""models shadow: workers store a candidate's decision beside the live one; the report compares."""

from __future__ import annotations

import json

from service.ops import shadow
from service.storage import db, lifecycle, store
from service.transport import queueing
from tests.helpers.apps import make_site, work_queue
from tests.helpers.ops import decisions_of, post_comments


def test_shadow_records_both_decisions_once_and_reports_agreement(
    app, runner, model_dir, tiny_version
):
    _site, key = make_site(app)
    assert runner.invoke(args=["models", "shadow", tiny_version]).exit_code == 0
    ids = post_comments(app, key, 16, "s")
    work_queue(app)
    # Running every job again must add nothing (jobs are idempotent, shadow ones too).
    with app.app_context():
        for comment_id in ids:
            queueing.enqueue_scoring(comment_id)
    work_queue(app)

    for comment_id in ids:
        machine = decisions_of(app, comment_id, "machine")
        shadow = decisions_of(app, comment_id, "shadow")
        assert [d["model_version"] for d in machine] == [model_dir[1]]
        assert [d["model_version"] for d in shadow] == [tiny_version]
        assert shadow[0]["dedupe_key"] == f"shadow:{tiny_version}"
    status = app.test_client().get(
        f"/v1/comments/{ids[0]}", headers={"Authorization": f"Bearer {key}"}
    )
    assert status.json["decision"]["kind"] == "machine"

    result = runner.invoke(args=["models", "shadow-report", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["version"] == tiny_version and report["compared"] == len(ids)
    assert report["agreed"] + sum(report["changed"].values()) == len(ids)
    for change, examples in report["examples"].items():
        before, after = change.split(" -> ")
        assert examples and all(e["active"]["action"] == before for e in examples)
        assert all(e["shadow"]["action"] == after for e in examples)
    text = runner.invoke(args=["models", "shadow-report"]).output
    assert f"{len(ids)} comments decided by both" in text and "agreement:" in text


def test_shadow_off_stops_shadow_decisions(app, runner, tiny_version):
    _site, key = make_site(app)
    runner.invoke(args=["models", "shadow", tiny_version])
    assert runner.invoke(args=["models", "shadow", "--off"]).output.strip() == "shadow: off"
    ids = post_comments(app, key, 3, "off")
    work_queue(app)
    assert all(decisions_of(app, i, "shadow") == [] for i in ids)
    assert all(len(decisions_of(app, i, "machine")) == 1 for i in ids)


def test_shadow_needs_a_known_version(runner):
    result = runner.invoke(args=["models", "shadow", "2026-01-01T000000-abcdef"])
    assert result.exit_code == 1 and "not found" in result.output
    assert runner.invoke(args=["models", "shadow"]).exit_code == 2


def test_a_shadow_that_failed_to_load_is_tried_again(app, tiny_version) -> None:
    """Ops may name a shadow before its files reach a worker's host (a synced registry)."""
    from models.registry import ModelLoadError, Registry
    from service.storage import model_state
    from workers.runtime import ModelCache

    class ArrivesLate(Registry):
        arrived = False

        def load(self, version, expected_sha256=None):
            if not self.arrived:
                raise ModelLoadError(f"{version} not found (still syncing)")
            return super().load(version, expected_sha256)

    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        model_state.set_shadow(conn, tiny_version)
    registry = ArrivesLate(app.config["MODEL_DIR"])
    shadow = ModelCache(registry, engine, refresh_seconds=0, role="shadow", retry_seconds=0)
    assert shadow.current() is None
    registry.arrived = True
    loaded = shadow.current()
    assert loaded is not None and loaded[0] == tiny_version


def _decide(conn, version: str, comment_id: str, revision: int, action: str, kind: str) -> None:
    item = {
        "comment_id": comment_id,
        "revision": revision,
        "action": action,
        "scores": {},
        "reasons": [],
        "policy_version": None,
    }
    store.record_machine_decisions(conn, version, [item], kind=kind)


def test_the_report_pairs_each_shadow_decision_with_the_live_one_on_the_same_revision(app):
    """An edited comment: the shadow's verdict on the first text is compared with the live
    verdict on the first text, not with the live verdict on the edited text."""
    site_id, _ = make_site(app)
    with app.app_context(), db.engine().begin() as conn:
        comment, _ = store.insert_comment(
            conn,
            site_id,
            {"external_id": "e-1", "text": "first text", "article_id": "a1", "author_id": "u1"},
        )
        _decide(conn, "live-v", comment["id"], 1, "approve", "machine")
        _decide(conn, "cand-v", comment["id"], 1, "hold", "shadow")
        edited = lifecycle.store_revision(conn, comment, "edited text", {})
        _decide(conn, "live-v", edited["id"], 2, "reject", "machine")
        _decide(conn, "cand-v", edited["id"], 2, "reject", "shadow")
        found = shadow.report(conn, "cand-v")
    assert found["compared"] == 2  # one per revision, each against its own live decision
    assert found["agreed"] == 1  # revision 2: reject and reject
    assert found["changed"] == {"approve -> hold": 1}  # revision 1, not "reject -> hold"
    [example] = found["examples"]["approve -> hold"]
    assert example["revision"] == 1 and example["text"] == "first text"  # the text judged


def test_an_edit_is_compared_once_per_revision_end_to_end(app, runner, tiny_version):
    _site, key = make_site(app)
    assert runner.invoke(args=["models", "shadow", tiny_version]).exit_code == 0
    [comment_id] = post_comments(app, key, 1, "edit")
    work_queue(app)
    client = app.test_client()
    edited = client.put(
        f"/v1/comments/{comment_id}",
        json={"text": "An edited text about the council's new bus timetable."},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert edited.status_code == 202
    work_queue(app)
    assert [d["revision"] for d in decisions_of(app, comment_id, "shadow")] == [1, 2]
    report = json.loads(runner.invoke(args=["models", "shadow-report", "--json"]).output)
    assert report["compared"] == 2
    assert report["agreed"] + sum(report["changed"].values()) == 2
