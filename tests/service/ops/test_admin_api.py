"""/v1/admin/models: the ops commands for admin users, slow work as jobs on the ops queue."""

from __future__ import annotations

from rq import SimpleWorker

from service.ops.model_jobs import ops_queue
from tests.helpers.moderation import api, login, make_user
from tests.helpers.ops import GATE_LIMIT
from workers import runtime

BASE = "/v1/admin/models"


def _work_ops(app) -> None:
    runtime.install(app)
    worker = SimpleWorker([ops_queue(app)], connection=app.extensions["redis"])
    worker.work(burst=True, logging_level="WARNING", with_scheduler=False)


def _admin(app):
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks plain http
    client = app.test_client()
    return client, login(client, "boss", make_user(app, "boss", "admin"))


def test_only_logged_in_admins_with_the_csrf_token(app):
    app.config["SESSION_COOKIE_SECURE"] = False
    anonymous = app.test_client().get(BASE)
    assert anonymous.status_code == 401
    assert anonymous.content_type == "application/problem+json"
    moderator = app.test_client()
    login(moderator, "mod", make_user(app, "mod"))
    assert moderator.get(BASE).status_code == 403
    client, _token = _admin(app)
    assert client.get(BASE).status_code == 200
    assert client.post(f"{BASE}/rollback").status_code == 403  # no X-CSRF-Token


def test_admin_trains_shadows_promotes_and_rolls_back(app, model_dir, tiny_version):
    client, token = _admin(app)
    listed = client.get(BASE).json
    assert listed["active"] == model_dir[1]
    assert {v["version"] for v in listed["versions"]} >= {model_dir[1], tiny_version}

    bad = api(client, token, f"{BASE}/train", {"max_rows": "many"})
    assert bad.status_code == 422
    misspelt = api(client, token, f"{BASE}/train", {"max_row": 30})
    assert misspelt.status_code == 422 and "max_row" in misspelt.json["detail"]
    assert len(ops_queue(app)) == 0  # nothing queued for either
    queued = api(client, token, f"{BASE}/train", {"max_rows": 30, "with_labels": True})
    assert queued.status_code == 202 and len(app.extensions["queue"]) == 0
    _work_ops(app)
    done = client.get(queued.headers["Location"]).json
    assert done["status"] == "finished", done
    assert any(v["version"] == done["version"] for v in client.get(BASE).json["versions"])

    shadowed = api(client, token, f"{BASE}/shadow", {"version": tiny_version}, method="PUT")
    assert shadowed.status_code == 200
    report = client.get(f"{BASE}/shadow/report").json
    assert report["version"] == tiny_version and report["compared"] == 0

    refused = api(client, token, f"{BASE}/{tiny_version}/promote", {"limit": int(GATE_LIMIT)})
    assert refused.status_code == 202
    _work_ops(app)
    result = client.get(refused.headers["Location"]).json
    assert result["status"] == "finished"
    assert result["result"]["promoted"] is False
    assert "auc:toxicity" in {f["figure"] for f in result["result"]["failed"]}
    # Every figure of the comparison, not only the failing ones, is in the result.
    figures = result["result"]["figures"]
    assert figures and all({"active", "candidate", "delta"} <= set(f) for f in figures)
    assert {f["figure"] for f in result["result"]["failed"]} <= {f["figure"] for f in figures}
    assert client.get(BASE).json["active"] == model_dir[1]

    forced = api(
        client, token, f"{BASE}/{tiny_version}/promote", {"limit": int(GATE_LIMIT), "force": True}
    )
    _work_ops(app)
    forced_result = client.get(forced.headers["Location"]).json["result"]
    assert forced_result["promoted"] is True and forced_result["figures"]
    state = client.get(BASE).json
    assert state["active"] == tiny_version and state["shadow"] is None

    rolled = api(client, token, f"{BASE}/rollback")
    assert rolled.status_code == 200 and rolled.json["active"] == model_dir[1]
    assert api(client, token, f"{BASE}/nope/promote", {}).status_code == 404
