"""Ops commands."""

from __future__ import annotations

import sqlalchemy as sa

from service.http import auth
from service.storage import db


def test_sites_create_prints_a_working_key_last_and_stores_only_its_hash(app, runner):
    result = runner.invoke(args=["sites", "create", "Example News"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith(auth.KEY_PREFIX)
    with app.extensions["db_engine"].connect() as conn:
        row = conn.execute(sa.select(db.sites)).one()
    assert row.name == "Example News"
    assert row.key_hash == auth.hash_key(key)
    assert key not in (row.key_hash, row.key_prefix)
    response = app.test_client().get("/v1/site", headers={"Authorization": f"Bearer {key}"})
    assert response.json["name"] == "Example News"


def test_schema_creation_is_safe_to_run_twice(app):
    db.create_schema(app.extensions["db_engine"])
    db.create_schema(app.extensions["db_engine"])


def test_models_active_prints_the_active_version(runner, model_dir):
    result = runner.invoke(args=["models", "active"])
    assert result.exit_code == 0
    assert result.output.strip() == model_dir[1]
