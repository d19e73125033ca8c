"""Path parameters every id can travel in, and every database can look up.

- Integer ids and version numbers are `sa.Integer` columns. Compared with a larger literal,
  PostgreSQL raises NumericValueOutOfRange (past 2**31 - 1) and SQLite's driver overflows (past
  2**63 - 1) instead of finding nothing, so `<int:...>` refuses such values before any route runs.
- Ids the site chose (author ids: a Coral user id, an e-mail, "wp/1234") may hold any character,
  "/" included. `<opaque:...>` takes them whole. A "/" cannot be told from "%2F" once a WSGI
  server has decoded the path, so both arrive as "/" and the converter accepts them; links we
  make (`url_for`) send "/" as it is, which proxies pass untouched, and percent-encode the rest.
"""

from __future__ import annotations

import builtins

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, PathConverter

MAX_STORED_INT = 2**31 - 1


class StoredIntConverter(IntegerConverter):
    """`int`, limited to ASCII digits and to what a 32-bit integer column holds."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        low = -MAX_STORED_INT - 1 if min is None else builtins.max(min, -MAX_STORED_INT - 1)
        high = MAX_STORED_INT if max is None else builtins.min(max, MAX_STORED_INT)
        super().__init__(map, fixed_digits, low, high, signed)


class OpaqueIdConverter(PathConverter):
    """Any non-empty string, slashes included (a leading, trailing or doubled one too), up to
    whatever fixed part of the rule follows it (`/authors/<site>/<opaque:author>/notes`).

    Rules using it need `merge_slashes=False` (see OPAQUE), or "a//b" would be redirected to "a/b".
    """

    regex = r".+?"
    part_isolating = False  # a "/" inside the value is not a boundary between rule parts


# Route options for a rule with an <opaque:...> parameter: `@bp.get(rule, **OPAQUE)`.
OPAQUE = {"merge_slashes": False}


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: rules take their converters when added."""
    app.url_map.converters["int"] = StoredIntConverter
    app.url_map.converters["opaque"] = OpaqueIdConverter
