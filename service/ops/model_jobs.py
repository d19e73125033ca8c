"""Model jobs, the enqueue side: training and promotion queued for `python -m workers --ops`.

The jobs themselves (workers/ops_jobs.py) run ops/model_ops.py; the web process only queues them
and reads what became of them, so it never loads a model.
"""

from __future__ import annotations

from typing import Any

from service.ops.model_ops import DEFAULT_GATE_LIMIT, TrainOptions

TRAIN_JOB = "workers.ops_jobs.train_version"


def ops_queue(app):
    """The ops queue create_app built (transport/broker.py)."""
    return app.extensions["ops_queue"]


def enqueue_training(app, options: TrainOptions) -> str:
    """Queue a training run for `python -m workers --ops`; the job id (its result: the version)."""
    job = ops_queue(app).enqueue(
        TRAIN_JOB,
        kwargs={
            "data_dir": str(options.data_dir),
            "max_rows": options.max_rows,
            "with_labels": options.with_labels,
            "since": options.since.isoformat() if options.since else None,
            "label_weight": options.label_weight,
            "seed": options.seed,
            "gate_limit": options.gate_limit,
        },
        job_timeout=4 * 3600,  # a full training run with its gate takes minutes, not hours
        result_ttl=7 * 24 * 3600,
        failure_ttl=7 * 24 * 3600,
    )
    return job.id


def job_status(app, job_id: str) -> dict[str, Any]:
    """What became of a queued ops job: its status, and the version or error."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        job = Job.fetch(job_id, connection=app.extensions["redis"])
    except (NoSuchJobError, ValueError):  # ValueError: not a job id RQ could have made
        raise LookupError(f"no ops job {job_id!r} (finished jobs are kept 7 days)") from None
    status = job.get_status()
    out: dict[str, Any] = {"id": job.id, "status": str(getattr(status, "value", status))}
    if out["status"] == "finished":
        result = job.return_value()
        out["result"] = result
        if isinstance(result, str):  # a training job: the new version id
            out["version"] = result
    elif out["status"] == "failed":
        info = job.latest_result()
        out["error"] = (info.exc_string or "").strip().splitlines()[-1:] if info else None
    return out


PROMOTE_JOB = "workers.ops_jobs.promote_version"


def enqueue_promotion(app, version: str, force: bool, limit: int = DEFAULT_GATE_LIMIT) -> str:
    """Queue `promote` (gate, then activate) for the ops worker; the job id."""
    job = ops_queue(app).enqueue(
        PROMOTE_JOB,
        kwargs={"version": version, "force": force, "limit": limit},
        job_timeout=3600,
        result_ttl=7 * 24 * 3600,
        failure_ttl=7 * 24 * 3600,
    )
    return job.id
