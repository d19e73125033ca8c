"""`/v1/site/policy`: validation, round trip, versions, ETags and isolation between sites."""

from __future__ import annotations

import pytest
from flask import Flask

from models.policy import DEFAULT_POLICY, Policy
from tests.helpers.apps import make_site


@pytest.fixture
def site(app: Flask) -> dict[str, str]:
    _, key = make_site(app, "Example News")
    return {"Authorization": f"Bearer {key}"}


def _changed_doc() -> dict:
    doc = DEFAULT_POLICY.to_dict()
    doc["thresholds"]["abuse"] = {"hold": 0.3, "reject": 0.7}
    doc["word_lists"] = {"banned": ["budget"], "suspect": ["council"]}
    return doc


def test_a_new_site_reads_the_shipped_default_as_version_0(client, site) -> None:
    response = client.get("/v1/site/policy", headers=site)
    assert response.status_code == 200
    assert response.json["version"] == 0
    assert response.json["policy"] == DEFAULT_POLICY.to_dict()
    assert response.headers["ETag"] == '"0"'


def test_put_makes_a_new_version_that_get_returns(client, site) -> None:
    response = client.put("/v1/site/policy", json=_changed_doc(), headers=site)
    assert response.status_code == 200
    assert response.json["version"] == 1 and response.json["changed"] is True
    got = client.get("/v1/site/policy", headers=site).json
    assert got["version"] == 1
    assert got["policy"]["thresholds"]["abuse"] == {"hold": 0.3, "reject": 0.7}
    assert got["policy"]["word_lists"] == {"banned": ["budget"], "suspect": ["council"]}
    assert got["created_by"].startswith("api:")


def test_the_same_document_again_makes_no_new_version(client, site) -> None:
    client.put("/v1/site/policy", json=_changed_doc(), headers=site)
    again = client.put("/v1/site/policy", json=_changed_doc(), headers=site)
    assert again.json["version"] == 1 and again.json["changed"] is False


def test_put_replaces_the_whole_document(client, site) -> None:
    client.put("/v1/site/policy", json=_changed_doc(), headers=site)
    response = client.put("/v1/site/policy", json={"links": {"action": "allow"}}, headers=site)
    policy = response.json["policy"]
    assert response.json["version"] == 2
    assert policy["links"]["action"] == "allow"
    assert policy["word_lists"] == {"banned": [], "suspect": []}  # back to the default
    assert policy["thresholds"] == DEFAULT_POLICY.to_dict()["thresholds"]


def test_old_versions_stay_readable(client, site) -> None:
    client.put("/v1/site/policy", json=_changed_doc(), headers=site)
    client.put("/v1/site/policy", json={}, headers=site)
    first = client.get("/v1/site/policy/versions/1", headers=site)
    assert first.status_code == 200
    assert first.json["policy"]["word_lists"]["banned"] == ["budget"]
    assert client.get("/v1/site/policy/versions/0", headers=site).json["policy"] == (
        DEFAULT_POLICY.to_dict()
    )
    listing = client.get("/v1/site/policy/versions", headers=site).json
    assert listing["current"] == 2
    assert [v["version"] for v in listing["versions"]] == [0, 1, 2]
    missing = client.get("/v1/site/policy/versions/9", headers=site)
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"thresholds": {"abuse": {"hold": 1.5, "reject": 0.9}}}, "thresholds.abuse.hold"),
        ({"thresholds": {"abuse": {"hold": 0.9, "reject": 0.5}}}, "thresholds.abuse.hold"),
        ({"thresholds": {"kindness": None}}, "thresholds.kindness"),
        ({"word_lists": {"banned": ["ok", 3]}}, "word_lists.banned[1]"),
        ({"links": {"action": "delete"}}, "links.action"),
        ({"language": {"allowed": []}}, "language.allowed"),
        ({"repeats": {"window_seconds": "an hour"}}, "repeats.window_seconds"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_document_is_a_422_naming_the_field(client, site, document, field) -> None:
    response = client.put("/v1/site/policy", json=document, headers=site)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in response.json["errors"]]
    assert client.get("/v1/site/policy", headers=site).json["version"] == 0


def test_every_bad_field_is_listed_at_once(client, site) -> None:
    document = {"links": {"action": "x"}, "shouting": {"caps_share": 2}}
    fields = {
        e["field"]
        for e in client.put("/v1/site/policy", json=document, headers=site).json["errors"]
    }
    assert fields == {"links.action", "shouting.caps_share"}


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [("[1, 2]", "application/json", 422), ("{", "application/json", 400), ("x", "text/plain", 415)],
)
def test_a_body_that_is_not_a_json_object_is_refused(client, site, data, content_type, status):
    response = client.put("/v1/site/policy", data=data, content_type=content_type, headers=site)
    assert response.status_code == status


