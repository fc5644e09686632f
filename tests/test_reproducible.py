"""The same seed gives the same answer on every processor.

An audit trail is only worth its seed if anyone can redraw the sample. OpenBLAS picks a kernel
for the processor it runs on (``OPENBLAS_CORETYPE`` forces one), and its kernels add in different
orders, so anything that decides on the last bits of a BLAS or LAPACK result parts between
machines. Each check here runs the same seeded calls in child processes under four kernels and
one and two threads, and asserts byte-identical output; the estimates that an optimiser or a
BLAS call could make (the empirical prior, the funnel's decisions, the rate prior) must agree to
1e-9 under three kernels, and their decisions exactly. The sizes are not the ones the notebooks
use, so that a fix tuned to those would not pass.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from sampling.selection import _null_vector

KERNELS = ("Prescott", "Nehalem", "Haswell", "SkylakeX")
THREADS = ("1", "2")

# Every seeded path: balanced samples with reserves (several shapes, recency, domains), the
# synthetic case list, and simulated inspections (independent, correlated, judgement error).
PROGRAM = textwrap.dedent(
    """
    import hashlib
    import warnings

    import sampling
    from sampling.selection import Recency
    from sampling.synthetic import case_list

    warnings.simplefilter("ignore")
    parts = []
    for population, n, reserves, seed in [(57, 43, 3, 2018), (41, 29, 4, 3), (130, 38, 6, 99),
                                          (333, 71, 9, 12345), (2500, 120, 15, 8)]:
        cases = case_list(population, rng=seed)
        chosen = sampling.select(cases, n, reserves=reserves, rng=seed)
        parts.append(",".join(map(str, chosen.sample["case_id"])))
        parts.append(",".join(map(str, chosen.reserves["case_id"])))
    cases = case_list(240, rng=31)
    recent = Recency("start_date", "2023-09-01", months=(0, 5), share=0.6)
    parts.append(",".join(sampling.select(cases, 44, recency=recent, rng=4).sample["case_id"]))
    for name, part in sampling.select_by_domain(cases, 37, reserves=3, rng=77).items():
        parts.append(name + ":" + ",".join(part.sample["case_id"]) + "/" + ",".join(part.reserves["case_id"]))
    parts.append(case_list(500, rng=5).to_csv(index=False))
    for options in ({}, {"case_correlation": 0.4}, {"judgement_error": 0.05}, {"population": 40}):
        result = sampling.simulate([0.48, 0.66, 0.79], 13, rule="cases(1)", reps=3000, rng=21, **options)
        parts.append(result.summary().to_csv(index=False))
    print(hashlib.sha256("\\n".join(parts).encode()).hexdigest())
    """
)


def _run(kernel: str, threads: str) -> subprocess.Popen:
    env = dict(os.environ, OPENBLAS_CORETYPE=kernel, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads)
    return subprocess.Popen([sys.executable, "-c", PROGRAM], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_same_seed_same_output_under_every_blas_kernel():
    runs = {}
    for threads in THREADS:  # two children at a time: one per core
        children = {(kernel, threads): _run(kernel, threads) for kernel in KERNELS}
        for key, child in children.items():
            out, err = child.communicate(timeout=300)
            assert child.returncode == 0, f"{key}: {err}"
            runs[key] = out.strip()
    digests = set(runs.values())
    assert len(digests) == 1, f"the output depends on the BLAS kernel: {runs}"


# Every estimate an optimiser or a BLAS/LAPACK call could make: the empirical prior (beta-binomial
# maximum likelihood) on bundled and synthetic reports, on services that spread less than
# sampling (its edge, and the warning that says so), the funnel's decisions, and the
# method-of-moments rate prior. Printed as JSON: estimates as floats, decisions as booleans and
# strings.
ESTIMATES = textwrap.dedent(
    """
    import json
    import warnings

    import pandas as pd

    import sampling
    from sampling import SamplingWarning, synthetic
    from sampling.framework import get_framework

    warnings.simplefilter("error")
    rows = [(f"C{i}", kq, "yes" if i < 8 else "no")
            for spec in get_framework("youth-2021").standards for kq in spec.key_questions for i in range(10)]
    answers = pd.DataFrame(rows, columns=["case_id", "key_question", "answer"])
    ratings = dict.fromkeys(["1.1", "1.2", "1.3", "1.4", "3.4"], "Good")
    same = [sampling.report_from_answers(answers, qualitative=ratings, id=f"same-{i}") for i in range(3)]
    bundled = sampling.list_reports()
    sets = {"bundled": (bundled, None), "bundled 2.3.2": (bundled, "2.3.2"),
            "bundled 2.1.1": (bundled, "2.1.1"), "bundled 3.2.2": (bundled, "3.2.2"),
            "synthetic 40": (synthetic.reports(40, rng=5), "2.1.1"),
            "synthetic 13": (synthetic.reports(13, rng=2024, concentration=60.0), "3.1.2"),
            "synthetic 9 pooled": (synthetic.reports(9, rng=71), None),
            "same": (same, "2.1.1")}
    out = {"estimates": {}, "decisions": {}}
    for name, (reports, key_question) in sets.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SamplingWarning)
            fitted = sampling.empirical_prior(reports, key_question)
        out["estimates"][name] = [fitted.mean, fitted.concentration, fitted.log_likelihood,
                                  *fitted.to_frame()["shrunken"]]
        out["decisions"][name] = [fitted.at_boundary, len(caught)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SamplingWarning)  # the bundled 2018 and 2021 reports together
            chart = sampling.funnel(reports, key_question)
        out["estimates"]["funnel " + name] = [float(v) for v in chart.pooled["dispersion"].fillna(-1.0)]
        out["decisions"]["funnel " + name] = [[str(p["direction"]), str(p["outside"])]
                                              for _, p in chart.points.iterrows()]
    out["estimates"]["fit_rate_prior"] = list(sampling.fit_rate_prior())
    print(json.dumps(out))
    """
)


def test_estimates_agree_under_every_blas_kernel():
    # the child's environment names its kernel explicitly; everything else (PYTHONPATH included)
    # is passed through
    children = {kernel: subprocess.Popen(
        [sys.executable, "-c", ESTIMATES], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, OPENBLAS_CORETYPE=kernel, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1"))
        for kernel in ("Haswell", "SkylakeX", "Prescott")}
    runs = {}
    for kernel, child in children.items():
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, f"{kernel}: {err}"
        runs[kernel] = json.loads(out)
    first = runs["Haswell"]
    assert first["decisions"]["same"] == [True, 1]  # the edge is reached, and said, on this data
    assert not any(first["decisions"][name][0] for name in first["decisions"] if name.startswith("bundled"))
    for kernel, run in runs.items():
        assert run["decisions"] == first["decisions"], f"{kernel}: a decision depends on the BLAS kernel"
        assert run["estimates"].keys() == first["estimates"].keys()
        for name, values in run["estimates"].items():
            assert len(values) == len(first["estimates"][name])
            assert np.allclose(values, first["estimates"][name], rtol=1e-9, atol=0), f"{kernel}: {name}"


@pytest.mark.parametrize("seed", range(40))
def test_exact_null_vector_against_floating_point_rank(seed):
    # numpy.linalg.matrix_rank is reliable on small 0/1 matrices; the exact vector must lie in the
    # null space, exist exactly when the columns are dependent, and be a fixed integer vector.
    rng = np.random.default_rng(seed)
    rows, columns = rng.integers(1, 10), rng.integers(1, 12)
    matrix = (rng.random((rows, columns)) < rng.uniform(0.2, 0.7)).astype(np.int64)
    if seed % 5 == 0:  # a repeated row and a repeated column: rank-deficient on purpose
        matrix = np.vstack([matrix, matrix[:1]])
        matrix = np.hstack([matrix, matrix[:, :1]])
    vector = _null_vector(matrix)
    dependent = np.linalg.matrix_rank(matrix) < matrix.shape[1]
    assert (vector is not None) == dependent
    if vector is not None:
        assert np.all(matrix @ vector == 0)
        assert np.any(vector != 0)
        assert np.all(vector == np.round(vector))
        assert np.gcd.reduce(vector.astype(np.int64)) == 1
