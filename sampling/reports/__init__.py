"""Published reports as data: the report model, loading and validating TOML files, reports from
case-level answers, and the rating table that recomputes a report's ratings from its key
questions.

A report file has this shape (the keys are fixed; every field is documented in
``methodology/report-format.md``)::

    id = "essex-2018"
    service = "Essex Youth Offending Service"
    published = "2018"
    framework = "youth-2018"
    overall = "Outstanding"
    # score = 33               # only where the report prints "Score N/36"
    [samples]
    court = 43
    out_of_court = 28
    [standards."2.1"]
    rating = "Outstanding"
    key_questions = { "2.1.1" = 95, "2.1.2" = 95, "2.1.3" = 98 }
    # cases = { "2.1.3" = 40 }          # denominators the report states
    # discretion = "..."               # the report's reason, where it used discretion

The private modules, one job each: ``_model`` (the frozen records), ``_denominators`` (which
denominators print a percentage), ``_loader`` (files and validation), ``_answers`` (case-level
answers) and ``_table`` (the rating table).
"""

from ._answers import ANSWER_WORDS, answer_word, report_from_answers
from ._denominators import feasible_denominators
from ._loader import build_report, list_reports, load_report
from ._model import KeyQuestion, Report, Standard
from ._table import RatingRow, RatingTable, rate_report

__all__ = [
    "KeyQuestion",
    "Standard",
    "Report",
    "RatingRow",
    "RatingTable",
    "load_report",
    "list_reports",
    "build_report",
    "feasible_denominators",
    "report_from_answers",
    "answer_word",
    "ANSWER_WORDS",
    "rate_report",
]
