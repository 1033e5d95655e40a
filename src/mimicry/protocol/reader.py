"""Typed values out of a parsed TOML table, each bad one a one-line error naming its key."""

from __future__ import annotations

import difflib
import math
from typing import Any, Sequence

from mimicry.core.check import check_option
from mimicry.core.errors import ConfigError
from mimicry.protocol import limits as L


def show(v: Any) -> str:
    """A value for an error line: short, one line."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "a table"
    text = repr(v)
    if len(text) > 80:
        size = f"{len(v)} characters" if isinstance(v, str) else f"{len(text)} characters written"
        text = f"{text[:60]}... ({size})"
    return text


class TableReader:
    """Takes typed values out of one parsed TOML table, naming the key on error.

    ``allowed`` lists the keys the table may hold; any other is an error naming
    the closest allowed one.
    """

    def __init__(self, source: str, table_name: str, table: Any,
                 allowed: Sequence[str]) -> None:
        self.source = source
        self.table_name = table_name
        where = f"[{table_name}]" if table_name else "top level"
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: {where} must be a table, got {show(table)}")
        self.table = table
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(
                    f"{source}: unknown key {self._name(key)}{hint}; allowed keys "
                    f"{'at the top level' if not table_name else 'in [' + table_name + ']'} "
                    f"are {', '.join(allowed)}")

    def _name(self, key: str) -> str:
        return f"[{self.table_name}] {key}" if self.table_name else key

    def fail(self, key: str, expected: str, got: Any) -> ConfigError:
        return ConfigError(f"{self.source}: {self._name(key)} must be {expected}, got {show(got)}")

    def has(self, key: str) -> bool:
        return key in self.table

    def integer(self, key: str, default: int, minimum: int, maximum: int) -> int:
        if key not in self.table:
            return default
        v = self.table[key]
        if isinstance(v, bool) or not isinstance(v, int) or not minimum <= v <= maximum:
            raise self.fail(key, f"an integer from {minimum} to {maximum}", v)
        return int(v)

    def number(self, key: str, default: float, lo: float, hi: float,
               lo_open: bool = False) -> float:
        if key not in self.table:
            return default
        v = self.table[key]
        expected = (f"a number > {lo:g} and <= {hi:g}" if lo_open
                    else f"a number from {lo:g} to {hi:g}")
        if (isinstance(v, bool) or not isinstance(v, (int, float))
                or (isinstance(v, float) and not math.isfinite(v))):  # no float(10**400)
            raise self.fail(key, expected, v)
        if (v <= lo if lo_open else v < lo) or v > hi:
            raise self.fail(key, expected, v)
        return float(v)

    def string(self, key: str, default: str, *, max_chars: int, nonempty: bool = False,
               forbid: str = "", allow: str = "") -> str:
        if key not in self.table:
            return default
        v = self.table[key]
        expected = "a non-empty string" if nonempty else "a string"
        expected += f" of at most {max_chars} characters"
        if forbid:
            expected += f" without {' or '.join(repr(c) for c in forbid)}"
        if (not isinstance(v, str) or (nonempty and not v.strip()) or len(v) > max_chars
                or any(c in v for c in forbid)):
            raise self.fail(key, expected, v)
        bad = L.first_control(v, allow)
        if bad is not None:
            raise self.fail(key, f"text without control characters such as {bad!r}", v)
        return v

    def boolean(self, key: str, default: bool) -> bool:
        if key not in self.table:
            return default
        v = self.table[key]
        if not isinstance(v, bool):
            raise self.fail(key, "true or false", v)
        return v

    def choice(self, key: str, default: str, allowed: Sequence[str]) -> str:
        if key not in self.table:
            return default
        v = self.table[key]
        if not isinstance(v, str) or len(v) > 100 or L.first_control(v) is not None:
            raise self.fail(key, f"one of {', '.join(repr(a) for a in allowed)}", v)
        return check_option(self._name(key), v, allowed, where=self.source)
