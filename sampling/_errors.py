"""The package's own small hierarchy of errors and warnings.

Every bad input raises a subclass of :class:`SamplingError` (itself a ``ValueError``) whose
message names the file, column or field at fault and says how to fix it. The command line turns
these into one line on stderr and exit status 2.
"""

from __future__ import annotations


class SamplingError(ValueError):
    """A value the toolkit cannot work with; the message says which and what to do.

    The base of every error the toolkit raises for bad input, and a ``ValueError``, so that
    ``except ValueError`` catches it too.

    Examples
    --------
    >>> import sampling
    >>> try:
    ...     sampling.sample_size(57, margin=5)
    ... except sampling.SamplingError as error:
    ...     print(error)
    margin must be between 0 and 1 (a proportion, e.g. 0.05), got 5
    """


class ReportError(SamplingError):
    """A report file (or a report built in memory) breaks the published rules or the file shape.

    Examples
    --------
    >>> import sampling
    >>> try:
    ...     sampling.load_report("essex-2019")
    ... except sampling.ReportError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    essex-2019: not a bundled report id and not a .toml file; bundled ids are calderdale-2022,
    cambridgeshire-2023, essex-2018, nottingham-city-2020, sunderland-2022
    """


class CaseListError(SamplingError):
    """A case list (CSV or Excel) cannot be used for selection.

    ``problems`` lists every problem found, one entry each (a file with three problems gives
    three); the message is a summary line followed by one line per problem.
    :func:`sampling.read_case_list` gives a :class:`~sampling.CaseListProblem` per problem.

    Parameters
    ----------
    message : str
        The whole message.
    problems : iterable, optional
        The problems, one each; by default the message alone.

    Attributes
    ----------
    problems : list
        The problems, one each.

    Examples
    --------
    >>> import pandas as pd
    >>> import sampling
    >>> export = pd.DataFrame({"Case ID": ["A1", "A2"], "Domain": ["court", "court"], "Sex": ["m", ""]})
    >>> try:
    ...     sampling.read_case_list(export, strata=("gender",))
    ... except sampling.CaseListError as error:
    ...     print(error)
    ...     print(len(error.problems), error.problems[0].kind)  # doctest: +NORMALIZE_WHITESPACE
    (DataFrame): column 'Sex' (gender): 1 blank cell(s), row 3; fill them in the export, or leave
    those cases out
    1 blank cells
    >>> CaseListError("cases.csv: no rows").problems
    ['cases.csv: no rows']
    """

    def __init__(self, message: str, problems=None):
        super().__init__(message)
        self.problems = list(problems) if problems is not None else [message]


class SamplingWarning(UserWarning):
    """Computable but doubtful: a percentage no denominator explains, a balance missed by a case.

    The base of the toolkit's warnings, a ``UserWarning``. Turn them into errors to stop at the
    first doubtful input.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", SamplingWarning)
    ...     try:
    ...         warnings.warn("a doubtful input", BalanceWarning)
    ...     except SamplingWarning as caught:
    ...         print(type(caught).__name__, caught)
    BalanceWarning a doubtful input
    """


class DenominatorWarning(SamplingWarning):
    """A printed percentage cannot come from the denominator the toolkit would otherwise assume.

    Raised while reading a report whose key question gives a percentage but no number of cases:
    the largest denominator that prints it is used, and the warning says how to state the real
    one (``cases = { "2.1.1" = N }``).

    Examples
    --------
    >>> issubclass(DenominatorWarning, SamplingWarning)
    True
    """


class BalanceWarning(SamplingWarning):
    """A selection could not meet the balance guarantee for every category.

    :func:`sampling.select` returns the closest sample and lists the categories it misses in
    ``selection.misses``; :meth:`sampling.Selection.replace` warns when no reserve keeps the
    balance.

    Examples
    --------
    >>> issubclass(BalanceWarning, SamplingWarning)
    True
    """


class ReserveWarning(SamplingWarning):
    """Fewer reserves than asked for: not enough cases are left outside the sample.

    Examples
    --------
    >>> issubclass(ReserveWarning, SamplingWarning)
    True
    """


class AnswersError(SamplingError):
    """An answers workbook (or the plan workbook it is made from) cannot be used.

    ``problems`` lists every problem found, one sentence each; the message is a summary line
    followed by one line per problem, so that the command line prints them all at once.

    Parameters
    ----------
    message : str
        The summary line.
    problems : iterable of str, default ()
        The problems, one sentence each.

    Attributes
    ----------
    problems : tuple of str
        The problems, one sentence each.

    Examples
    --------
    >>> error = AnswersError("answers.xlsx: 2 problems", ["row 3: blank case_id", "row 5: blank answer"])
    >>> print(error)
    answers.xlsx: 2 problems
      row 3: blank case_id
      row 5: blank answer
    >>> error.problems
    ('row 3: blank case_id', 'row 5: blank answer')
    """

    def __init__(self, message: str, problems=()):
        self.problems = tuple(problems)
        lines = [message, *(f"  {problem}" for problem in self.problems)]
        super().__init__("\n".join(lines))
