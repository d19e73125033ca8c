"""Workers apply each site's current policy, with author context from Redis and the database.

Runs on the embedded stack and on the PostgreSQL and Redis servers (`server_app`).
"""

from __future__ import annotations

import itertools

import pytest
from flask import Flask

from models.policy import DEFAULT_POLICY
from service.transport import queueing
from tests.helpers.apps import make_site, work_queue

CIVIL = "The council's budget plan seems poorly thought out; I hope the transit part is revised."
_ids = itertools.count()


class Site:
    def __init__(self, app: Flask, name: str = "Example News") -> None:
        self.client = app.test_client()
        self.id, key = make_site(app, name)
        self.headers = {"Authorization": f"Bearer {key}"}

    def set_policy(self, **sections: object) -> int:
        response = self.client.put("/v1/site/policy", json=sections, headers=self.headers)
        assert response.status_code == 200, response.json
        return response.json["version"]

    def post(self, text: str, author: str = "u-1", article: str = "a-1") -> str:
        body = {
            "id": f"c-{next(_ids)}",
            "text": text,
            "article": {"id": article},
            "author": {"id": author},
        }
        response = self.client.post("/v1/comments", json=body, headers=self.headers)
        assert response.status_code == 202, response.json
        return response.json["id"]

    def decision(self, comment_id: str) -> dict:
        view = self.client.get(f"/v1/comments/{comment_id}", headers=self.headers).json
        return view["decision"]


def _rules(decision: dict) -> set[str]:
    return {r["rule"] for r in decision["reasons"] if r["rule"]}


def test_a_changed_policy_changes_the_next_decision_and_is_recorded(server_app: Flask) -> None:
    site = Site(server_app)
    before = site.post("The council's b.u.d.g.e.t is a disgrace, vote them out.")
    work_queue(server_app)
    assert site.decision(before)["policy_version"] == 0
    assert "banned_words" not in _rules(site.decision(before))

    version = site.set_policy(word_lists={"banned": ["budget"], "suspect": []})
    after = site.post("The council's b.u.d.g.e.t is a disgrace, vote them out.", author="u-2")
    work_queue(server_app)
    decision = site.decision(after)
    assert decision["action"] == "reject"
    assert decision["policy_version"] == version == 1
    banned = [r for r in decision["reasons"] if r["rule"] == "banned_words"]
    assert banned and banned[0]["evidence"][0]["text"] == "b.u.d.g.e.t"
    assert site.decision(before)["policy_version"] == 0  # the old decision keeps its version


def test_one_sites_policy_does_not_decide_another_sites_comments(server_app: Flask) -> None:
    strict, relaxed = Site(server_app, "Strict"), Site(server_app, "Relaxed")
    strict.set_policy(word_lists={"banned": ["transit"]})
    ids = strict.post(CIVIL), relaxed.post(CIVIL)
    work_queue(server_app)
    assert strict.decision(ids[0])["action"] == "reject"
    assert relaxed.decision(ids[1])["action"] == "approve"
    assert relaxed.decision(ids[1])["policy_version"] == 0


def test_copies_from_many_authors_across_articles_are_spam(server_app: Flask) -> None:
    site = Site(server_app)
    site.set_policy(repeats={"action": "reject", "max_across_authors": 2})
    spam = "Great deals on watches at my shop, best prices this week only"
    ids = [
        site.post(spam, author="u-1", article="a-1"),
        site.post(spam.upper() + "!!", author="u-2", article="a-2"),  # nearly the same text
        site.post("Great deals on w4tches at my shop, best prices this week only", "u-3", "a-3"),
    ]
    work_queue(server_app)
    decisions = [site.decision(i) for i in ids]
    assert "repeats_across_authors" not in _rules(decisions[0]) | _rules(decisions[1])
    assert "repeats_across_authors" in _rules(decisions[2])
    assert decisions[2]["action"] == "reject"


def test_the_same_author_posting_again_is_held(server_app: Flask) -> None:
    site = Site(server_app)
    first = site.post(CIVIL, author="u-1", article="a-1")
    second = site.post(CIVIL, author="u-1", article="a-2")
    work_queue(server_app)
    assert site.decision(first)["action"] == "approve"
    assert "repeats" in _rules(site.decision(second))
    assert site.decision(second)["action"] == "hold"


