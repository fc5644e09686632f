"""Across inspections: did a service really change, how does it sit among its peers, and how far do
two inspectors agree.

* :func:`compare`: two inspections of a service, per key question (difference with Newcombe's
  interval, P(true band changed)), per standard and overall.
* :func:`funnel`: many services' results against their numbers of cases, with exact binomial
  control limits (Spiegelhalter 2005); :func:`empirical_prior`: a Beta prior for key-question
  rates fitted to many services by beta-binomial maximum likelihood, with shrunken estimates.
* :func:`agreement`: two inspectors' judgements of the same cases: percentage agreement,
  Cohen's kappa, Gwet's AC1, and the judgement error that :func:`sampling.simulate` takes.

See ``methodology/across-inspections.md``.
"""

from ._agreement import (
    Agreement,
    AgreementRow,
    RelevanceRow,
    agreement,
    judgement_error_from_disagreement,
)
from ._compare import Comparison, compare, difference_interval
from ._funnel import (
    EmpiricalPrior,
    Funnel,
    beta_binomial_log_likelihood,
    empirical_prior,
    funnel,
    funnel_limits,
)

__all__ = [
    "Comparison",
    "compare",
    "difference_interval",
    "Funnel",
    "funnel",
    "funnel_limits",
    "EmpiricalPrior",
    "empirical_prior",
    "beta_binomial_log_likelihood",
    "Agreement",
    "AgreementRow",
    "RelevanceRow",
    "agreement",
    "judgement_error_from_disagreement",
]