def test_without_a_key_there_is_no_policy(client) -> None:
    assert client.get("/v1/site/policy").status_code == 401
    assert client.put("/v1/site/policy", json={}).status_code == 401


def test_a_site_sees_and_changes_only_its_own_policy(app: Flask, client, site) -> None:
    _, other_key = make_site(app, "Other Paper")
    other = {"Authorization": f"Bearer {other_key}"}
    client.put("/v1/site/policy", json=_changed_doc(), headers=site)
    assert client.get("/v1/site/policy", headers=other).json["version"] == 0
    assert client.get("/v1/site/policy/versions/1", headers=other).status_code == 404
    client.put("/v1/site/policy", json={"links": {"action": "allow"}}, headers=other)
    mine = client.get("/v1/site/policy", headers=site).json
    assert mine["version"] == 1 and mine["policy"]["links"]["action"] == "hold"


def test_if_match_refuses_a_change_based_on_an_old_version(client, site) -> None:
    client.put("/v1/site/policy", json=_changed_doc(), headers=site)
    stale = client.put("/v1/site/policy", json={}, headers={**site, "If-Match": '"0"'})
    assert stale.status_code == 412
    fresh = client.put("/v1/site/policy", json={}, headers={**site, "If-Match": '"1"'})
    assert fresh.status_code == 200 and fresh.json["version"] == 2


def test_if_none_match_answers_304_while_unchanged(client, site) -> None:
    etag = client.get("/v1/site/policy", headers=site).headers["ETag"]
    unchanged = client.get("/v1/site/policy", headers={**site, "If-None-Match": etag})
    assert unchanged.status_code == 304
    client.put("/v1/site/policy", json=_changed_doc(), headers=site)
    changed = client.get("/v1/site/policy", headers={**site, "If-None-Match": etag})
    assert changed.status_code == 200


def test_schema_creation_adds_a_new_index_to_an_existing_table(app: Flask) -> None:
    import sqlalchemy as sa

    from service.storage import db

    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_comments_site_author_created"))
    db.create_schema(engine)
    names = {i["name"] for i in sa.inspect(engine).get_indexes("comments")}
    assert "ix_comments_site_author_created" in names


def test_a_writer_that_lost_the_race_for_a_version_gets_a_conflict(app: Flask, monkeypatch) -> None:
    """Two writers reading the same current version: the second insert hits the primary key."""
    from service.storage import policies

    site_id, _ = make_site(app)
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        policies.set_policy(conn, site_id, Policy(), created_by="a")  # unchanged: no row
        first, _ = policies.set_policy(
            conn, site_id, Policy.from_dict({"links": {"action": "allow"}}), created_by="a"
        )
    stale = policies.default_version(site_id)  # what the slower writer read
    monkeypatch.setattr(policies, "current", lambda conn, site: stale)
    with engine.begin() as conn, pytest.raises(policies.PolicyConflict) as caught:
        policies.set_policy(
            conn, site_id, Policy.from_dict({"links": {"action": "reject"}}), created_by="b"
        )
    assert first.version == 1 and caught.value.current == 1


def test_the_web_app_with_policies_does_not_import_the_classifier(tmp_path) -> None:
    """Policies are validated in the web process; that must not pull in scikit-learn or numpy."""
    import subprocess
    import sys

    from tests.helpers.apps import PROJECT_ROOT

    code = (
        "import sys; from service import create_app; "
        f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'DATABASE_URL': '', 'REDIS_URL': ''}}); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'numpy', 'scipy'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_what_get_answered_can_be_edited_and_put_back(client, site) -> None:
    got = client.get("/v1/site/policy", headers=site).json
    got["policy"]["links"]["allowed_domains"] = ["example.org"]
    response = client.put("/v1/site/policy", json=got, headers=site)
    assert response.status_code == 200, response.json
    assert response.json["version"] == 1
    assert response.json["policy"]["links"]["allowed_domains"] == ["example.org"]
    bad = client.put("/v1/site/policy", json={"policy": {"links": 3}}, headers=site)
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "links"


def test_a_long_word_list_goes_through_the_api_both_ways(client, site) -> None:
    got = client.get("/v1/site/policy", headers=site).json
    got["policy"]["word_lists"]["banned"] = [f"word{i}" for i in range(1500)]
    response = client.put("/v1/site/policy", json=got, headers=site)
    assert response.status_code == 200, response.json
    again = client.get("/v1/site/policy", headers=site).json
    assert len(again["policy"]["word_lists"]["banned"]) == 1500
    assert client.put("/v1/site/policy", json=again, headers=site).json["changed"] is False
    # The bound on the body still holds, well above what a valid policy can hold.
    again["policy"]["word_lists"]["suspect"] = ["x"] * 20_000
    assert client.put("/v1/site/policy", json=again, headers=site).status_code == 422
