"""`flask users create` and `flask users list`."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from service.moderation import users
from service.storage import db
from tests.helpers.apps import make_site


def test_create_prints_a_password_that_logs_in(app: Flask, runner) -> None:
    site_id, _ = make_site(app)
    result = runner.invoke(
        args=["users", "create", "dana", "--role", "moderator", "--site", site_id]
    )
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1]
    with app.app_context(), db.engine().connect() as conn:
        user = users.authenticate(conn, "dana", password)
        assert user is not None and user.sites == (site_id,)
        stored = conn.execute(db.metadata.tables["users"].select()).first()
    assert password not in stored.password_hash and stored.password_hash.startswith("scrypt:")
    listed = runner.invoke(args=["users", "list"])
    assert f"dana\tmoderator\t{site_id}" in listed.output
    assert password not in listed.output


def test_create_refuses_unknown_sites_duplicates_and_siteless_moderators(app, runner) -> None:
    site_id, _ = make_site(app)
    assert runner.invoke(args=["users", "create", "x", "--site", "nope"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "x"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "x", "--site", site_id]).exit_code == 0
    again = runner.invoke(args=["users", "create", "x", "--site", site_id])
    assert again.exit_code != 0 and "exists" in again.output
    admin = runner.invoke(args=["users", "create", "boss", "--role", "admin"])
    assert admin.exit_code == 0


def test_reset_password_replaces_the_old_one_and_ends_open_sessions(app: Flask, runner) -> None:
    from tests.helpers.moderation import login

    app.config["SESSION_COOKIE_SECURE"] = False
    site_id, _ = make_site(app)
    created = runner.invoke(args=["users", "create", "erin", "--site", site_id])
    old = created.output.strip().splitlines()[-1]
    browser = app.test_client()
    login(browser, "erin", old)
    assert browser.get("/queue").status_code == 200

    result = runner.invoke(args=["users", "reset-password", "erin"])
    assert result.exit_code == 0, result.output
    new = result.output.strip().splitlines()[-1]
    assert new != old and "1 open session(s) ended" in result.output
    # The session opened with the old password is over; only the new password logs in.
    assert browser.get("/queue").status_code == 302
    with app.app_context(), db.engine().connect() as conn:
        assert users.authenticate(conn, "erin", old) is None
        assert users.authenticate(conn, "erin", new) is not None
    assert runner.invoke(args=["users", "reset-password", "nobody"]).exit_code != 0


def test_a_disabled_account_is_logged_out_at_once_and_cannot_log_in(app: Flask, runner) -> None:
    from service.storage import credentials
    from tests.helpers.moderation import login

    app.config["SESSION_COOKIE_SECURE"] = False
    site_id, _ = make_site(app)
    password = runner.invoke(args=["users", "create", "fay", "--site", site_id]).output.split()[-1]
    browser = app.test_client()
    login(browser, "fay", password)
    assert browser.get("/queue").status_code == 200

    result = runner.invoke(args=["users", "disable", "fay"])
    assert result.exit_code == 0 and "1 open session(s) ended" in result.output
    assert browser.get("/queue").status_code == 302
    with app.app_context(), db.engine().connect() as conn:
        assert users.authenticate(conn, "fay", password) is None

    assert runner.invoke(args=["users", "enable", "fay"]).exit_code == 0
    login(browser, "fay", password)
    assert browser.get("/queue").status_code == 200

    assert runner.invoke(args=["users", "delete", "fay"]).exit_code == 0
    assert browser.get("/queue").status_code == 302
    assert "fay" not in runner.invoke(args=["users", "list"]).output
    with app.app_context(), db.engine().connect() as conn:
        log = conn.execute(sa.select(credentials.credential_log.c.action)).scalars().all()
    assert log == ["disable", "enable", "delete"]
    assert runner.invoke(args=["users", "disable", "nobody"]).exit_code != 0
