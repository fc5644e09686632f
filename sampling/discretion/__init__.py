"""Professional discretion: which standards were within reach of the next band, what the reports
did, and what each candidate rule does to the chance of a wrong rating.

* :func:`assess_discretion` reads a report: per standard, the rule's rating and the published one,
  the cases to the next band, P(higher band), each rule's verdict and whether discretion was used.
* :func:`simulate` runs many inspections of a standard or a whole report with known true rates,
  optionally with cases that share quality across key questions (``case_correlation``) and
  inspectors who disagree (``judgement_error``), and counts right and wrong ratings with and
  without a rule.
* :func:`operating_characteristic` gives, exactly, P(each awarded band) as a function of the true
  rate under the independent model (the operating-characteristic curves of lot quality assurance
  sampling); :func:`compare_rules` tabulates error rates per rule over a range or a prior of rates.

The rules themselves live in :mod:`sampling.rules`. See ``methodology/professional-discretion.md``.
The private modules, one job each: ``_assess`` (what the reports did), ``_plans`` (what is
simulated and the draws), ``_simulate`` (the Monte Carlo) and ``_operating`` (the exact curves).
"""

from ._assess import DiscretionAssessment, DiscretionRow, assess_discretion
from ._operating import compare_rules, fit_rate_prior, operating_characteristic
from ._simulate import SimulationResult, simulate

__all__ = [
    "DiscretionAssessment",
    "DiscretionRow",
    "assess_discretion",
    "SimulationResult",
    "simulate",
    "operating_characteristic",
    "compare_rules",
    "fit_rate_prior",
]
