"""Site keys rotate with a grace period and can be revoked at once; both are audited."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from service.storage import credentials, db
from tests.helpers.apps import make_site


def _status(app, key: str) -> int:
    return app.test_client().get("/v1/site", headers={"Authorization": f"Bearer {key}"}).status_code


def test_a_rotated_key_keeps_working_for_its_grace_period_beside_the_new_one(app, runner):
    site_id, old = make_site(app)
    result = runner.invoke(args=["sites", "rotate-key", site_id, "--grace", "3600"])
    assert result.exit_code == 0, result.output
    new = result.output.strip().splitlines()[-1]
    assert new != old
    assert _status(app, old) == 200 and _status(app, new) == 200
    # Past the grace period the old key stops.
    with app.extensions["db_engine"].begin() as conn:
        conn.execute(
            credentials.retired_site_keys.update().values(
                expires_at=db.utcnow() - timedelta(seconds=1)
            )
        )
    assert _status(app, old) == 401 and _status(app, new) == 200


def test_a_rotation_without_grace_stops_the_old_key_at_once(app, runner):
    site_id, old = make_site(app)
    result = runner.invoke(args=["sites", "rotate-key", site_id, "--grace", "0"])
    new = result.output.strip().splitlines()[-1]
    assert _status(app, old) == 401 and _status(app, new) == 200


def test_revoking_stops_every_earlier_key_and_each_change_is_audited(app, runner):
    site_id, first = make_site(app)
    rotated = runner.invoke(args=["sites", "rotate-key", site_id]).output.strip().splitlines()[-1]
    result = runner.invoke(args=["sites", "revoke-key", site_id])
    assert result.exit_code == 0, result.output
    new = result.output.strip().splitlines()[-1]
    assert (_status(app, first), _status(app, rotated), _status(app, new)) == (401, 401, 200)
    with app.extensions["db_engine"].connect() as conn:
        log = conn.execute(
            sa.select(credentials.credential_log.c.subject, credentials.credential_log.c.action)
        ).all()
    assert [tuple(r) for r in log] == [
        (f"site:{site_id}", "rotate-key"),
        (f"site:{site_id}", "revoke-key"),
    ]


def test_an_unknown_site_is_a_clear_error(runner):
    result = runner.invoke(args=["sites", "revoke-key", "site_nope"])
    assert result.exit_code != 0 and "no site 'site_nope'" in result.output
