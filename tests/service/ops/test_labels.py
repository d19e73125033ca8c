"""Moderators' decisions as labels: the latest per comment, mapped to categories, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from service.storage import db, labels, store
from tests.helpers.apps import make_site
from tests.helpers.ops import add_comment, moderate


def test_category_labels_follow_the_guideline():
    assert labels.category_labels("approve", None) == dict.fromkeys(labels.CATEGORIES, 0.0)
    assert labels.category_labels("reject", "hate") == {"identity_attack": 1.0, "toxicity": 1.0}
    assert labels.category_labels("reject", "spam") == {"spam": 1.0}
    assert labels.category_labels("reject", None) == {"toxicity": 1.0}
    assert labels.category_labels("reject", "links") is None  # rules, not the classifier
    assert labels.category_labels("hold", "abuse") is None


def test_export_labels_writes_the_latest_decision_of_each_comment(app, runner):
    site_id, _ = make_site(app)
    other_site, _ = make_site(app, "Other")
    first = add_comment(app, site_id, "you are an idiot", "c1")
    with app.extensions["db_engine"].begin() as conn:
        store.record_moderator_decision(conn, first, action="approve", moderator="a")
        store.record_moderator_decision(
            conn, first, action="reject", moderator="b", guideline="abuse", note="second look"
        )
    moderate(app, other_site, [("buy cheap pills", "reject", "spam")])

    result = runner.invoke(args=["models", "export-labels", "--site", site_id])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    assert rows[0]["comment_id"] == first and rows[0]["external_id"] == "c1"
    assert (rows[0]["action"], rows[0]["guideline"], rows[0]["moderator"]) == (
        "reject",
        "abuse",
        "b",
    )
    assert rows[0]["note"] == "second look" and rows[0]["text"] == "you are an idiot"
    every = runner.invoke(args=["models", "export-labels"]).stdout
    assert len(list(csv.DictReader(io.StringIO(every)))) == 2


def test_since_leaves_out_older_decisions(app):
    site_id, _ = make_site(app)
    moderate(app, site_id, [("fine comment", "approve", None)])
    with app.extensions["db_engine"].connect() as conn:
        later = db.utcnow() + timedelta(minutes=1)
        assert list(labels.latest_decisions(conn, since=later)) == []
        assert len(list(labels.latest_decisions(conn, since=later - timedelta(hours=1)))) == 1


def test_export_labels_leaves_out_erased_comments_and_labels_old_revisions_with_their_text(
    app, runner
):
    from service.storage import lifecycle
    from service.transport import erasure_jobs

    site_id, _ = make_site(app)
    erased = add_comment(app, site_id, "you are an idiot", "gone")
    edited = add_comment(app, site_id, "you utter fool", "edited")
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        for comment_id in (erased, edited):
            store.record_moderator_decision(
                conn, comment_id, action="reject", moderator="a", guideline="abuse"
            )
        lifecycle.store_revision(
            conn, store.get_comment(conn, edited), "sorry, I take that back", {}
        )
    erasure_jobs.erase_ids(engine, app.extensions["redis"], [erased], lifecycle.DELETED)

    result = runner.invoke(args=["models", "export-labels", "--site", site_id])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["external_id"], r["text"]) for r in rows] == [("edited", "you utter fool")]
