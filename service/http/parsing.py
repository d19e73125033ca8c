"""Reading a JSON request body with the right problem for each way it can be wrong."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import request

from service.http.problems import Problem

# Deeply nested JSON is never a real comment; refusing it keeps the parser's recursion bounded.
MAX_DEPTH = 32
# A comment has a handful of fields; thousands are an attack on whoever parses them later.
MAX_FIELDS = 200


def json_body(max_fields: int = MAX_FIELDS) -> dict[str, Any]:
    """The body as a JSON object; `max_fields` for bodies that hold long lists (a policy)."""
    if request.mimetype != "application/json":
        raise Problem(415, "Unsupported Media Type", "Send the body as application/json.")
    raw = request.get_data(cache=True)  # Werkzeug enforces MAX_CONTENT_LENGTH here (413).
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(
            400, "Bad Request", f"The body is not valid UTF-8 (byte {exc.start})."
        ) from None
    if _nesting(text) > MAX_DEPTH:
        raise Problem(400, "Bad Request", f"The JSON is nested deeper than {MAX_DEPTH} levels.")
    try:
        body = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except (ValueError, RecursionError) as exc:
        raise Problem(400, "Bad Request", f"The body is not valid JSON: {exc}") from None
    if "\\u" in text and not _encodable(body):
        raise Problem(
            400, "Bad Request", "The JSON holds a lone surrogate escape (\\ud800-\\udfff)."
        )
    if not isinstance(body, dict):
        raise Problem(422, "Unprocessable Content", "The body must be a JSON object.")
    check_members(body, max_fields, "The body")
    return body


def check_members(value: Any, max_fields: int, what: str) -> None:
    """422 when VALUE holds more than max_fields object members and array items at all levels."""
    if _members(value) > max_fields:
        raise Problem(
            422, "Unprocessable Content", f"{what} has more than {max_fields} fields and items."
        )


# C0 controls and DEL except tab, newline and carriage return: never part of a real comment,
# NUL is refused by PostgreSQL, and the others confuse logs and terminals downstream.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def storable_text(value: str) -> bool:
    """Text every database keeps and readers can show: no control characters, valid Unicode."""
    if _CONTROL.search(value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def ascii_int(raw: str, max_digits: int) -> int | None:
    """A query value of ASCII digits as an int, else None: int() also takes "1_0", " 7 " and
    other scripts' digits, and a thousand digits costs real time to convert."""
    if raw.isascii() and raw.isdigit() and len(raw) <= max_digits:
        return int(raw)
    return None


def _not_json(name: str) -> Any:
    # Python's parser takes NaN and Infinity; JSON has no such numbers.
    raise ValueError(f"{name} is not a JSON value")


def _finite(literal: str) -> float:
    # 1e400 would be read as infinity, which no later check expects and JSON cannot write back.
    number = float(literal)
    if not math.isfinite(number):
        raise ValueError(f"{literal} is out of range")
    return number


def _encodable(body: Any) -> bool:
    """False when a \\uXXXX escape left half a surrogate pair: no text column can store it."""
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _members(value: Any) -> int:
    """Object members and array items at every level (depth is already bounded)."""
    if isinstance(value, dict):
        return len(value) + sum(_members(item) for item in value.values())
    if isinstance(value, list):
        return len(value) + sum(_members(item) for item in value)
    return 0


def _nesting(text: str) -> int:
    """Upper bound of bracket depth, counted without parsing (brackets inside strings count too)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class FieldErrors:
    """Collects every field problem so the client sees them all in one 422."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.errors:
            raise Problem(
                422,
                "Unprocessable Content",
                "Some fields are missing or wrong.",
                errors=self.errors,
            )


def optional_str(
    body: dict[str, Any], key: str, errors: FieldErrors, *, path: str, max_len: int = 2000
) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.add(path, "must be a string")
        return None
    if len(value) > max_len:
        errors.add(path, f"must be at most {max_len} characters")
        return None
    return value


def required_id(body: dict[str, Any], key: str, errors: FieldErrors, *, path: str) -> str | None:
    """An identifier: a non-empty string (numbers are accepted and kept as their decimal text)."""
    value = body.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        errors.add(path, "is required and must be a non-empty string (or a whole number)")
        return None
    if len(value) > 200:
        errors.add(path, "must be at most 200 characters")
        return None
    return value
