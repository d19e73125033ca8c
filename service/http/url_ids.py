"""Integer path parameters every database can look up: an id no column can hold is a 404.

Integer ids and version numbers are `sa.Integer` columns. Compared with a larger literal,
PostgreSQL raises NumericValueOutOfRange (past 2**31 - 1) and SQLite's driver overflows (past
2**63 - 1) instead of finding nothing, so `<int:...>` refuses such values before any route runs.
"""

from __future__ import annotations

import builtins

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

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


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: rules take their converters when added."""
    app.url_map.converters["int"] = StoredIntConverter
