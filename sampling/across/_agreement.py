"""Agreement between two inspectors who judged the same cases, and the judgement error it implies."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from .._errors import SamplingError
from ..caselists import read_table
from ._checks import check_confidence, json_number, warn

__all__ = ["Agreement", "AgreementRow", "agreement", "judgement_error_from_disagreement"]

_COLUMNS = ("case_id", "key_question", "first", "second")
_JUDGEMENTS = {"yes": True, "y": True, "no": False, "n": False}


def judgement_error_from_disagreement(disagreement: float) -> float:
    """The flip probability e that makes two independent judges disagree with probability d.

    If each inspector independently turns a case's true answer into the other with
    probability e, they disagree when exactly one of them flips: d = 2 e (1 - e). Solving the
    quadratic for the root below 1/2, e = (1 - sqrt(1 - 2 d)) / 2, defined for d < 1/2 (NaN
    otherwise: two judges disagreeing half the time or more are no better than coin tosses).

    Parameters
    ----------
    disagreement : float
        d, the share of cases the two judges disagree on, from 0 to 1.

    Returns
    -------
    float
        e, from 0 to 1/2 (NaN for d >= 1/2).

    Raises
    ------
    SamplingError
        For a disagreement outside [0, 1].

    Examples
    --------
    >>> round(judgement_error_from_disagreement(0.18), 12)
    0.1
    >>> round(judgement_error_from_disagreement(2 / 24), 4)
    0.0436
    """
    d = float(disagreement)
    if not 0 <= d <= 1:
        raise SamplingError(f"disagreement must be a proportion from 0 to 1, got {disagreement!r}")
    if d >= 0.5:
        return float("nan")
    return (1 - math.sqrt(1 - 2 * d)) / 2


@dataclass(frozen=True)
class AgreementRow:
    """Agreement of two judges over one key question (or all of them: ``key_question`` None).

    One row of :class:`Agreement`; each parameter is also an attribute. The statistics and
    their sources are in :func:`agreement`'s Notes.

    Parameters
    ----------
    key_question : str or None
        The key question (None for every row together).
    cases : int
        Cases judged by both.
    both_yes : int
        Cases both said yes to.
    both_no : int
        Cases both said no to.
    first_only : int
        Cases the first said yes and the second no to.
    second_only : int
        Cases the second said yes and the first no to.
    agreement : float
        The share of cases agreed on.
    agreement_low, agreement_high : float
        Its exact (Clopper-Pearson) interval at ``confidence``.
    kappa : float
        Cohen's kappa (NaN when both judges give one answer throughout).
    kappa_low, kappa_high : float
        Its asymptotic interval.
    ac1 : float
        Gwet's AC1.
    judgement_error : float
        The flip probability the disagreement implies (NaN at half or more).
    judgement_error_low, judgement_error_high : float
        The interval the agreement's interval implies.
    confidence : float
        The intervals' level.

    Examples
    --------
    >>> from sampling import synthetic
    >>> row = agreement(synthetic.double_judged(40, judgement_error=0.1, rng=4)).key_questions[0]
    >>> row.key_question, row.cases, row.both_yes, row.both_no, row.first_only, row.second_only
    ('2.1.1', 40, 28, 8, 3, 1)
    """

    key_question: str | None
    cases: int
    both_yes: int
    both_no: int
    first_only: int  # first said yes, second no
    second_only: int  # second said yes, first no
    agreement: float
    agreement_low: float
    agreement_high: float
    kappa: float
    kappa_low: float
    kappa_high: float
    ac1: float
    judgement_error: float
    judgement_error_low: float
    judgement_error_high: float
    confidence: float

    @property
    def agreeing(self) -> int:
        """Cases agreed on: both yes or both no.

        Examples
        --------
        >>> from sampling import synthetic
        >>> agreement(synthetic.double_judged(40, judgement_error=0.1, rng=4)).overall.agreeing
        101
        """
        return self.both_yes + self.both_no

    def to_dict(self) -> dict:
        """The row's fields as a dict, NaN as None (for JSON).

        Returns
        -------
        dict
            One entry per field.

        Examples
        --------
        >>> from sampling import synthetic
        >>> row = agreement(synthetic.double_judged(40, judgement_error=0.1, rng=4)).key_questions[0]
        >>> data = row.to_dict()
        >>> data["agreement"], round(data["kappa"], 3)
        (0.9, 0.734)
        """
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: (json_number(v) if isinstance(v, float) else v) for k, v in data.items()}


@dataclass(frozen=True)
class Agreement:
    """Two inspectors' judgements of the same cases: overall and per key question.

    ``judgement_error`` (the overall row's) is what :func:`sampling.simulate` and
    :func:`sampling.operating_characteristic` take as ``judgement_error=``. Made by
    :func:`agreement`; each parameter is also an attribute.

    Parameters
    ----------
    overall : AgreementRow
        Every row together.
    key_questions : tuple of AgreementRow
        One per key question, in framework order.
    confidence : float
        The intervals' level.
    source : str
        The file read, or "double-judged cases" for a frame.

    Examples
    --------
    >>> from sampling import synthetic
    >>> result = agreement(synthetic.double_judged(40, judgement_error=0.1, rng=4))
    >>> result.overall.cases, len(result.key_questions), round(result.overall.kappa, 3)
    (120, 3, 0.611)
    """

    overall: AgreementRow
    key_questions: tuple[AgreementRow, ...]
    confidence: float
    source: str

    @property
    def judgement_error(self) -> float:
        """The overall row's judgement error: the flip probability its disagreement implies.

        Examples
        --------
        >>> from sampling import synthetic
        >>> round(agreement(synthetic.double_judged(40, judgement_error=0.1, rng=4)).judgement_error, 4)
        0.0867
        """
        return self.overall.judgement_error

    def to_frame(self):
        """One row per key question, then the overall row (labelled "overall").

        Returns
        -------
        pandas.DataFrame
            Indexed by key question; one column per field of :class:`AgreementRow`.

        Examples
        --------
        >>> from sampling import synthetic
        >>> table = agreement(synthetic.double_judged(40, judgement_error=0.1, rng=4)).to_frame()
        >>> table[["cases", "agreement", "kappa"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
                      cases  agreement  kappa
        key_question
        2.1.1            40      0.900  0.734
        2.1.2            40      0.850  0.547
        2.1.3            40      0.775  0.529
        overall         120      0.842  0.611
        """
        import pandas as pd

        rows = [row.to_dict() for row in (*self.key_questions, self.overall)]
        frame = pd.DataFrame(rows)
        frame["key_question"] = frame["key_question"].fillna("overall")
        return frame.set_index("key_question")

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()

    def to_dict(self) -> dict:
        """The JSON shape of ``python -m sampling agreement --json`` (keys fixed).

        Returns
        -------
        dict
            ``source``, ``confidence``, ``kappa_interval`` and ``agreement_interval`` (the
            methods), ``overall`` (the overall row without its key question) and
            ``key_questions`` (one row each).

        Examples
        --------
        >>> from sampling import synthetic
        >>> data = agreement(synthetic.double_judged(40, judgement_error=0.1, rng=4)).to_dict()
        >>> data["agreement_interval"], data["overall"]["cases"]
        ('exact (Clopper-Pearson)', 120)
        """
        overall = self.overall.to_dict()
        del overall["key_question"]
        return {"source": self.source, "confidence": self.confidence,
                "kappa_interval": "asymptotic normal (Fleiss, Cohen and Everitt 1969; statsmodels)",
                "agreement_interval": "exact (Clopper-Pearson)",
                "overall": overall, "key_questions": [row.to_dict() for row in self.key_questions]}


def _read(frame):
    import pandas as pd

    if isinstance(frame, str | Path):
        path = Path(frame)
        if not path.is_file():
            raise SamplingError(f"{path}: no such file; give a .csv or .xlsx of double-judged cases")
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise SamplingError(f"{path}: must end in .csv or .xlsx")
        table = read_table(path)  # the one reader: encodings, formulas, invisible characters
        table = table.astype(object).where(table.notna(), "")
        return table, str(path)
    if not isinstance(frame, pd.DataFrame):
        raise SamplingError(f"frame must be a pandas DataFrame or the path of a .csv or .xlsx, "
                            f"got {type(frame).__name__}")
    return frame, "double-judged cases"


def _judgement(value) -> bool | None | str:
    """True / False for a yes / no, None for a blank, the text itself when unreadable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    return _JUDGEMENTS.get(text, str(value))


def _clean(frame, where: str):
    """Columns by name (trimmed, any case); every problem found, listed with its row."""
    import pandas as pd

    columns = {str(c).strip().lower().replace(" ", "_"): c for c in frame.columns}
    missing = [c for c in _COLUMNS if c not in columns]
    if missing:
        raise SamplingError(f"{where}: missing column {missing[0]!r}; the columns must be "
                            + ", ".join(_COLUMNS) + "; found: " + ", ".join(map(str, frame.columns)))
    if len(frame) == 0:
        raise SamplingError(f"{where}: no rows; give one row per case and key question judged twice")
    problems, records, seen = [], [], {}
    for position, raw in enumerate(frame[[columns[c] for c in _COLUMNS]].itertuples(index=False), 1):
        case, kq = (str(v).strip() if not pd.isna(v) else "" for v in raw[:2])
        label = f"row {position} (case {case or '?'}, key question {kq or '?'})"
        if not case or not kq:
            problems.append(f"{label}: {'case_id' if not case else 'key_question'} is blank")
        values = []
        for name, value in zip(("first", "second"), raw[2:], strict=True):
            judged = _judgement(value)
            if judged is None:
                problems.append(f"{label}: the {name} judgement is missing; give yes or no")
            elif isinstance(judged, str):
                problems.append(f"{label}: the {name} judgement is {judged!r}; use yes, y, no or n")
            values.append(judged)
        if (case, kq) in seen:
            problems.append(f"{label}: judged already in row {seen[case, kq]}; keep one row per case "
                            "and key question")
        seen.setdefault((case, kq), position)
        records.append((case, kq, *values))
    if problems:
        if len(problems) == 1:
            raise SamplingError(f"{where}: {problems[0]}")
        raise SamplingError(f"{where}: {len(problems)} problems; fix them and run again:\n  "
                            + "\n  ".join(problems))
    return pd.DataFrame(records, columns=list(_COLUMNS))


def _kappa(table: np.ndarray, z: float) -> tuple[float, float, float]:
    """Cohen's kappa and its asymptotic interval, via ``statsmodels.stats.inter_rater``."""
    from statsmodels.stats.inter_rater import cohens_kappa

    n = table.sum()
    expected = float((table.sum(axis=1) * table.sum(axis=0)).sum()) / n ** 2
    if expected >= 1 - 1e-12:  # both judges gave one answer throughout: kappa is undefined
        return float("nan"), float("nan"), float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        result = cohens_kappa(table)
    kappa, se = float(result.kappa), float(result.std_kappa)
    if not np.isfinite(se):
        return kappa, float("nan"), float("nan")
    return kappa, max(-1.0, kappa - z * se), min(1.0, kappa + z * se)


def _row(key_question, first: np.ndarray, second: np.ndarray, confidence: float, z: float) -> AgreementRow:
    from scipy.stats import binomtest

    both_yes = int((first & second).sum())
    both_no = int((~first & ~second).sum())
    first_only = int((first & ~second).sum())
    second_only = int((~first & second).sum())
    n = first.size
    agreeing = both_yes + both_no
    ci = binomtest(agreeing, n).proportion_ci(confidence_level=confidence, method="exact")
    kappa, kappa_low, kappa_high = _kappa(np.array([[both_yes, first_only], [second_only, both_no]]), z)
    share_yes = (2 * both_yes + first_only + second_only) / (2 * n)
    chance = 2 * share_yes * (1 - share_yes)  # Gwet's chance agreement for two categories
    observed = agreeing / n

    def error(d: float) -> float:
        return 0.5 if d >= 0.5 else judgement_error_from_disagreement(d)

    return AgreementRow(
        key_question=key_question, cases=n, both_yes=both_yes, both_no=both_no,
        first_only=first_only, second_only=second_only,
        agreement=observed, agreement_low=float(ci.low), agreement_high=float(ci.high),
        kappa=kappa, kappa_low=kappa_low, kappa_high=kappa_high,
        ac1=(observed - chance) / (1 - chance),
        judgement_error=judgement_error_from_disagreement(1 - observed),
        judgement_error_low=error(1 - float(ci.high)), judgement_error_high=error(1 - float(ci.low)),
        confidence=confidence,
    )


def agreement(frame, *, confidence: float = 0.80) -> Agreement:
    """How far two inspectors agree on the same cases, and the judgement error that implies.

    Parameters
    ----------
    frame : pandas.DataFrame or path of a .csv / .xlsx
        One row per case and key question judged by both: columns ``case_id``,
        ``key_question``, ``first``, ``second`` (headings trimmed, any case). Judgements are read
        like answers: trimmed, any case, "yes" / "y" / "no" / "n".
    confidence : float, default 0.80
        Of the intervals.

    Returns
    -------
    Agreement
        ``overall`` (every row together) and one :class:`AgreementRow` per key question:
        percentage agreement with its exact interval, Cohen's kappa with its interval, Gwet's
        AC1, and the judgement error with the interval its disagreement's interval implies.

    Raises
    ------
    SamplingError
        A frame that is neither a DataFrame nor a .csv / .xlsx path (or a missing file), a
        confidence outside (0, 1), a missing column, no rows; and, all listed at once with their
        rows, a missing or unreadable judgement, a blank case id or key question, a case judged
        twice for one key question.

    Warns
    -----
    SamplingWarning
        When the judges disagree on half the cases or more (no judgement error explains it).

    Notes
    -----
    With p_o the share of agreeing cases and p_e the agreement expected by chance:

    * Cohen's (1960) kappa = (p_o - p_e) / (1 - p_e), p_e = p_1 q_1 + (1 - p_1)(1 - q_1) from
      each judge's own share of yes; computed with ``statsmodels.stats.inter_rater.cohens_kappa``,
      whose large-sample standard error (Fleiss, Cohen and Everitt 1969) gives the interval
      kappa +- z SE. Undefined (NaN) when both judges give one answer throughout.
    * Gwet's (2008) AC1 = (p_o - p_e) / (1 - p_e) with p_e = 2 pi (1 - pi), pi the mean share of
      yes over both judges: it stays near p_o when almost every case is "yes", where kappa
      collapses (the prevalence paradox of Feinstein and Cicchetti 1990).
    * Judgement error: if each judge independently flips a case's true answer with probability
      e, P(disagree) = 2 e (1 - e), so e = (1 - sqrt(1 - 2 d)) / 2 for the observed
      disagreement d = 1 - p_o < 1/2 (:func:`judgement_error_from_disagreement`). It assumes
      the same e for both judges and for "yes" and "no", whatever the true rate.

    References
    ----------
    .. [1] Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
           Psychological Measurement 20, 37-46.
    .. [2] Fleiss, J. L., Cohen, J. and Everitt, B. S. (1969). Large sample standard errors of
           kappa and weighted kappa. Psychological Bulletin 72, 323-327.
    .. [3] Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the
           presence of high agreement. British Journal of Mathematical and Statistical
           Psychology 61, 29-48.

    Examples
    --------
    >>> from sampling import synthetic
    >>> double = synthetic.double_judged(200, judgement_error=0.1, rng=4)
    >>> result = agreement(double)
    >>> result.overall.cases, round(result.overall.agreement, 3), round(result.judgement_error, 3)
    (600, 0.803, 0.111)
    """
    from scipy.stats import norm

    confidence = check_confidence(confidence)
    data, where = _read(frame)
    data = _clean(data, where)
    z = float(norm.ppf(0.5 + confidence / 2))
    first, second = data["first"].to_numpy(bool), data["second"].to_numpy(bool)
    overall = _row(None, first, second, confidence, z)
    rows = []
    for kq, index in data.groupby("key_question", sort=False).indices.items():
        rows.append(_row(kq, first[index], second[index], confidence, z))
    rows.sort(key=lambda r: [(0, int(p), "") if p.isdigit() else (1, 0, p)
                             for p in r.key_question.split(".")])
    if np.isnan(overall.judgement_error):
        warn(f"{where}: the judges disagree on {1 - overall.agreement:.0%} of the cases; no judgement "
             "error below 0.5 explains that (judgement_error is NaN)")
    return Agreement(overall=overall, key_questions=tuple(rows), confidence=confidence, source=where)
