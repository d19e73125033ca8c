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


def test_webhooks_list_says_until_when_a_silent_endpoint_is_paused(tmp_path: Path, model_dir):
    from service.webhooks import breaker, job_timeout

    app = build_app(tmp_path, model_dir, WEBHOOK_ALLOW_PRIVATE=True)
    try:
        runner = app.test_cli_runner()
        site_id, _ = make_site(app)
        for n in (9, 10):
            added = runner.invoke(args=["webhooks", "add", site_id, f"http://127.0.0.1:{n}/h"])
            assert added.exit_code == 0, added.output
        listed = runner.invoke(args=["webhooks", "list", site_id]).output.splitlines()
        assert len(listed) == 2 and "paused" not in "".join(listed)
        silent = listed[0].split("\t")[0]
        circuit = breaker.Breaker.from_config(
            app.extensions["redis"], app.config, job_timeout(app.config)
        )
        for _ in range(int(app.config["WEBHOOK_BREAKER_FAILURES"])):
            circuit.failed(silent)  # what the worker records when an attempt gets no answer
        lines = runner.invoke(args=["webhooks", "list", site_id]).output.splitlines()
        paused = [line for line in lines if "\tpaused until 20" in line]
        assert [line.split("\t")[0] for line in paused] == [silent] and len(lines) == 2
    finally:
        teardown(app)
