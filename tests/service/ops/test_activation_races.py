"""Promotes from several processes at once keep every entry of the activation history."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from service.storage import db, model_state


def test_concurrent_activations_lose_no_history(postgres_url: str) -> None:
    engine = db.make_engine(postgres_url)
    try:
        db.create_schema(engine)
        with engine.begin() as conn:
            conn.execute(db.app_state.delete())
            model_state.activate(conn, "v-start")
        errors: list[BaseException] = []

        def promote(name: str) -> None:
            try:
                for i in range(15):
                    with engine.begin() as conn:
                        model_state.activate(conn, f"{name}-{i}")
            except BaseException as exc:  # the test fails on any error, not only lost entries
                errors.append(exc)

        threads = [threading.Thread(target=promote, args=(n,)) for n in ("a", "b", "c")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        with engine.connect() as conn:
            history = model_state.activation_history(conn)
            active = model_state.active_version(conn)
        # 45 activations after v-start: each displaced version is in the history exactly once.
        assert len(history) == 45 and len(set(history) | {active}) == 46
        assert history[0] == "v-start"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.delete(db.app_state))
        engine.dispose()
