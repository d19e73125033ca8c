"""Errors in the shape Google's APIs (and so Perspective's clients) expect:
`{"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}`."""

from __future__ import annotations

from flask import Blueprint, Response, json
from werkzeug.exceptions import HTTPException

from service.http.problems import Problem

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "INVALID_ARGUMENT",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    422: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class GoogleError(Exception):
    def __init__(self, code: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    status = STATUS_NAMES.get(code, "FAILED_PRECONDITION" if code < 500 else "INTERNAL")
    body = {"error": {"code": code, "message": message, "status": status}}
    response = Response(json.dumps(body), status=code, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def install(bp: Blueprint) -> None:
    """Every error raised in `bp`'s views, including shared helpers' problems, in Google's shape."""

    @bp.errorhandler(GoogleError)
    def _google(exc: GoogleError) -> Response:
        return error_response(exc.code, exc.message, exc.headers)

    @bp.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        message = exc.detail or exc.title
        if exc.errors:
            message += " " + "; ".join(f"{e['field']} {e['message']}" for e in exc.errors)
        return error_response(exc.status, message, exc.headers)

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        return error_response(exc.code or 500, exc.description or exc.name)
