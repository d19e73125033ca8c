"""`sites policy show|set` and `sites simulate`."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from models.policy import DEFAULT_POLICY
from service.storage import store
from tests.helpers.apps import make_site, work_queue


def _write(tmp_path: Path, document: object, name: str = "policy.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return str(path)


def test_show_prints_the_default_for_a_new_site(app: Flask, runner) -> None:
    site_id, _ = make_site(app, "Example News")
    result = runner.invoke(args=["sites", "policy", "show", site_id])
    assert result.exit_code == 0, result.output
    assert "version 0" in result.stderr
    assert json.loads(result.stdout) == DEFAULT_POLICY.to_dict()


def test_set_stores_a_new_version_that_show_and_the_api_read(app: Flask, runner, tmp_path) -> None:
    site_id, key = make_site(app, "Example News")
    path = _write(tmp_path, {"word_lists": {"banned": ["budget"]}})
    result = runner.invoke(args=["sites", "policy", "set", "Example News", "--file", path])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "version 1"
    again = runner.invoke(args=["sites", "policy", "set", site_id, "--file", path])
    assert again.output.strip() == "version 1 (unchanged)"
    shown = runner.invoke(args=["sites", "policy", "show", site_id])
    assert json.loads(shown.stdout)["word_lists"]["banned"] == ["budget"]
    api = app.test_client().get("/v1/site/policy", headers={"Authorization": f"Bearer {key}"})
    assert api.json["version"] == 1 and api.json["created_by"] == "cli"
    old = runner.invoke(args=["sites", "policy", "show", site_id, "--version", "0"])
    assert json.loads(old.stdout) == DEFAULT_POLICY.to_dict()


def test_set_takes_what_the_api_get_answered(app: Flask, runner, tmp_path) -> None:
    site_id, key = make_site(app)
    got = app.test_client().get("/v1/site/policy", headers={"Authorization": f"Bearer {key}"})
    envelope = got.json
    envelope["policy"]["word_lists"]["banned"] = ["budget"]
    result = runner.invoke(
        args=["sites", "policy", "set", site_id, "--file", _write(tmp_path, envelope)]
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(args=["sites", "policy", "show", site_id])
    assert json.loads(shown.stdout)["word_lists"]["banned"] == ["budget"]


def test_set_reads_standard_input(app: Flask, runner) -> None:
    site_id, _ = make_site(app)
    document = json.dumps({"links": {"action": "allow"}})
    result = runner.invoke(args=["sites", "policy", "set", site_id], input=document)
    assert result.exit_code == 0 and result.output.strip() == "version 1"


def test_set_refuses_a_bad_document_naming_each_field(app: Flask, runner, tmp_path) -> None:
    site_id, _ = make_site(app)
    path = _write(tmp_path, {"links": {"action": "delete"}, "thresholds": {"abuse": 3}})
    result = runner.invoke(args=["sites", "policy", "set", site_id, "--file", path])
    assert result.exit_code == 1
    assert "links.action" in result.output and "thresholds.abuse" in result.output
    not_json = runner.invoke(args=["sites", "policy", "set", site_id], input="{")
    assert not_json.exit_code == 1 and "not valid JSON" in not_json.output
    shown = runner.invoke(args=["sites", "policy", "show", site_id])
    assert "version 0" in shown.stderr


def test_an_unknown_site_is_a_clear_error(runner) -> None:
    result = runner.invoke(args=["sites", "policy", "show", "site_nope"])
    assert result.exit_code == 1 and "no site" in result.output


def _moderated_site(app: Flask) -> tuple[str, str]:
    """A site with four comments a moderator decided: two civil, two rejected for abuse."""
    site_id, key = make_site(app)
    client = app.test_client()
    texts = {
        "The budget vote was a mistake, the council should reconsider.": "approve",
        "I disagree with the article, the transit plan will cost more.": "approve",
        "You are a worthless idiot and a moron, shut up you stupid pig.": "reject",
        "Only a brain-dead moron would write this garbage, you idiot.": "reject",
    }
    ids = {}
    for n, text in enumerate(texts):
        body = {"id": f"c{n}", "text": text, "article": {"id": "a"}, "author": {"id": f"u{n}"}}
        headers = {"Authorization": f"Bearer {key}"}
        ids[text] = client.post("/v1/comments", json=body, headers=headers).json["id"]
    work_queue(app)
    with app.extensions["db_engine"].begin() as conn:
        for text, action in texts.items():
            guideline = "abuse" if action == "reject" else None
            store.record_moderator_decision(
                conn, ids[text], action=action, moderator="mod", guideline=guideline
            )
    return site_id, key


def test_simulate_counts_the_sites_moderated_comments(app: Flask, runner, tmp_path) -> None:
    site_id, _ = _moderated_site(app)
    args = ["sites", "simulate", site_id, "--no-validation", "--json", "--guideline", "abuse"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    site = report["summary"]["site"]
    assert site["total"] == 4 and site["violations"] == 2 and site["ok"] == 2
    assert site["approved"] + site["held"] + site["rejected"] == 4
    assert "validation" not in report["summary"]
    table = report["thresholds"]["site"]
    assert {(row["guideline"], row["which"]) for row in table} == {
        ("abuse", "hold"),
        ("abuse", "reject"),
    }
    # Rejecting everything at the lowest threshold: nothing abusive gets through.
    lowest = min((r for r in table if r["which"] == "reject"), key=lambda r: r["threshold"])
    assert lowest["wrongly_approved"] <= site["wrongly_approved"]

    # A proposed policy that bans a word of a civil comment makes one wrong rejection.
    proposed = _write(tmp_path, {"word_lists": {"banned": ["transit"]}})
    result = runner.invoke(args=[*args, "--policy", proposed])
    changed = json.loads(result.stdout)
    assert changed["policy"].startswith("proposed")
    assert changed["summary"]["site"]["wrongly_rejected"] == site["wrongly_rejected"] + 1


def test_simulate_also_measures_the_validation_data(app: Flask, runner) -> None:
    site_id, _ = _moderated_site(app)
    args = ["sites", "simulate", site_id, "--max-rows", "60", "--guideline", "spam"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    validation = next(line for line in lines if line.startswith("validation"))
    assert int(validation.split()[1]) > 0
    assert "thresholds on validation data" in result.stdout
    assert any(line.startswith("spam      reject    0.95") for line in lines)


def test_simulate_replays_the_author_rules_from_the_sites_history(
    app: Flask, runner, tmp_path
) -> None:
    site_id, key = _moderated_site(app)  # four comments, each by a different new author
    # u0 comes back: a second civil comment, which a moderator approves.
    body = {"id": "again", "text": "Thanks, the figures look right now.", "article": {"id": "a"}}
    headers = {"Authorization": f"Bearer {key}"}
    cid = (
        app.test_client()
        .post("/v1/comments", json={**body, "author": {"id": "u0"}}, headers=headers)
        .json["id"]
    )
    work_queue(app)
    with app.extensions["db_engine"].begin() as conn:
        store.record_moderator_decision(conn, cid, action="approve", moderator="mod")
    args = ["sites", "simulate", site_id, "--no-validation", "--json", "--guideline", "abuse"]
    proposed = _write(tmp_path, {"new_commenter": {"enabled": True, "first_n": 1}})
    result = runner.invoke(args=[*args, "--policy", proposed])
    assert result.exit_code == 0, result.output
    site = json.loads(result.stdout)["summary"]["site"]
    assert site["total"] == 5
    # Each author's first comment waits for a person; u0's second one is approved as before.
    assert site["by_guideline"]["new_commenter"]["fired"] == 4
    assert site["approved"] == 1
