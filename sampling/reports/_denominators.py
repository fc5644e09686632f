"""Which denominators can print a percentage, and the "yes" count behind it."""

from __future__ import annotations

import math

from .._errors import SamplingError
from ..framework import percent

__all__ = ["feasible_denominators", "yes_count", "check_percent"]


def feasible_denominators(printed_percent: int, max_n: int) -> list[int]:
    """Every n <= ``max_n`` for which some k out of n prints as ``printed_percent``.

    A printed whole-number percentage p comes from k of n exactly when
    ``percent(k, n) == p`` (half-up rounding), i.e. when the interval
    [n (p - 0.5) / 100, n (p + 0.5) / 100) holds an integer k in 0..n.

    Parameters
    ----------
    printed_percent : int
        A percentage as printed, a whole number from 0 to 100.
    max_n : int
        The largest denominator to try, at least 1.

    Returns
    -------
    list of int
        The denominators, smallest first.

    Raises
    ------
    SamplingError
        For a percentage that is not a whole number from 0 to 100, or a max_n below 1.

    Examples
    --------
    Nottingham City 2.4.3 prints 45 %; 30 cases cannot give it (13/30 = 43 %, 14/30 = 47 %),
    11 can (5/11 = 45.5 %):

    >>> 30 in feasible_denominators(45, 30), 11 in feasible_denominators(45, 30)
    (False, True)
    >>> feasible_denominators(63, 16)
    [8, 16]
    """
    check_percent(printed_percent, "percent")
    if isinstance(max_n, bool) or not isinstance(max_n, int) or max_n < 1:
        raise SamplingError(f"max_n must be a whole number of cases, at least 1, got {max_n!r}")
    return [n for n in range(1, max_n + 1) if yes_count(printed_percent, n) is not None]


def yes_count(printed_percent: int, n: int) -> int | None:
    """The k that prints as ``printed_percent`` from n (nearest to p n / 100), or None."""
    centre = printed_percent * n / 100
    candidates = [k for k in range(max(0, math.floor(centre) - 1), min(n, math.ceil(centre) + 1) + 1)
                  if percent(k, n) == printed_percent]
    if not candidates:
        return None
    return min(candidates, key=lambda k: (abs(k - centre), k))


def check_percent(value: object, where: str, error: type[SamplingError] = SamplingError) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise error(
            f"{where}: a percentage must be a whole number from 0 to 100 (as printed), got {value!r}"
        )
    return value
