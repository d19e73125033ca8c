"""A Coral signing secret replaced by a new one works for a grace period, then stops; it is no
longer kept until the next rotation. (No worker runs: a signature that passes gets 204, Coral's
"no opinion in time", and one that fails gets 401.)"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.storage import credentials, db
from service.storage.integrations import site_integrations
from tests.helpers.apps import make_site
from tests.helpers.coral import coral_request, post

PATH = "/v1/site/integrations/coral"


def _set(client, key: str, body: dict):
    return client.put(PATH, json=body, headers={"Authorization": f"Bearer {key}"})


def _accepted(client, site_id: str, secret: str) -> bool:
    status = post(client, site_id, coral_request("A fair point"), secret).status_code
    assert status in (204, 401)
    return status == 204


def _rewrite(app, site_id: str, config: dict, updated_at=None) -> None:
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(
            site_integrations.update()
            .where(site_integrations.c.site_id == site_id)
            .values(config=config, updated_at=updated_at or db.utcnow())
        )


def _config(app, site_id: str) -> dict:
    with app.extensions["db_engine"].connect() as conn:
        return conn.execute(
            sa.select(site_integrations.c.config).where(site_integrations.c.site_id == site_id)
        ).scalar()


def test_the_replaced_secret_works_for_its_grace_period_then_stops(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    assert _set(client, key, {"secret": "first-secret"}).status_code == 200
    rotated = _set(client, key, {"secret": "second-secret", "grace_seconds": 600})
    assert rotated.status_code == 200
    assert rotated.json["active_secrets"] == 2 and rotated.json["previous_expires_at"]
    assert _accepted(client, site_id, "first-secret")
    assert _accepted(client, site_id, "second-secret")
    # Ten minutes later:
    config = _config(server_app, site_id)
    config["secrets"][1]["expires_at"] = db.isoformat(db.utcnow() - timedelta(seconds=1))
    _rewrite(server_app, site_id, config)
    assert not _accepted(client, site_id, "first-secret")
    assert _accepted(client, site_id, "second-secret")
    with server_app.extensions["db_engine"].connect() as conn:
        actions = conn.execute(sa.select(credentials.credential_log.c.action)).scalars().all()
    assert actions == ["rotate-coral-secret", "rotate-coral-secret"]


def test_no_grace_stops_the_replaced_secret_at_once(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    _set(client, key, {"secret": "first-secret"})
    answer = _set(client, key, {"secret": "second-secret", "grace_seconds": 0})
    assert answer.json["active_secrets"] == 1 and answer.json["previous_expires_at"] is None
    assert not _accepted(client, site_id, "first-secret")
    assert _accepted(client, site_id, "second-secret")


def test_a_secret_kept_before_grace_periods_existed_ends_a_grace_after_its_rotation(server_app):
    client = server_app.test_client()
    site_id, key = make_site(server_app)
    _set(client, key, {"secret": "first-secret"})
    legacy = {"secrets": ["second-secret", "first-secret"]}  # how they were stored until now
    _rewrite(server_app, site_id, legacy)
    assert _accepted(client, site_id, "first-secret")
    _rewrite(server_app, site_id, legacy, db.utcnow() - timedelta(days=2))
    assert not _accepted(client, site_id, "first-secret")
    assert _accepted(client, site_id, "second-secret")


def test_a_bad_grace_period_is_a_422(server_app):
    client = server_app.test_client()
    _, key = make_site(server_app)
    for grace in (-1, "1h", True, 31 * 86400):
        response = _set(client, key, {"secret": "first-secret", "grace_seconds": grace})
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "grace_seconds"
