"""A store that does not answer is our outage, not the client's mistake: 503 with Retry-After.

The database is the record, so without it nothing can be accepted. Redis is only transport: the
comments API catches its errors itself and answers 202 pending (the sweeper queues the comment
later); this handler covers any other Redis use.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app
from redis.exceptions import RedisError
from sqlalchemy import exc as sa_exc

from service.http.problems import problem_response

log = logging.getLogger(__name__)

# Connection refused or lost, the server shutting down, a lock wait given up, an empty pool.
DATABASE_DOWN = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def _unavailable(what: str, exc: Exception) -> Response:
    # The exception's text can carry the connection URL; log only its class.
    log.error("%s unavailable: %s", what, type(exc).__name__)
    retry_after = str(int(current_app.config["RETRY_AFTER_SECONDS"]))
    return problem_response(
        503,
        "Service Unavailable",
        f"The {what} is not answering; nothing was stored. Try again shortly.",
        headers={"Retry-After": retry_after},
    )


def init_app(app: Flask) -> None:
    for error in DATABASE_DOWN:
        app.register_error_handler(error, lambda exc: _unavailable("database", exc))
    app.register_error_handler(RedisError, lambda exc: _unavailable("queue", exc))
