"""The same seed gives the same answer on every processor.

An audit trail is only worth its seed if anyone can redraw the sample. OpenBLAS picks a kernel
for the processor it runs on (``OPENBLAS_CORETYPE`` forces one), and its kernels add in different
orders, so anything that decides on the last bits of a BLAS or LAPACK result parts between
machines. Each check here runs the same seeded calls in child processes under four kernels and
one and two threads, and asserts byte-identical output. The sizes are not the ones the notebooks
use, so that a fix tuned to those would not pass.
"""

from __future__ import annotations

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
