"""Synthetic case lists for examples, tests and notebooks.

No real case data enters this repository: case lists describe children. These lists have the
columns a service's case list would have for selection, with category shares in the range the
reports describe (mostly boys; few cases of high risk of serious harm; about 40 % court and 60 %
out-of-court work, as Calderdale's 11 and 17), and are generated from a seed.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._errors import SamplingError

__all__ = ["case_list", "CATEGORIES", "REFERENCE_DATE"]

#: The fieldwork date the synthetic start dates are spread back from (Cambridgeshire's fieldwork
#: started in August 2023).
REFERENCE_DATE = "2023-08-07"

#: Category shares used by :func:`case_list` (illustrative, not measured from any service).
CATEGORIES = {
    "domain": {"court": 0.40, "out_of_court": 0.60},
    "gender": {"male": 0.85, "female": 0.15},
    "disposal_type": {
        "court": {"referral order": 0.55, "youth rehabilitation order": 0.35,
                  "detention and training order": 0.10},
        "out_of_court": {"community resolution": 0.55, "youth caution": 0.25,
                         "youth conditional caution": 0.20},
    },
    "rosh": {"low": 0.50, "medium": 0.38, "high": 0.10, "very high": 0.02},
    "safety_wellbeing": {"low": 0.25, "medium": 0.45, "high": 0.25, "very high": 0.05},
}


def _pick(rng, shares: dict, size: int) -> np.ndarray:
    labels = np.array(list(shares))
    return labels[rng.choice(len(labels), size=size, p=np.array(list(shares.values())))]


def case_list(N: int, *, rng=None):  # noqa: N803 - N is the population's name throughout
    """A plausible synthetic case list of ``N`` cases.

    Columns: ``case_id`` (S00001, ...), ``domain`` (court / out_of_court), ``gender``,
    ``disposal_type`` (by domain), ``rosh`` (risk of serious harm), ``safety_wellbeing``,
    ``start_date`` (spread over the 12 months before :data:`REFERENCE_DATE`). Risk of serious
    harm and safety-and-wellbeing ratings are mildly associated with court work and with each
    other, as real caseloads are, so that the cross-classification is not a product of margins.

    Examples
    --------
    >>> cases = case_list(500, rng=1)
    >>> cases.shape, list(cases.columns)
    ((500, 7), ['case_id', 'domain', 'gender', 'disposal_type', 'rosh', 'safety_wellbeing', 'start_date'])
    >>> case_list(50, rng=7).equals(case_list(50, rng=7))
    True
    """
    import pandas as pd

    if isinstance(N, bool) or not isinstance(N, numbers.Integral) or N < 1:
        raise SamplingError(f"N must be a whole number of cases, at least 1, got {N!r}")
    rng = np.random.default_rng(rng)
    domain = _pick(rng, CATEGORIES["domain"], N)
    gender = _pick(rng, CATEGORIES["gender"], N)
    disposal = np.empty(N, dtype=object)
    for name, shares in CATEGORIES["disposal_type"].items():
        rows = domain == name
        disposal[rows] = _pick(rng, shares, int(rows.sum()))
    # an ordinal latent risk, higher for court cases, shared by the two risk ratings
    latent = rng.normal(size=N) + np.where(domain == "court", 0.4, 0.0)
    rosh = _ordinal(latent + rng.normal(scale=1.0, size=N), CATEGORIES["rosh"])
    safety = _ordinal(latent + rng.normal(scale=1.0, size=N), CATEGORIES["safety_wellbeing"])
    days = rng.integers(0, 365, size=N)
    start = pd.Timestamp(REFERENCE_DATE) - pd.to_timedelta(days, unit="D")
    return pd.DataFrame({
        "case_id": [f"S{i:05d}" for i in range(1, N + 1)],
        "domain": domain,
        "gender": gender,
        "disposal_type": disposal.astype(str),
        "rosh": rosh,
        "safety_wellbeing": safety,
        "start_date": start.strftime("%Y-%m-%d"),
    })


def _ordinal(score: np.ndarray, shares: dict) -> np.ndarray:
    """Cut a continuous score at its quantiles so that the categories get the given shares."""
    labels = np.array(list(shares))
    cuts = np.quantile(score, np.cumsum(list(shares.values()))[:-1])
    return labels[np.searchsorted(cuts, score, side="right")]
