"""Click parameter types for numbers that must be finite: FloatRange lets nan and inf through."""

from __future__ import annotations

import math

import click


class FiniteFloat(click.FloatRange):
    """A float in the range that is a real number (not nan, inf or an overflowing 1e400)."""

    name = "finite number"

    def convert(self, value, param, ctx) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


# Row counts and version numbers as SQLite and PostgreSQL integers can hold them.
MAX_INT = 2**31 - 1
ROWS = click.IntRange(min=1, max=MAX_INT)
