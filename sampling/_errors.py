"""The package's own small hierarchy of errors and warnings.

Every bad input raises a subclass of :class:`SamplingError` (itself a ``ValueError``) whose
message names the file, column or field at fault and says how to fix it. The command line turns
these into one line on stderr and exit status 2.
"""

from __future__ import annotations


class SamplingError(ValueError):
    """A value the toolkit cannot work with; the message says which and what to do."""


class ReportError(SamplingError):
    """A report file (or a report built in memory) breaks the published rules or the file shape."""


class CaseListError(SamplingError):
    """A case list (CSV or Excel) cannot be used for selection.

    ``problems`` lists every problem found, one entry each (a file with three problems gives
    three); the message is a summary line followed by one line per problem.
    """

    def __init__(self, message: str, problems=None):
        super().__init__(message)
        self.problems = list(problems) if problems is not None else [message]


class SamplingWarning(UserWarning):
    """Computable but doubtful: a percentage no denominator explains, a balance missed by a case."""


class DenominatorWarning(SamplingWarning):
    """A printed percentage cannot come from the denominator the toolkit would otherwise assume."""


class BalanceWarning(SamplingWarning):
    """A selection could not meet the balance guarantee for every category."""


class ReserveWarning(SamplingWarning):
    """Fewer reserves than asked for: not enough cases are left outside the sample."""


class AnswersError(SamplingError):
    """An answers workbook (or the plan workbook it is made from) cannot be used.

    ``problems`` lists every problem found, one sentence each; the message is a summary line
    followed by one line per problem, so that the command line prints them all at once.
    """

    def __init__(self, message: str, problems=()):
        self.problems = tuple(problems)
        lines = [message, *(f"  {problem}" for problem in self.problems)]
        super().__init__("\n".join(lines))
