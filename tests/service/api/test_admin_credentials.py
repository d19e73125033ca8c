"""`/v1/admin/sites/<id>/rotate-key|revoke-key` and `/v1/admin/users/<name>[/disable|/enable]`:
the credential commands for logged-in admins, audited under the admin's name."""

from __future__ import annotations

import sqlalchemy as sa

from service.storage import credentials
from tests.helpers.apps import make_site
from tests.helpers.moderation import api, login, make_user

BASE = "/v1/admin"


def _status(app, key: str) -> int:
    return app.test_client().get("/v1/site", headers={"Authorization": f"Bearer {key}"}).status_code


def _admin(app):
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks plain http
    client = app.test_client()
    return client, login(client, "boss", make_user(app, "boss", "admin"))


def _audit(app) -> list[tuple[str, str, str]]:
    log = credentials.credential_log
    with app.extensions["db_engine"].connect() as conn:
        rows = conn.execute(sa.select(log.c.subject, log.c.action, log.c.actor).order_by(log.c.id))
        return [tuple(r) for r in rows]


def test_only_admins_with_the_csrf_token_change_credentials(server_app):
    server_app.config["SESSION_COOKIE_SECURE"] = False
    site_id, key = make_site(server_app)
    path = f"{BASE}/sites/{site_id}/revoke-key"
    assert server_app.test_client().post(path).status_code == 401
    moderator = server_app.test_client()
    token = login(moderator, "mod", make_user(server_app, "mod", sites=[site_id]))
    assert api(moderator, token, path).status_code == 403
    client, _ = _admin(server_app)
    assert client.post(path).status_code == 403  # no X-CSRF-Token
    # A site key is no admin credential either.
    assert (
        server_app.test_client().post(path, headers={"Authorization": f"Bearer {key}"}).status_code
        == 401
    )
    assert _status(server_app, key) == 200


def test_admin_rotates_and_revokes_a_site_key(server_app):
    client, token = _admin(server_app)
    site_id, first = make_site(server_app)
    rotated = api(client, token, f"{BASE}/sites/{site_id}/rotate-key", {"grace_seconds": 600})
    assert rotated.status_code == 200 and rotated.headers["Cache-Control"] == "no-store"
    second = rotated.json["key"]
    assert _status(server_app, first) == 200 and _status(server_app, second) == 200
    revoked = api(client, token, f"{BASE}/sites/{site_id}/revoke-key")
    third = revoked.json["key"]
    statuses = [_status(server_app, k) for k in (first, second, third)]
    assert statuses == [401, 401, 200]
    assert _audit(server_app) == [
        (f"site:{site_id}", "rotate-key", "boss"),
        (f"site:{site_id}", "revoke-key", "boss"),
    ]


def test_bad_rotation_requests_are_problems(server_app):
    client, token = _admin(server_app)
    site_id, _ = make_site(server_app)
    for body in ({"grace_seconds": -1}, {"grace_seconds": "soon"}, {"grace": 5}):
        response = api(client, token, f"{BASE}/sites/{site_id}/rotate-key", body)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
    missing = api(client, token, f"{BASE}/sites/site_nope/rotate-key")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_admin_disables_enables_and_deletes_a_moderator_ending_its_sessions(server_app):
    client, token = _admin(server_app)
    site_id, _ = make_site(server_app)
    password = make_user(server_app, "mod", sites=[site_id])
    moderator = server_app.test_client()
    login(moderator, "mod", password)
    assert moderator.get("/queue").status_code == 200

    disabled = api(client, token, f"{BASE}/users/mod/disable")
    assert disabled.status_code == 200 and disabled.json["sessions_ended"] == 1
    assert moderator.get("/queue").status_code != 200
    assert api(client, token, f"{BASE}/users/mod/enable").status_code == 200
    login(moderator, "mod", password)
    deleted = api(client, token, f"{BASE}/users/mod", method="DELETE")
    assert deleted.status_code == 200 and deleted.json["sessions_ended"] == 1
    assert api(client, token, f"{BASE}/users/mod/disable").status_code == 404
    assert [a[1:] for a in _audit(server_app)] == [
        ("disable", "boss"),
        ("enable", "boss"),
        ("delete", "boss"),
    ]


def test_an_admin_cannot_lock_themselves_out(server_app):
    client, token = _admin(server_app)
    assert api(client, token, f"{BASE}/users/boss/disable").status_code == 409
    assert api(client, token, f"{BASE}/users/boss", method="DELETE").status_code == 409
