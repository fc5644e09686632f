"""Argument checks shared by every public function: one place, one wording.

Each check takes the value and the argument's name, returns the value normalised (an ``int``, a
``float``, a pair) and raises :class:`~sampling.SamplingError` naming the argument, the rule and
the value received, e.g. ``judgement_error must be from 0 to below 0.5 (a probability of a flipped
judgement), got 0.9``. The public functions call them first, before any work.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from ._errors import SamplingError

#: Named beta priors for a rate: Jeffreys Beta(1/2, 1/2) and the uniform Beta(1, 1).
NAMED_PRIORS: dict[str, tuple[float, float]] = {"jeffreys": (0.5, 0.5), "uniform": (1.0, 1.0)}

#: The most cases one key question may judge where an analysis walks outcome by outcome (the
#: discretion rules, their simulation and operating characteristics, cases to a boundary). An
#: inspection judges tens of cases a key question (the reports' formula never asks more than 165);
#: a larger number is a typo (``court = 100000000``) and is refused rather than run for hours.
MAX_CASES_JUDGED = 1000

#: The largest eligible population taken as a number of cases. The exact sums multiply a sample
#: size (up to thousands) by a population count in 64-bit integers, which overflow near 9.2e18
#: (at 10**18, ``margin_of_error(180, 10**18, method="exact")`` came out as 1.0), while from far
#: below this every size and margin is the unlimited population's (the finite-population
#: correction moves n by about n0^2 / N, under a case for any n0 below 3 x 10**7). So a larger
#: number is refused, with the fix: an unlimited population (None, or 'inf' on the command line).
MAX_POPULATION = 10**15

#: The most simulated inspections (or draws) a Monte Carlo function runs: 200,000 give a
#: proportion to a standard error of sqrt(0.25 / 200,000) = 0.0011 at worst, finer than any rating
#: needs. A million took 4.5 to 11.5 s in ``simulate`` (three key questions, 11 or 30 cases) on a
#: shared 2-core machine, so 200,000 answer in about 1 to 2.5 s; 10**12 would run for about 60 days.
MAX_REPS = 200_000

#: The most cases a synthetic case list holds: a youth justice service's eligible cases number in
#: the hundreds or low thousands, so 100,000 is far beyond any real list (and takes about a
#: second); 10**12 would be a 7 TiB allocation.
MAX_CASE_LIST = 100_000


def count(value: object, name: str, *, low: int = 0) -> int:
    """A whole number of cases, at least ``low``; floats, NaN, booleans and text are refused.

    >>> count(11, "n", low=1)
    11
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise SamplingError(f"{name} must be a whole number, at least {low}, got {value!r}")
    value = int(value)
    if value < low:
        raise SamplingError(f"{name} must be a whole number, at least {low}, got {value}")
    return value


def counts(k: object, n: object, population: object = None) -> tuple[int, int, int | None]:
    """``k`` of ``n`` "yes" (0 <= k <= n, n >= 1), and an eligible population not below n."""
    n = count(n, "n", low=1)
    k = count(k, "k")
    if k > n:
        raise SamplingError(f"k must be between 0 and n = {n}, got {k}")
    return k, n, optional_population(population, n)


def cases_judged(value: object, name: str = "n") -> int:
    """Cases judged for one key question: a whole number from 1 to :data:`MAX_CASES_JUDGED`.

    >>> cases_judged(11)
    11
    """
    value = count(value, name, low=1)
    if value > MAX_CASES_JUDGED:
        raise SamplingError(f"{name} = {value:,} cases judged for one key question is not a plausible "
                            f"inspection sample (this analysis takes at most {MAX_CASES_JUDGED:,}); "
                            "check the sample sizes (a typo?)")
    return value


def reps(value: object, name: str = "reps") -> int:
    """Simulated inspections or draws: a whole number from 1 to :data:`MAX_REPS`.

    >>> reps(2000)
    2000
    """
    value = count(value, name, low=1)
    if value > MAX_REPS:
        raise SamplingError(f"{name} = {value:,} is more than the maximum of {MAX_REPS:,} (a proportion "
                            f"to 0.0011 at worst, in seconds); give at most {MAX_REPS:,}")
    return value


def case_list_size(value: object, name: str = "N") -> int:
    """Cases of a synthetic case list: a whole number from 1 to :data:`MAX_CASE_LIST`.

    >>> case_list_size(500)
    500
    """
    value = count(value, name, low=1)
    if value > MAX_CASE_LIST:
        raise SamplingError(f"{name} = {value:,} cases is more than the maximum of {MAX_CASE_LIST:,} (far "
                            f"beyond any service's caseload); give at most {MAX_CASE_LIST:,}")
    return value


def population_size(value: int, name: str = "population") -> int:
    """A whole number of eligible cases, at most :data:`MAX_POPULATION` (checked as such by the callers).

    >>> population_size(57)
    57
    """
    if value > MAX_POPULATION:
        raise SamplingError(f"{name} = {value:.3g} cases is more than 10**15, the most taken as a number of "
                            "cases (from there every size and margin is an unlimited population's); give an "
                            "unlimited population instead (None, or 'inf' on the command line)")
    return value


