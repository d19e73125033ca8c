"""The queue as a workspace: counts for the navigation, words for scores, articles, times."""

from __future__ import annotations

from flask import Flask

from models.policy import DEFAULT_POLICY, Policy
from service.storage import db, policies
from tests.helpers.moderation import api, held_comment, login


def _reason(guideline: str, score: float) -> list[dict]:
    return [{"guideline": guideline, "score": score, "action": "hold", "evidence": []}]


def test_counts_cover_only_the_moderators_sites_and_follow_decisions(
    ui_app: Flask, two_sites
) -> None:
    mine = held_comment(ui_app, two_sites["a"], "mine")
    held_comment(ui_app, two_sites["a"], "mine too")
    held_comment(ui_app, two_sites["b"], "theirs")
    client = ui_app.test_client()
    token = login(client, "alice", two_sites["alice"])
    assert client.get("/queue/api/counts").get_json() == {"held": 2, "reported": 0, "appeals": 0}
    api(client, token, "/queue/api/decisions", {"ids": [mine], "action": "approve"})
    reported = client.post(
        f"/v1/comments/{mine}/reports",
        json={"reason": "rude"},
        headers={"Authorization": f"Bearer {two_sites['key_a']}"},
    )
    assert reported.status_code == 202
    assert client.get("/queue/api/counts").get_json() == {"held": 1, "reported": 1, "appeals": 0}
    page = client.get("/history").get_data(as_text=True)
    assert '<span class="count" data-count="held">1</span>' in page


def test_counts_need_a_login(ui_app: Flask, two_sites) -> None:
    answer = ui_app.test_client().get("/queue/api/counts")
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"


def test_scores_read_as_words_from_the_sites_thresholds(ui_app: Flask, two_sites) -> None:
    site = two_sites["a"]
    held_comment(ui_app, site, "rude one", reasons=_reason("abuse", 0.91))
    held_comment(ui_app, site, "spammy one", reasons=_reason("spam", 0.62))
    held_comment(ui_app, site, "mild one", reasons=_reason("obscene", 0.2))
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue").get_data(as_text=True)
    assert "Likely abuse · 0.91" in page
    assert "Possible spam · 0.62" in page
    assert "Unlikely obscenity · 0.20" in page
    assert "Be respectful" in page  # the guideline's title, not its code
    # The words follow the site's own thresholds: a stricter spam reject level reads "Likely".
    stricter = Policy.from_dict(
        {**DEFAULT_POLICY.to_dict(), "thresholds": {"spam": {"hold": 0.3, "reject": 0.6}}}
    )
    with ui_app.app_context(), db.engine().begin() as conn:
        policies.set_policy(conn, site, stricter, created_by="test")
    assert "Likely spam · 0.62" in client.get("/queue").get_data(as_text=True)


def test_article_filter_lists_stories_and_a_per_article_view(ui_app: Flask, two_sites) -> None:
    site = two_sites["a"]
    held_comment(ui_app, site, "on budget")
    held_comment(ui_app, site, "on floods", article_id="a9", article_title="Floods in the north")
    held_comment(ui_app, site, "floods again", article_id="a9", article_title="Floods in the north")
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue").get_data(as_text=True)
    assert '<option value="a9" >Floods in the north (2 held)</option>' in page
    assert f"/queue?view=held&amp;site={site}&amp;article=a9" in page  # "all on this story"
    story = client.get(f"/queue?site={site}&article=a9").get_data(as_text=True)
    assert "Held comments on “Floods in the north”" in story
    assert "on floods" in story and "floods again" in story and "on budget" not in story


def test_times_carry_iso_for_the_script_and_a_readable_fallback(ui_app: Flask, two_sites) -> None:
    held_comment(ui_app, two_sites["a"], "timed")
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    page = client.get("/queue").get_data(as_text=True)
    assert '<time datetime="20' in page and " UTC</time>" in page
    assert "page.js" in page


def test_thread_shows_the_parent_and_the_replies_already_decided(ui_app: Flask, two_sites) -> None:
    site = two_sites["a"]
    held_comment(ui_app, site, "the parent words", action="approve", external_id="p1", reasons=[])
    middle = held_comment(ui_app, site, "the held middle", external_id="m1", parent_id="p1")
    held_comment(ui_app, site, "a kind reply", action="approve", parent_id="m1", reasons=[])
    held_comment(ui_app, site, "a rude reply", action="reject", parent_id="m1")
    held_comment(ui_app, site, "a waiting reply", parent_id="m1")  # held: not decided yet
    held_comment(ui_app, site, "on its own")
    client = ui_app.test_client()
    login(client, "alice", two_sites["alice"])
    items = client.get("/queue").get_data(as_text=True).split('<li class="comment"')[1:]
    item = next(i for i in items if f'id="c-{middle}"' in i)
    assert "Thread: the parent and 2 decided replies" in item
    assert '<blockquote class="parent">the parent words</blockquote>' in item
    thread = item[: item.index("</details>")]
    assert "a kind reply" in thread and "a rude reply" in thread
    assert "a waiting reply" not in thread
    alone = next(i for i in items if "on its own" in i)
    assert '<details class="thread"' not in alone