def test_repeats_are_remembered_across_worker_runs_and_counted_once(server_app: Flask) -> None:
    """The memory is Redis, not the process: a later run still sees earlier copies."""
    from rq import Queue

    site = Site(server_app)
    first = site.post(CIVIL, author="u-1")
    work_queue(server_app)
    # Scoring the first comment again (the sweeper re-queued it) must not make it its own repeat.
    redis_conn = server_app.extensions["redis"]
    queueing.push_for_drain(
        redis_conn, Queue(server_app.config["QUEUE_NAME"], connection=redis_conn), [first]
    )
    second = site.post(CIVIL, author="u-1")
    work_queue(server_app)
    assert "repeats" not in _rules(site.decision(first))
    assert "repeats" in _rules(site.decision(second))
    keys = server_app.extensions["redis"].keys("moderation:repeats:*")
    assert keys and all(server_app.extensions["redis"].ttl(k) > 0 for k in keys)


def test_repeats_can_be_switched_off(app: Flask) -> None:
    site = Site(app)
    site.set_policy(repeats={"action": "allow"})
    ids = [site.post(CIVIL, author="u-1") for _ in range(3)]
    work_queue(app)
    assert [site.decision(i)["action"] for i in ids] == ["approve"] * 3
    assert app.extensions["redis"].keys("moderation:repeats:*") == []


def test_new_commenters_first_comments_are_held(server_app: Flask) -> None:
    site = Site(server_app)
    site.set_policy(new_commenter={"enabled": True, "first_n": 2}, repeats={"action": "allow"})
    # One worker run: jobs go in order, and a later comment is never an earlier one's history.
    ids = [site.post(f"{CIVIL} Point {n}.", author="new") for n in ("one", "two", "three")]
    work_queue(server_app)
    actions = [site.decision(i)["action"] for i in ids]
    assert actions == ["hold", "hold", "approve"]
    assert "new_commenter" in _rules(site.decision(ids[0]))


def test_an_author_whose_comments_were_mostly_rejected_is_held(server_app: Flask) -> None:
    site = Site(server_app)
    site.set_policy(
        word_lists={"banned": ["budget"]},
        author_history={"enabled": True, "window": 5, "min_comments": 3, "reject_share": 0.5},
        repeats={"action": "allow"},
    )
    for n in ("one", "two", "three"):
        site.post(f"The budget again, number {n}", author="troll")
    later = site.post("I think the transit plan deserves a second look.", author="troll")
    someone_else = site.post("I think the transit plan deserves a second look.", author="civil")
    work_queue(server_app)
    assert "author_history" in _rules(site.decision(later))
    assert site.decision(later)["action"] == "hold"
    assert site.decision(someone_else)["action"] == "approve"


@pytest.mark.parametrize(
    ("allowed", "action"),
    [(["en"], "approve"), (["de"], "hold"), (["de", "en"], "approve")],
)
def test_the_sites_languages_decide_the_language_rule(app: Flask, allowed, action) -> None:
    site = Site(app)
    site.set_policy(language={"allowed": allowed})
    comment = site.post(CIVIL)
    work_queue(app)
    decision = site.decision(comment)
    assert decision["action"] == action
    assert ("language" in _rules(decision)) == (action == "hold")


def test_a_parsed_policy_is_cached_per_version(app: Flask) -> None:
    from service.storage import policies
    from workers import site_policy

    site = Site(app)
    engine = app.extensions["db_engine"]
    with engine.connect() as conn:
        assert site_policy.policy_for(conn, site.id, 0) == (DEFAULT_POLICY, 0)
    site.set_policy(links={"action": "allow"})
    with engine.connect() as conn:
        first, version = site_policy.policy_for(conn, site.id, 1)
        again, _ = site_policy.policy_for(conn, site.id, 1)
        assert version == 1 and first is again and first.links.action == "allow"
        assert policies.current_version_number(conn, site.id) == 1


def test_author_rules_hold_when_one_drain_job_decides_the_whole_burst(app: Flask) -> None:
    """Every comment of the burst is decided before any is stored: the batch sees its own."""
    site = Site(app)
    site.set_policy(
        word_lists={"banned": ["budget"]},
        author_history={"enabled": True, "window": 5, "min_comments": 2, "reject_share": 0.5},
    )
    rejected = [site.post(f"The budget, part {n}", author="troll") for n in ("one", "two")]
    later = site.post("The transit plan deserves a second look.", author="troll")
    copy = site.post("The transit plan deserves a second look.", author="troll")
    work_queue(app)
    assert [site.decision(i)["action"] for i in rejected] == ["reject", "reject"]
    assert "author_history" in _rules(site.decision(later))
    assert {"author_history", "repeats"} <= _rules(site.decision(copy))
