"""Accounts, login, logout, sessions, CSRF and the login rate limit."""

from __future__ import annotations

from flask import Flask

from service import create_app
from tests.helpers.moderation import api, csrf_of, held_comment, login


def test_queue_needs_a_login(ui_app: Flask) -> None:
    response = ui_app.test_client().get("/queue")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_json_endpoints_need_a_login_and_answer_problem_details(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    token = csrf_of(client)
    response = api(client, token, "/queue/api/decisions", {"ids": ["x"], "action": "approve"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_login_with_the_generated_password_opens_the_queue(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue")
    assert page.status_code == 200
    assert "alice (moderator)" in page.get_data(as_text=True)


def test_wrong_password_is_refused(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    token = csrf_of(client)
    response = client.post("/login", data={"name": "alice", "password": "no", "csrf_token": token})
    assert response.status_code == 401
    assert client.get("/queue").status_code == 302


def test_login_without_csrf_token_is_refused(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    client.get("/login")
    response = client.post("/login", data={"name": "alice", "password": two_sites["alice"]})
    assert response.status_code == 403


def test_state_changing_fetch_without_csrf_header_is_refused(ui_app: Flask, two_sites) -> None:
    comment = held_comment(ui_app, two_sites["a"])
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    response = client.post("/queue/api/decisions", json={"ids": [comment], "action": "approve"})
    assert response.status_code == 403
    wrong = api(client, "forged", "/queue/api/decisions", {"ids": [comment], "action": "approve"})
    assert wrong.status_code == 403


def test_logout_ends_the_session_even_for_a_copied_cookie(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    cookie = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/queue").status_code == 302
    thief = ui_app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/queue").status_code == 302  # the session id is gone from Redis


def test_session_is_shared_by_another_web_process(ui_app: Flask, two_sites, tmp_path) -> None:
    """A second app (another process's view) on the same Redis and database knows the session."""
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    other = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": ui_app.instance_path,
            "DATABASE_URL": ui_app.config["DATABASE_URL"],
            "SECRET_KEY": ui_app.config["SECRET_KEY"],
            "SESSION_COOKIE_SECURE": False,
        }
    )
    second = other.test_client()
    second.set_cookie("session", client.get_cookie("session").value)
    assert second.get("/queue").status_code == 200
    other.extensions["db_engine"].dispose()


def test_login_attempts_are_rate_limited(ui_app: Flask, two_sites) -> None:
    client = ui_app.test_client()
    token = csrf_of(client)
    for _ in range(5):
        client.post("/login", data={"name": "alice", "password": "guess", "csrf_token": token})
    right = {"name": "alice", "password": two_sites["alice"], "csrf_token": token}
    assert client.post("/login", data=right).status_code == 429


def test_session_cookie_is_secure_httponly_and_samesite_by_default(app: Flask, two_sites) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True
    response = app.test_client().get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_secure_cookie_default_comes_from_settings(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MODERATION_SESSION_COOKIE_SECURE", raising=False)
    on = create_app({"INSTANCE_PATH": str(tmp_path / "a"), "SECRET_KEY": "k"})
    assert on.config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("MODERATION_SESSION_COOKIE_SECURE", "false")
    off = create_app({"INSTANCE_PATH": str(tmp_path / "b"), "SECRET_KEY": "k"})
    assert off.config["SESSION_COOKIE_SECURE"] is False
    for app in (on, off):
        app.extensions["db_engine"].dispose()


def _failed_login_from(app: Flask, forwarded_for: str) -> set[str]:
    """One failed login sent through a proxy that says the client is FORWARDED_FOR; the
    addresses the login limit counted it against."""
    client = app.test_client()
    token = csrf_of(client)
    client.post(
        "/login",
        data={"name": "nobody", "password": "guess", "csrf_token": token},
        headers={"X-Forwarded-For": forwarded_for},
    )
    keys = app.extensions["redis"].keys("moderation:login-fail:addr:*")
    return {key.decode().rsplit(":", 1)[1] for key in keys}


def test_login_limit_counts_the_forwarded_address_only_behind_trusted_proxies(
    tmp_path, model_dir
) -> None:
    from tests.helpers.apps import build_app, teardown

    untrusted = build_app(tmp_path / "a", model_dir, SESSION_COOKIE_SECURE=False)
    trusted = build_app(tmp_path / "b", model_dir, SESSION_COOKIE_SECURE=False, TRUSTED_PROXIES=1)
    try:
        # No proxy configured: a forged header must not move the client to another address.
        assert _failed_login_from(untrusted, "203.0.113.5") == {"127.0.0.1"}
        assert _failed_login_from(trusted, "203.0.113.5") == {"203.0.113.5"}
    finally:
        teardown(untrusted)
        teardown(trusted)
