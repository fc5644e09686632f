"""Inspection sampling toolkit.

Sample sizes at 80 % confidence and a 5-point margin for small finite populations, stratified
case selection, the uncertainty of ratings near band boundaries, and professional discretion,
for HM Inspectorate of Probation's youth justice inspections.

``import sampling`` is light: statsmodels and matplotlib are imported only when a function that
needs them is called.
"""

from . import rules
from ._errors import (
    BalanceWarning,
    CaseListError,
    DenominatorWarning,
    ReportError,
    SamplingError,
    SamplingWarning,
)
from .discretion import (
    DiscretionAssessment,
    SimulationResult,
    assess_discretion,
    compare_rules,
    fit_rate_prior,
    operating_characteristic,
    simulate,
)
from .framework import (
    FRAMEWORKS,
    Framework,
    Rating,
    band,
    get_framework,
    overall_rating,
    percent,
    standard_rating,
)
from .reports import (
    KeyQuestion,
    RatingTable,
    Report,
    Standard,
    feasible_denominators,
    list_reports,
    load_report,
    rate_report,
    report_from_answers,
)
from .selection import Recency, Selection, read_cases, select, select_by_domain
from .size import (
    BandAccuracy,
    BandSampleSize,
    PopulationRange,
    SampleSize,
    SamplingPolicy,
    SizeComparison,
    allocate,
    band_accuracy,
    compare_sample_sizes,
    get_policy,
    implied_populations,
    list_policies,
    margin_of_error,
    populations_for_sample_size,
    sample_size,
    sample_size_for_bands,
    subgroup_margins,
)
from .uncertainty import (
    CasesToBoundary,
    Interval,
    RatingDistribution,
    band_probabilities,
    cases_to_boundary,
    interval,
    rating_distribution,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    # errors and warnings
    "SamplingError",
    "ReportError",
    "CaseListError",
    "SamplingWarning",
    "DenominatorWarning",
    "BalanceWarning",
    # the rules
    "Rating",
    "Framework",
    "FRAMEWORKS",
    "get_framework",
    "percent",
    "band",
    "standard_rating",
    "overall_rating",
    # reports
    "Report",
    "Standard",
    "KeyQuestion",
    "RatingTable",
    "load_report",
    "list_reports",
    "feasible_denominators",
    "report_from_answers",
    "rate_report",
    # sample size
    "SampleSize",
    "PopulationRange",
    "sample_size",
    "margin_of_error",
    "populations_for_sample_size",
    "allocate",
    "subgroup_margins",
    "implied_populations",
    "SizeComparison",
    "compare_sample_sizes",
    "SamplingPolicy",
    "get_policy",
    "list_policies",
    "BandSampleSize",
    "sample_size_for_bands",
    "BandAccuracy",
    "band_accuracy",
    # band-boundary uncertainty
    "Interval",
    "interval",
    "band_probabilities",
    "CasesToBoundary",
    "cases_to_boundary",
    "RatingDistribution",
    "rating_distribution",
    # professional discretion (the rules themselves: sampling.rules)
    "rules",
    "DiscretionAssessment",
    "assess_discretion",
    "SimulationResult",
    "simulate",
    "operating_characteristic",
    "compare_rules",
    "fit_rate_prior",
    # stratified selection (synthetic case lists: sampling.synthetic.case_list)
    "Recency",
    "Selection",
    "select",
    "select_by_domain",
    "read_cases",
]
