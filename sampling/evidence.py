"""One shape for the evidence: each key question's "yes" of relevant cases, of N eligible.

Every analysis reads a report through these records (or the table :meth:`Report.evidence`
builds from them): the rating table, the uncertainty of each rating, the discretion rules and
their simulation. Nobody else works out a key question's sample, population or band.

A key question's eligible population: the reports give one population per sample (court,
out-of-court), while a key question may be relevant to fewer of the sampled cases than the
sample holds. Its population is then its relevant cases plus the unseen eligible cases *in the
same share*: N_kq = relevant + (N - sample) x relevant / sample, rounded half up
(:func:`key_question_population`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._errors import SamplingError
from .framework import Rating
from .size import populations_for_sample_size

__all__ = ["EvidenceRow", "EVIDENCE_COLUMNS", "evidence_rows", "evidence_frame", "key_question_population",
           "implied_populations_of"]

#: The columns of :meth:`sampling.Report.evidence`, in order.
EVIDENCE_COLUMNS = ("domain", "standard", "key_question", "yes", "relevant", "population", "percent", "band")


@dataclass(frozen=True)
class EvidenceRow:
    """One key question's evidence: ``yes`` of ``relevant`` cases (of ``population`` eligible).

    Made by :meth:`sampling.Report.evidence_rows`; each parameter is also an attribute.

    Parameters
    ----------
    domain : str
        The sample its cases come from: court, out_of_court, resettlement.
    standard : str
        The standard's id.
    key_question : str
        The key question's id.
    yes : int
        "Yes" judgements.
    relevant : int
        Cases judged yes or no (the denominator).
    population : int or None
        The key question's eligible cases (:func:`key_question_population`), None when no
        population was given.
    percent : int
        The percentage as printed.
    band : Rating
        The printed percentage's band.

    Examples
    --------
    >>> from sampling import load_report
    >>> row = load_report("calderdale-2022").evidence_rows({"court": 30, "out_of_court": 40})[0]
    >>> row.key_question, row.yes, row.relevant, row.population, row.percent, row.band.label
    ('2.1.1', 8, 11, 30, 73, 'Good')
    """

    domain: str  # the sample its cases come from: court, out_of_court, resettlement
    standard: str
    key_question: str
    yes: int
    relevant: int
    population: int | None
    percent: int
    band: Rating

    def to_dict(self) -> dict:
        """The row as a dict, the band by its label: one row of :meth:`sampling.Report.evidence`.

        Returns
        -------
        dict
            One entry per field, in the order of :data:`EVIDENCE_COLUMNS`.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").evidence_rows()[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'domain': 'court', 'standard': '2.1', 'key_question': '2.1.1', 'yes': 8, 'relevant': 11,
         'population': None, 'percent': 73, 'band': 'Good'}
        """
        return {"domain": self.domain, "standard": self.standard, "key_question": self.key_question,
                "yes": self.yes, "relevant": self.relevant, "population": self.population,
                "percent": self.percent, "band": self.band.label}
    def to_frame(self):
        """The result as a one-row table, the columns of :meth:`to_dict`.

        Returns
        -------
        pandas.DataFrame
            One row.

        Examples
        --------
        >>> from sampling import load_report
        >>> load_report("calderdale-2022").evidence_rows()[0].to_frame().shape
        (1, 8)
        """
        import pandas as pd

        return pd.DataFrame([self.to_dict()])



def key_question_population(relevant: int, sample: int, population: int) -> int:
    """Eligible cases behind one key question: its relevant cases and the unseen, in proportion.

    N_kq = relevant + (population - sample) x relevant / sample, rounded half up (the toolkit's
    one rounding). A key question relevant to every sampled case gets the whole population.

    Parameters
    ----------
    relevant : int
        The key question's denominator (cases judged yes or no).
    sample : int
        The cases sampled from the population (at least ``relevant``).
    population : int
        The eligible cases the sample was drawn from (at least ``sample``).

    Returns
    -------
    int
        N_kq, the key question's eligible cases.

    Raises
    ------
    SamplingError
        If the population is smaller than the sample, or the sample smaller than ``relevant``.

    Examples
    --------
    >>> key_question_population(43, 43, 57), key_question_population(40, 43, 57)
    (57, 53)
    """
    if population < sample:
        raise SamplingError(f"populations: {population} eligible cases is smaller than its sample of "
                            f"{sample}; give the number of eligible cases the sample was drawn from")
    if sample < relevant:
        sample = relevant  # a key question may count cases beyond the stated sample (stated cases)
    unseen = population - sample
    return relevant + (2 * unseen * relevant + sample) // (2 * sample)


def evidence_rows(report, populations: Mapping[str, int] | None = None) -> tuple[EvidenceRow, ...]:
    """The evidence of every key question of ``report``, with populations where given.

    Parameters
    ----------
    report : Report
        The report.
    populations : mapping of str to int, optional
        Eligible cases per sample; each key question's population is then
        :func:`key_question_population` of it.

    Returns
    -------
    tuple of EvidenceRow
        One per key question, in the report's order.

    Raises
    ------
    SamplingError
        If ``populations`` lacks a sample that a key question needs, or a population is
        smaller than its sample.

    Examples
    --------
    >>> from sampling import load_report
    >>> rows = evidence_rows(load_report("calderdale-2022"), {"court": 30, "out_of_court": 40})
    >>> len(rows), rows[-1].key_question, rows[-1].population
    (21, '3.3.3', 40)
    """
    rows = []
    for standard in report.standards:
        for kq in standard.key_questions:
            domain = report.framework.sample_of(kq.id)
            big_n = None
            if populations is not None:
                if domain not in populations:
                    raise SamplingError(f"populations: give the eligible cases for the {domain} sample "
                                        f"(e.g. populations={{'{domain}': N}})")
                sample = report.samples.get(domain, kq.n)
                big_n = key_question_population(kq.n, sample, int(populations[domain]))
            rows.append(EvidenceRow(domain, standard.id, kq.id, kq.k, kq.n, big_n, kq.percent, kq.rating))
    return tuple(rows)


def evidence_frame(rows) -> object:
    """The tidy table of evidence rows (``population`` is a nullable integer column).

    Parameters
    ----------
    rows : iterable of EvidenceRow
        The rows, e.g. from :func:`evidence_rows`.

    Returns
    -------
    pandas.DataFrame
        One row per key question, columns :data:`EVIDENCE_COLUMNS`.

    Examples
    --------
    >>> from sampling import load_report
    >>> table = evidence_frame(evidence_rows(load_report("calderdale-2022")))
    >>> list(table.columns) == list(EVIDENCE_COLUMNS), str(table["population"].dtype)
    (True, 'Int64')
    """
    import pandas as pd

    frame = pd.DataFrame([row.to_dict() for row in rows], columns=list(EVIDENCE_COLUMNS))
    frame["population"] = frame["population"].astype("Int64")
    return frame


def implied_populations_of(report) -> dict[str, int]:
    """The eligible populations a report's samples imply: the smallest N giving each n.

    Uses :func:`sampling.size.populations_for_sample_size` at the reports' 80 % and 5 points; a
    sample the formula cannot give (above 165) is taken as drawn from an unlimited population and
    left out. A caller that uses these says so (``populations_source = "implied"``).

    Parameters
    ----------
    report : Report
        The report.

    Returns
    -------
    dict of str to int
        The smallest eligible population per sample.

    Examples
    --------
    >>> from sampling import load_report
    >>> implied_populations_of(load_report("essex-2018"))
    {'court': 57, 'out_of_court': 33}
    """

    result = {}
    for name, n in report.samples.items():
        if n < 1:
            continue
        found = populations_for_sample_size(n)
        if not found.empty:
            result[name] = found.low
    return result
