"""The same seed gives the same answer under every BLAS kernel for the simulation paths that
``tests/test_reproducible.py`` does not draw: shared case quality with a population, judgement error
with a population, and the exact joint distribution behind shared case quality (its Fourier
transform and quadrature are numpy's own, not BLAS). Two kernels that add in different orders."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent(
    """
    import hashlib

    import sampling

    parts = []
    for options in ({"population": 40, "judgement_error": 0.05}, {"population": 40, "case_correlation": 0.4},
                    {"case_correlation": 0.7, "judgement_error": 0.1}):
        result = sampling.simulate([0.48, 0.66, 0.79], 13, rule="interval(0.8)", reps=3000, rng=21, **options)
        parts.append(result.summary().to_csv(index=False))
    oc = sampling.operating_characteristic(9, key_questions=3, case_correlation=0.5, rule="cases(1)")
    parts.append(oc.to_csv())
    parts.append(sampling.simulate("essex-2018", case_correlation=0.5, reps=2000, rng=3).summary().to_csv())
    print(hashlib.sha256("\\n".join(parts).encode()).hexdigest())
    """
)


def test_same_seed_same_output_under_two_blas_kernels():
    digests = {}
    children = {}
    for kernel in ("Prescott", "SkylakeX"):
        env = dict(os.environ, OPENBLAS_CORETYPE=kernel, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        children[kernel] = subprocess.Popen([sys.executable, "-c", PROGRAM], env=env, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True)
    for kernel, child in children.items():
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, f"{kernel}: {err}"
        digests[kernel] = out.strip()
    assert len(set(digests.values())) == 1, digests
