"""The web process never imports scikit-learn: every route answered, and sklearn still absent.

The probe runs in a fresh interpreter (other tests import sklearn into this one): it builds the
app, calls every route with every method it takes, as a site, as a logged-in admin, and signed
out, then reports which modules it ended up with.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VERSION = "2024-01-01T000000-abcdef"


def test_every_route_runs_without_importing_sklearn(tmp_path: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-m", "tests.service.test_web_without_sklearn", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    report = json.loads(probe.stdout.strip().splitlines()[-1])
    assert report["unanswered_rules"] == []
    assert report["server_errors"] == []
    assert len(report["calls"]) >= report["rules"] > 40
    assert report["sklearn_modules"] == []


def _probe(tmp: Path) -> dict:
    from service import create_app
    from service.cli import create_site_record
    from service.moderation import users
    from service.storage import db, model_state

    models = tmp / "models" / VERSION
    models.mkdir(parents=True)
    # A catalogue entry only: listing, naming and shadowing a version read its sidecar.
    (models / "model.json").write_text(json.dumps({"version": VERSION, "saved_at": "2024"}))
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp / "instance"),
            "MODEL_DIR": str(tmp / "models"),
            "SECRET_KEY": "probe",
            "PERSPECTIVE_BUDGET_MS": 20,
            "CORAL_BUDGET_MS": 60,
        }
    )
    with app.app_context():
        site_id, key = create_site_record("Probe News")
        with db.engine().begin() as conn:
            model_state.activate(conn, VERSION)
            _, password = users.create_user(conn, "probe-admin", "admin", [])
    site = app.test_client()
    auth = {"Authorization": f"Bearer {key}"}
    posted = site.post(
        "/v1/comments",
        json={"id": "c1", "text": "hello", "article": {"id": "a"}, "author": {"id": "u"}},
        headers=auth,
    )
    comment_id = posted.get_json()["id"]
    hook = site.post("/v1/site/webhooks", json={"url": "https://example.com/h"}, headers=auth)
    admin = app.test_client()
    admin.get("/login")
    with admin.session_transaction() as session:
        csrf = session["csrf"]
    admin.post("/login", data={"name": "probe-admin", "password": password, "csrf_token": csrf})
    admin.get("/queue")  # a fresh token comes with the first page after login
    with admin.session_transaction() as session:
        csrf = session["csrf"]
    values = {
        "comment_id": comment_id,
        "site_id": site_id,
        "version": VERSION,
        "endpoint_id": hook.get_json().get("id", "whep_x"),
        "delivery_id": "msg_x",
        "job_id": "no-such-job",
        "log_id": "1",
        "filename": "queue.js",
    }
    # Logging out last, so that the admin's session serves every other route.
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule == "/logout")
    calls, errors = [], []
    for rule in rules:
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<{arg}>", values.get(arg, "x"))
            for converter in ("int", "path"):
                path = path.replace(f"<{converter}:{arg}>", values.get(arg, "1"))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for client, headers in ((site, auth), (admin, {"X-CSRF-Token": csrf}), (site, {})):
                body = None if method in ("GET", "DELETE") else {}
                answer = client.open(path, method=method, json=body, headers=headers)
                calls.append([method, rule.rule, answer.status_code])
                if answer.status_code >= 500 and answer.status_code != 503:
                    errors.append([method, path, answer.status_code])
    called = {rule for _, rule, _ in calls}
    return {
        "rules": len(rules),
        "calls": calls,
        "unanswered_rules": sorted(r.rule for r in rules if r.rule not in called),
        "server_errors": errors,
        "sklearn_modules": sorted(m for m in sys.modules if m.split(".")[0] == "sklearn"),
    }


if __name__ == "__main__":
    tmp = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    print(json.dumps(_probe(tmp)))
