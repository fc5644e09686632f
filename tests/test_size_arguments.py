"""Every size function refuses the meaningless with SamplingError naming the argument, and
answers in bounded work whatever the population (timings: benchmarks/bench_size.py)."""

from __future__ import annotations

import math

import pytest

from sampling import (
    SamplingError,
    allocate,
    band_accuracy,
    compare_sample_sizes,
    implied_populations,
    margin_of_error,
    populations_for_sample_size,
    sample_size,
    sample_size_for_bands,
    subgroup_margins,
)
from sampling.size import exact_coverage

NAN, INF = float("nan"), float("inf")

CASES = [
    # (function, positional arguments, keyword arguments, the argument the message must name)
    *[(sample_size, (bad,), {}, "population") for bad in (NAN, -INF, "57", True, 57.5, 0, -3, [57])],
    *[(sample_size, (57,), {"confidence": bad}, "confidence") for bad in (0, 1, 1.0, NAN, INF, -0.1, 80, "0.8", True)],
    *[(sample_size, (57,), {"margin": bad}, "margin") for bad in (0, 1.5, NAN, 5, None)],
    *[(sample_size, (57,), {"proportion": bad}, "proportion") for bad in (0, 1, NAN)],
    *[(sample_size, (57,), {"method": bad}, "method") for bad in ("Exact", None, 1, ["exact"], "hypergeometric")],
    (sample_size, (57,), {"correction": "fpc"}, "correction"),
    (sample_size, (57,), {"policy": "hmip-2026-children"}, "policy"),
    *[(margin_of_error, (bad, 57), {}, "n") for bad in (11.5, NAN, INF, 0, -1, "10", True)],
    (margin_of_error, (60, 57), {}, "n = 60 is more than the population of 57"),
    (margin_of_error, (10, NAN), {}, "population"),
    (margin_of_error, (10, 57), {"confidence": 1}, "confidence"),
    (margin_of_error, (10, 57), {"method": "bayes"}, "method"),
    *[(populations_for_sample_size, (bad,), {}, "n") for bad in (11.5, NAN, 0, -4)],
    (populations_for_sample_size, (43,), {"margin": NAN}, "margin"),
    *[(exact_coverage, args, {}, name) for args, name in (((11.5, 57, 0.05), "n"), ((10, 57.5, 0.05), "population"),
                                                           ((10, 57, 5), "margin"), ((60, 57, 0.05), "n = 60"))],
    *[(allocate, (bad, [1, 2]), {}, "total") for bad in (10.5, -1, NAN, "10")],
    *[(allocate, (10, bad), {}, "sizes") for bad in ([NAN], [-1, 2], "abc", [], [0, 0])],
    (subgroup_margins, ({"male": 3.5},), {}, "n must be a whole number"),
    (subgroup_margins, ({"male": 3}, {"female": 8}), {}, "population has no subgroup 'male'"),
    (subgroup_margins, ("male",), {}, "sample"),
    (implied_populations, ("court",), {}, "samples"),
    (implied_populations, ({"court": 11.5},), {}, "n must be a whole number"),
    (compare_sample_sizes, (NAN,), {}, "population"),
    (compare_sample_sizes, (57,), {"confidence": 0}, "confidence"),
    (sample_size_for_bands, (57,), {"accuracy": 0}, "accuracy"),
    (sample_size_for_bands, (57,), {"distance": -5}, "distance"),
    (sample_size_for_bands, (57,), {"model": "binomial"}, "model"),
    (band_accuracy, (NAN,), {}, "n"),
    (band_accuracy, (10,), {"population": -2}, "population"),
    (band_accuracy, (10,), {"distance": NAN}, "distance"),
]


@pytest.mark.parametrize(("function", "args", "kwargs", "name"), CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, *_) in enumerate(CASES)])
def test_meaningless_arguments_are_refused_by_name(function, args, kwargs, name):
    with pytest.raises(SamplingError) as info:
        function(*args, **kwargs)
    assert name in str(info.value)
    assert isinstance(info.value, ValueError)


def test_an_unlimited_population_is_none_or_infinity():
    assert sample_size(math.inf).population is None
    assert sample_size(INF, method="exact").n == sample_size(None, method="exact").n == 180


@pytest.mark.parametrize("population", [10**6, 10**9, 10**12])
def test_every_size_function_handles_huge_populations(population):
    # bounded work: no array the size of the population is ever made
    assert sample_size(population, method="exact").n == 180
    assert sample_size(population).n == 165
    assert 0.049 < margin_of_error(180, population, method="exact") <= 0.05
    assert exact_coverage(180, population, 0.05) >= 0.8
    assert sample_size_for_bands(population).n == 111
    assert band_accuracy(111, population).worst_accuracy >= 0.8
    assert compare_sample_sizes(population).exact.n == 180
    assert sample_size(population, policy="hmip-2025-children").n == 91
