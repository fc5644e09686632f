"""Inspection sampling toolkit.

Sample sizes at 80 % confidence and a 5-point margin for small finite populations, stratified
case selection, the uncertainty of ratings near band boundaries, and professional discretion,
for HM Inspectorate of Probation's youth justice inspections.

``import sampling`` is light: statsmodels and matplotlib are imported only when a function that
needs them is called.
"""

from . import rules
from ._errors import (
    AnswersError,
    BalanceWarning,
    CaseListError,
    DenominatorWarning,
    ReportError,
    ReserveWarning,
    SamplingError,
    SamplingWarning,
)
from ._version import __version__
from .across import (
    Agreement,
    Comparison,
    EmpiricalPrior,
    Funnel,
    compare,
    empirical_prior,
    funnel,
)
from .annexe import AnnexeResult, execute_annexe, write_annexe
from .answers import (
    Answers,
    AnswersTemplate,
    answers_template,
    key_question_wording,
    read_answers,
    report_toml,
)
from .caselists import CaseList, CaseListProblem, read_case_list, read_cases
from .discretion import (
    DiscretionAssessment,
    SimulationResult,
    assess_discretion,
    compare_rules,
    fit_rate_prior,
    operating_characteristic,
    simulate,
)
from .evidence import EvidenceRow
from .fieldwork import Curtailment, FieldworkStatus, curtailment, fieldwork_status
from .framework import (
    FRAMEWORKS,
    Framework,
    Rating,
    band,
    get_framework,
    load_framework,
    overall_rating,
    percent,
    standard_rating,
)
from .journey import report_context, resolve_report
from .plans import DomainPlan, Plan, PlanWorkbook, Replacement, plan, read_plan, replace_case
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
from .selection import (
    Recency,
    Selection,
    SelectionSimulation,
    select,
    select_by_domain,
    simulate_selection,
)
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
from .team import MergedAnswers, TeamTemplates, agreement, merge_answers, team_templates
from .uncertainty import (
    CasesToBoundary,
    Explanation,
    Interval,
    RatingDistribution,
    ReportUncertainty,
    band_probabilities,
    cases_to_boundary,
    hypergeometric_pmf,
    interval,
    interval_table,
    rating_distribution,
    report_uncertainty,
)

__all__ = [
    "__version__",
    # errors and warnings
    "SamplingError",
    "ReportError",
    "CaseListError",
    "AnswersError",
    "SamplingWarning",
    "DenominatorWarning",
    "BalanceWarning",
    "ReserveWarning",
    # the rules
    "Rating",
    "Framework",
    "FRAMEWORKS",
    "get_framework",
    "load_framework",
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
    "resolve_report",
    "report_context",
    "EvidenceRow",
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
    "ReportUncertainty",
    "Explanation",
    "interval_table",
    "hypergeometric_pmf",
    "report_uncertainty",
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
    # answers in, annexe out (the annexe's sections: sampling.annexe)
    "key_question_wording",
    "AnswersTemplate",
    "answers_template",
    "Answers",
    "read_answers",
    "report_toml",
    # fieldwork: a workbook per inspector merged back, which ratings are settled, and what
    # stopping when settled would save
    "TeamTemplates",
    "team_templates",
    "MergedAnswers",
    "merge_answers",
    "fieldwork_status",
    "FieldworkStatus",
    "curtailment",
    "Curtailment",
    "AnnexeResult",
    "execute_annexe",
    "write_annexe",
    "SelectionSimulation",
    "simulate_selection",
    # across inspections (synthetic reports of many services: sampling.synthetic.reports)
    "Comparison",
    "compare",
    "Funnel",
    "funnel",
    "EmpiricalPrior",
    "empirical_prior",
    "Agreement",
    "agreement",
    # reading exports and planning an inspection's sample
    "CaseList",
    "CaseListProblem",
    "read_case_list",
    "Plan",
    "DomainPlan",
    "plan",
    "PlanWorkbook",
    "read_plan",
    "Replacement",
    "replace_case",
]
