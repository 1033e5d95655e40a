"""The one validation helper: every "Invalid value for the ... parameter" message comes from here."""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Iterable

from mimicry.core.errors import ConfigError, MimicryError

__all__ = ["arg_range", "check_int", "check_number", "check_option", "check_range",
           "check_type", "expected_range", "invalid"]


def invalid(name: str, expected: str, value: Any, *, error: type[MimicryError] = ConfigError,
            where: str = "", shown: str | None = None) -> MimicryError:
    """The uniform error for a bad ``value`` of parameter ``name`` (returned, not raised).

    ``expected`` completes "expected ..."; ``where`` (a file, a row) prefixes the message.
    """
    got = repr(value) if shown is None else shown
    prefix = f"{where}: " if where else ""
    return error(f"{prefix}Invalid value for the {name!r} parameter: expected {expected}, "
                 f"but got {got} instead.")


def check_option(name: str, value: Any, allowed: Iterable[Any], *,
                 error: type[MimicryError] = ConfigError, where: str = "") -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise ``error``.

    "Invalid value for the 'condition' parameter. Allowed values are 'happy', 'sad',
    but got 'hapy' instead."
    """
    allowed = tuple(allowed)
    try:
        ok = value in allowed
    except TypeError:  # e.g. an unhashable value against a dict's keys
        ok = False
    if not ok:
        prefix = f"{where}: " if where else ""
        raise error(f"{prefix}Invalid value for the {name!r} parameter. Allowed values are "
                    f"{', '.join(repr(a) for a in allowed)}, but got {value!r} instead.")
    return value


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def expected_range(lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = False,
                   hi_open: bool = False, kind: str = "a number") -> str:
    """Words for a range: "a number from 0 to 1", "an integer >= 1", "a number > 0"."""
    has_lo, has_hi = lo != -math.inf, hi != math.inf
    if has_lo and has_hi and not lo_open and not hi_open:
        return f"{kind} from {_fmt(lo)} to {_fmt(hi)}"
    parts = []
    if has_lo:
        parts.append(f"{'>' if lo_open else '>='} {_fmt(lo)}")
    if has_hi:
        parts.append(f"{'<' if hi_open else '<='} {_fmt(hi)}")
    if not parts:
        return f"a finite {kind.split(' ', 1)[-1]}"
    return f"{kind} {' and '.join(parts)}"


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_range(name: str, value: Any, lo: float = -math.inf, hi: float = math.inf, *,
                lo_open: bool = False, hi_open: bool = False,
                error: type[MimicryError] = ConfigError, where: str = "",
                expected: str | None = None) -> float:
    """Return ``value`` as a float if it is a finite number within the bounds, else raise.

    NaN, infinities, bools and non-numbers are rejected. "Invalid value for the 'noise'
    parameter: expected a number from 0 to 1, but got 2.0 instead."
    """
    ok = _is_real(value) and math.isfinite(value)
    if ok:
        ok = (value > lo if lo_open else value >= lo) and (value < hi if hi_open else value <= hi)
    if not ok:
        raise invalid(name, expected or expected_range(lo, hi, lo_open=lo_open, hi_open=hi_open),
                      value, error=error, where=where)
    return float(value)


#: Same as :func:`check_range` (a finite number, optionally bounded).
check_number = check_range


def check_int(name: str, value: Any, lo: int | None = None, hi: int | None = None, *,
              error: type[MimicryError] = ConfigError, where: str = "",
              expected: str | None = None) -> int:
    """Return ``value`` as an int if it is an integer (not a bool) within the bounds, else raise."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok:
        ok = (lo is None or value >= lo) and (hi is None or value <= hi)
    if not ok:
        words = expected or expected_range(-math.inf if lo is None else lo,
                                           math.inf if hi is None else hi, kind="an integer")
        raise invalid(name, words, value, error=error, where=where)
    return int(value)


def check_type(name: str, value: Any, types: type | tuple[type, ...], *,
               error: type[MimicryError] = ConfigError, where: str = "",
               type_name: str | None = None) -> Any:
    """Return ``value`` if it is an instance of ``types``, else raise."""
    if not isinstance(value, types):
        if type_name is None:
            ts = types if isinstance(types, tuple) else (types,)
            type_name = " or ".join(f"{t.__name__} instances" for t in ts)
        raise invalid(name, type_name, value, error=error, where=where)
    return value


def arg_range(lo: float = -math.inf, hi: float = math.inf, kind: type = float, *,
              lo_open: bool = False, hi_open: bool = False) -> Callable[[str], Any]:
    """An argparse ``type=`` function: parse a ``kind`` (int or float) within the bounds.

    A bad value raises :class:`argparse.ArgumentTypeError`, so argparse rejects it with
    "argument --fps: expected a number from 1 to 240, but got 'abc' instead."
    """
    import argparse  # noqa: PLC0415

    words = expected_range(lo, hi, lo_open=lo_open, hi_open=hi_open,
                           kind="an integer" if kind is int else "a number")

    def parse(text: str):
        try:
            value = kind(text)
            if kind is int:
                check_int("value", value, None if lo == -math.inf else lo,
                          None if hi == math.inf else hi)
            else:
                check_range("value", value, lo, hi, lo_open=lo_open, hi_open=hi_open)
        except (TypeError, ValueError, OverflowError, MimicryError):
            raise argparse.ArgumentTypeError(
                f"expected {words}, but got {text!r} instead") from None
        return value

    parse.__name__ = "integer" if kind is int else "number"
    return parse
