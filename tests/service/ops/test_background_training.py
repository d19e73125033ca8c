"""models train --background: training runs as a job on the ops queue, not the comments' queue."""

from __future__ import annotations

from rq import SimpleWorker

from models.registry import Registry
from service.ops.model_jobs import ops_queue
from workers import runtime


def test_background_training_runs_on_the_ops_queue_and_reports_its_version(app, runner, model_dir):
    result = runner.invoke(
        args=["models", "train", "--background", "--max-rows", "30", "--gate-limit", "0"]
    )
    assert result.exit_code == 0, result.output
    job_id = result.stdout.strip().splitlines()[-1]
    assert len(app.extensions["queue"]) == 0 and ops_queue(app).job_ids == [job_id]
    assert "queued" in runner.invoke(args=["models", "job", job_id]).stdout

    runtime.install(app)
    worker = SimpleWorker([ops_queue(app)], connection=app.extensions["redis"])
    worker.work(burst=True, logging_level="WARNING", with_scheduler=False)

    shown = runner.invoke(args=["models", "job", job_id]).stdout.strip().splitlines()
    assert shown[0] == f"job {job_id}: finished"
    version = shown[-1]
    assert Registry(model_dir[0]).info(version)["training"]["params"]["max_rows_per_source"] == 30
    assert runner.invoke(args=["models", "active"]).stdout.strip() == model_dir[1]


def test_job_reports_an_unknown_id(runner):
    result = runner.invoke(args=["models", "job", "nope"])
    assert result.exit_code == 1 and "no ops job" in result.output