def populations(value: object, name: str = "populations") -> dict[str, int]:
    """Eligible cases per sample: a mapping of sample name to a whole number of cases (at least 1)."""
    from collections.abc import Mapping

    if not isinstance(value, Mapping):
        raise SamplingError(f"{name} must map each sample to its eligible cases, e.g. "
                            f"{{'court': 57, 'out_of_court': 33}}, got {value!r}")
    return {str(key): population_size(count(number, f"{name}[{key!r}]", low=1), f"{name}[{key!r}]")
            for key, number in value.items()}


def optional_population(population: object, n: int | None = None, name: str = "population") -> int | None:
    """None (process sampling) or a whole number of eligible cases, not below the sample ``n``."""
    if population is None:
        return None
    if isinstance(population, bool) or not isinstance(population, numbers.Integral):
        raise SamplingError(f"{name} must be a whole number of eligible cases (or None), got {population!r}")
    population = int(population)
    if population < 1:
        raise SamplingError(f"{name} must be at least 1 case, got {population}")
    population_size(population, name)
    if n is not None and population < n:
        raise SamplingError(f"{name} = {population} is smaller than n = {n}; the eligible cases "
                            "include the inspected ones")
    return population


def real(value: object, name: str) -> float:
    """A finite real number (not a boolean, NaN or infinity)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise SamplingError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def probability(value: object, name: str) -> float:
    """A proportion from 0 to 1 inclusive."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise SamplingError(f"{name} must be a proportion from 0 to 1, got {value!r}")
    return float(value)


def probabilities(values: object, name: str) -> np.ndarray:
    """A non-empty sequence of proportions (a single number or a string is refused)."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise SamplingError(f"{name} must be a list of proportions from 0 to 1, got {values!r}")
    result = np.array([probability(v, f"{name}[{i}]") for i, v in enumerate(values)], dtype=float)
    if result.size == 0:
        raise SamplingError(f"{name} must hold at least one proportion, got an empty list")
    return result


def confidence(value: object, name: str = "confidence") -> float:
    """A confidence level strictly between 0 and 1 (0.80, not 80)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise SamplingError(f"{name} must be between 0 and 1 (a proportion, e.g. 0.80), got {value!r}")
    return float(value)


def judgement_error(value: object) -> float:
    """The probability that one judgement is flipped: from 0 to below 0.5.

    An inspector wrong half the time or more is an inverted judge, not an error rate.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 0.5:
        raise SamplingError("judgement_error must be from 0 to below 0.5 (a probability of a flipped "
                            f"judgement), got {value!r}")
    return float(value)


def correlation(value: object, name: str = "case_correlation") -> float:
    """A correlation from 0 to below 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise SamplingError(f"{name} must be from 0 to below 1, got {value!r}")
    return float(value)


def prior(value: object, name: str = "prior") -> tuple[float, float]:
    """A beta prior: a name ("jeffreys", "uniform") or a pair (a, b) of positive finite numbers.

    >>> prior("jeffreys"), prior((2, 3))
    ((0.5, 0.5), (2.0, 3.0))
    """
    if isinstance(value, str):
        if value not in NAMED_PRIORS:
            raise SamplingError(f"{name} must be one of {', '.join(map(repr, NAMED_PRIORS))} or a pair "
                                f"(a, b) of positive numbers, got {value!r}")
        return NAMED_PRIORS[value]
    try:
        a, b = value  # a pair, or any object that unpacks as one (an empirical prior)
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        raise SamplingError(f"{name} must be {' or '.join(map(repr, NAMED_PRIORS))} or a pair (a, b) of "
                            f"positive numbers, got {value!r}") from None
    if not (math.isfinite(a) and math.isfinite(b) and a > 0 and b > 0):
        raise SamplingError(f"{name} (a, b) must both be positive finite numbers, got ({a}, {b})")
    return a, b


def prior_name(value: object) -> str:
    """How a prior is printed: its name, or beta(a, b)."""
    if isinstance(value, str):
        return value
    a, b = prior(value)
    return f"beta({a:g}, {b:g})"


def choice(value: object, name: str, allowed: Sequence[str]) -> str:
    """One of the option strings, matched exactly (never by prefix or case)."""
    if not isinstance(value, str) or value not in allowed:
        words = (" or ".join(map(repr, allowed)) if len(allowed) == 2
                 else "one of " + ", ".join(map(repr, allowed)))
        raise SamplingError(f"{name} must be {words}, got {value!r}")
    return value


def seed(rng: object):
    """A seed is None, a numpy Generator, or a whole number from 0; returns the int seed or None."""
    if rng is None or isinstance(rng, np.random.Generator):
        return None
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral) or rng < 0:
        raise SamplingError(f"rng must be a whole number from 0 (a seed), a numpy Generator or None, "
                            f"got {rng!r}")
    return int(rng)


def generator(rng: object) -> np.random.Generator:
    """The Generator for ``rng`` after :func:`seed` has checked it."""
    seed(rng)
    return np.random.default_rng(rng)
