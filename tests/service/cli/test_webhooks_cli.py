"""The webhooks CLI: add, list, rotate, deliveries, redeliver, remove."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.apps import build_app, make_site, teardown


def test_webhooks_cli_round_trip(tmp_path: Path, model_dir) -> None:
    app = build_app(tmp_path, model_dir, WEBHOOK_ALLOW_PRIVATE=True)
    try:
        runner = app.test_cli_runner()
        site_id, _ = make_site(app)
        added = runner.invoke(
            args=["webhooks", "add", site_id, "http://127.0.0.1:9/h", "--event", "comment.decided"]
        )
        assert added.exit_code == 0, added.output
        endpoint_id, url, event_types = added.output.splitlines()[0].split("\t")
        assert added.output.splitlines()[1].startswith("whsec_")
        assert event_types == "comment.decided"
        assert url == "http://127.0.0.1:9/h"
        listed = runner.invoke(args=["webhooks", "list", site_id])
        assert endpoint_id in listed.output
        rotated = runner.invoke(args=["webhooks", "rotate", endpoint_id])
        assert rotated.output.strip().startswith("whsec_")
        assert runner.invoke(args=["webhooks", "deliveries", endpoint_id]).output == ""
        assert runner.invoke(args=["webhooks", "redeliver", "msg_nope"]).exit_code != 0
        assert runner.invoke(args=["webhooks", "remove", endpoint_id]).exit_code == 0
        assert runner.invoke(args=["webhooks", "list", site_id]).output == ""
        unknown = runner.invoke(args=["webhooks", "list", "site_nope"])
        assert unknown.exit_code == 1 and "no site site_nope" in unknown.output
    finally:
        teardown(app)


def test_cli_refuses_private_urls_by_default(runner, app) -> None:
    site_id, _ = make_site(app)
    result = runner.invoke(args=["webhooks", "add", site_id, "http://127.0.0.1/h"])
    assert result.exit_code != 0
    assert "not a public address" in result.output
