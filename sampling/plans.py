"""A sampling plan for an inspection: a case-list export in, one workbook out.

What the reports' "sample sizes and selection" paragraphs describe, in one call: the eligible
cases split by domain (court, out-of-court, and resettlement when flagged), each domain sized
from its own population at 80 % confidence and a 5-point margin ("The sample size was set to
achieve a confidence level of 80 per cent (with a margin of error of 5)", Essex 2018, Annex 1),
each selected balanced on gender, disposal type, risk of serious harm and safety and wellbeing
("we ensured that the ratios ... matched those in the eligible population", ibid.), with
reserves that each name the sampled case they stand in for. :func:`plan` returns a
:class:`Plan`; ``Plan.write`` writes the workbook (sheets ``sample``, ``reserves``, ``balance``,
``audit``); :func:`replace_case` withdraws a case from a written plan and swaps in its reserve;
:func:`read_plan` reads one back. The format is described in ``methodology/inspection-workflow.md``.
"""

from __future__ import annotations

import datetime
import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._errors import BalanceWarning, ReserveWarning, SamplingError, SamplingWarning
from ._files import append_row, fill_sheet, new_workbook, save_workbook
from ._files import now as _now
from ._files import source_date as _source_date
from ._text import clean, control_characters, looks
from ._version import __version__
from .caselists import (
    DOMAIN_NAMES,
    DOMAIN_WORDS,
    CaseList,
    cell_text,
    load_workbook,
    normalise_heading,
    normalise_value,
    read_case_list,
)
from .record import InspectionRecord, SampleRecord
from .selection import DEFAULT_STRATA, Recency, Selection, choose_reserve, recount_balance, select
from .size import get_policy, list_policies, margin_of_error, sample_size

__all__ = ["Plan", "DomainPlan", "PlanWorkbook", "Replacement", "plan", "read_plan", "replace_case",
           "METHODS", "RECENCY", "RESERVE_SHARE", "MIN_RESERVES", "SHEETS"]

#: The sizing methods, as ``python -m sampling size`` offers them: the normal approximation with
#: the reports' Cochran correction (the default), with the simple correction, or exact.
METHODS: dict[str, dict[str, str]] = {
    "cochran": {"method": "normal", "correction": "cochran"},
    "simple": {"method": "normal", "correction": "simple"},
    "exact": {"method": "exact"},
}

#: Recency by domain, when the export has a date and a fieldwork date is given: (months before
#: fieldwork, nearer end first, and the share of the sample from that window). Essex (2018),
#: Annex 1: "Sixty per cent of the cases selected were those of children and young people who
#: had received court disposals six to nine months earlier"; "Forty per cent of cases selected
#: were those of children and young people who had received out of court disposals three to
#: five months earlier". Resettlement cases are not balanced on recency.
RECENCY: dict[str, tuple[tuple[int, int], float]] = {"court": ((6, 9), 0.6), "out_of_court": ((3, 5), 0.4)}

#: Default reserves per domain: this share of the domain's sample, rounded up, and at least
#: :data:`MIN_RESERVES` (a working margin for withdrawals, not a rule from the reports).
RESERVE_SHARE = 0.2
MIN_RESERVES = 2

#: The sheets of a plan workbook, in order (``withdrawn`` appears with the first replacement).
SHEETS = ("sample", "reserves", "balance", "audit")

#: The balancing variables in words, as the record says how a sample was drawn.
_STRATUM_WORDS = {"gender": "gender", "disposal_type": "disposal type", "rosh": "risk of serious harm",
                  "safety_wellbeing": "safety and wellbeing", "case_type": "court or out-of-court"}
_KIND = "inspection-sampling plan"
_CASE_COLUMNS = ("domain", "case_id", "gender", "disposal_type", "rosh", "safety_wellbeing", "date", "recent",
                 "row")
_BALANCE_COLUMNS = ("domain", "variable", "category", "population", "target", "sample")
_WITHDRAWN_COLUMNS = ("reason", "withdrawn_at", "replaced_by")


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class DomainPlan:
    """One domain of a plan: its population, sample size, how it was set, and its selection.

    ``method`` is the sizing method, or "given" when ``n`` was given; ``margin`` the margin of
    error ``n`` achieves from ``population`` (at the plan's confidence, by the plan's method; 0
    for a census, None when nothing is sampled); ``reserves_asked`` the reserves wanted and
    ``selection`` the balanced sample with its reserves (None when ``n`` is 0). One of
    ``Plan.domains``; each parameter is also an attribute.

    Parameters
    ----------
    domain : str
        The domain: "court", "out_of_court", "resettlement", "children" or "victims".
    population : int
        Its eligible cases.
    n : int
        Its sample size.
    method : str
        The sizing method (with the policy, if any), or "given".
    margin : float or None
        The margin of error ``n`` achieves, a proportion.
    n_unrounded : float or None
        The sizing formula's value before rounding (None when ``n`` was given).
    reserves_asked : int
        The reserves wanted.
    recency : Recency or None
        The recency balance, if any.
    selection : Selection or None
        The balanced sample and its reserves.

    Examples
    --------
    >>> from sampling.synthetic import messy_case_list
    >>> result = plan(messy_case_list(300, rng=1), seed=2024)
    >>> court = result.domain("court")
    >>> court.population, court.n, court.method, round(court.margin, 4), court.reserves_asked
    (127, 72, 'cochran', 0.0499, 15)
    """

    domain: str
    population: int
    n: int
    method: str
    margin: float | None
    n_unrounded: float | None
    reserves_asked: int
    recency: Recency | None
    selection: Selection | None

    @property
    def reserves(self) -> int:
        """The reserves drawn (fewer than asked when too few cases are left).

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> result.domain("court").reserves
        15
        """
        return 0 if self.selection is None else len(self.selection.reserves)

    @property
    def balanced(self) -> bool:
        """Whether every ratio is within a case (True when nothing is sampled).

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> result.domain("court").balanced
        True
        """
        return self.selection is None or self.selection.balanced

    def to_dict(self) -> dict:
        """The domain as ``--json`` prints it.

        Returns
        -------
        dict
            ``population``, ``n``, ``method``, ``margin``, ``sample`` (case ids) and
            ``reserves`` (``{"case_id", "replaces"}`` in rank order).

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> result.domain("court").to_dict()["reserves"][0]
        {'case_id': 'YJ-00015', 'replaces': 'YJ-00122'}
        """
        selection = self.selection
        sample = [] if selection is None else [str(c) for c in selection.sample["case_id"]]
        reserves = [] if selection is None else [
            {"case_id": str(r), "replaces": str(c)}
            for r, c in zip(selection.reserves["case_id"], selection.reserves["replaces"], strict=True)]
        return {"population": self.population, "n": self.n, "method": self.method, "margin": self.margin,
                "sample": sample, "reserves": reserves}

    def to_frame(self):
        """The result as a one-row table, the columns of :meth:`to_dict`.

        Returns
        -------
        pandas.DataFrame
            One row: ``domain``, ``population``, ``n``, ``method``, ``margin``, ``reserves``
            and ``balanced``.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> plan(messy_case_list(300, rng=1), seed=2024).domain("court").to_frame()["n"].tolist()
        [72]
        """
        import pandas as pd

        return pd.DataFrame([{"domain": self.domain, "population": self.population, "n": self.n,
                              "method": self.method, "margin": self.margin, "reserves": self.reserves,
                              "balanced": self.balanced}])


@dataclass(frozen=True)
class Plan:
    """A sampling plan: the case list read, each domain's size and balanced selection, the audit.

    ``sample``, ``reserves``, ``balance`` and ``audit()`` are the workbook's sheets as
    DataFrames; ``write(path)`` writes them; ``to_dict()`` is the ``--json`` shape and
    ``to_frame()`` one row per domain. Made by :func:`plan`; each parameter is also an attribute.

    Parameters
    ----------
    cases : CaseList
        The case list read.
    seed : int
        The seed each domain's stream is drawn from.
    domains : tuple of DomainPlan
        Each domain's size and selection, in the plan's order.
    method : str
        The sizing method (a key of :data:`METHODS`).
    confidence : float
        The confidence level of the sizes.
    target_margin : float
        The target margin of error, a proportion.
    fieldwork_date : datetime.date or None
        The fieldwork start, for recency.
    strata : tuple of str
        The balancing variables.
    command : str
        The command (or Python call) recorded in the audit.
    created : datetime.datetime
        When the plan was made, to the second.
    version : str
        The toolkit's version.
    notes : tuple of str, default ()
        What was said (as warnings too), e.g. fewer reserves than asked for.
    _extras : tuple of str, default ()
        The export's other headings, kept as columns of the case sheets (internal).
    victims : CaseList or None, default None
        The victims' case list, when one was planned.
    service : str or None, default None
        The service inspected, for the record.
    policy, victims_policy : str or None, default None
        The sampling policies the children's and the victims' samples were sized by.

    Examples
    --------
    >>> from sampling.synthetic import messy_case_list
    >>> result = plan(messy_case_list(300, rng=1), seed=2024)
    >>> result.seed, result.method, result.confidence, result.target_margin, result.strata
    (2024, 'cochran', 0.8, 0.05, ('gender', 'disposal_type', 'rosh', 'safety_wellbeing'))
    """

    cases: CaseList
    seed: int
    domains: tuple[DomainPlan, ...]
    method: str
    confidence: float
    target_margin: float
    fieldwork_date: datetime.date | None
    strata: tuple[str, ...]
    command: str
    created: datetime.datetime
    version: str
    notes: tuple[str, ...] = ()
    _extras: tuple[str, ...] = field(default=(), repr=False)
    victims: CaseList | None = None
    service: str | None = None
    policy: str | None = None
    victims_policy: str | None = None

    def domain(self, name: str) -> DomainPlan:
        """The plan of one domain.

        Parameters
        ----------
        name : str
            "court", "out-of-court", "out_of_court", "resettlement", "children" or "victims"
            (any case and spacing).

        Returns
        -------
        DomainPlan
            The domain's plan.

        Raises
        ------
        SamplingError
            If the plan has no such domain (its domains are listed).

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> result.domain("Out-of-court").n
        85
        """
        key = _domain_key(name) or name
        for part in self.domains:
            if part.domain == key:
                return part
        raise SamplingError(f"domain {name!r} is not in this plan; its domains: "
                            + ", ".join(p.domain for p in self.domains))

    @property
    def sample(self):
        """The ``sample`` sheet: one row per sampled case, domain by domain.

        Columns ``domain``, ``case_id``, the balancing variables, ``date``, ``recent``
        (yes / no), ``row`` (the export's row) and the export's other columns.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> result.sample.shape, result.sample.columns.tolist()[:3]
        ((157, 10), ['domain', 'case_id', 'gender'])
        """
        return _case_sheet(self, "sample")

    @property
    def reserves(self):
        """The ``reserves`` sheet: as ``sample``, with ``replaces`` and ``reserve_rank``.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> result.reserves[["domain", "case_id", "replaces", "reserve_rank"]].head(2)
          domain   case_id  replaces  reserve_rank
        0  court  YJ-00015  YJ-00122             1
        1  court  YJ-00151  YJ-00052             2
        """
        return _case_sheet(self, "reserves")

    @property
    def balance(self):
        """The ``balance`` sheet: per domain, variable and category its population, target and sample.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> result.balance.columns.tolist()
        ['domain', 'variable', 'category', 'population', 'target', 'sample']
        """
        return _balance_sheet(self)

    def audit(self):
        """The ``audit`` sheet: rows of ``field`` and ``value``.

        What was read (file, SHA-256, headings), the design, each domain's size, margin,
        reserves and balance, the notes, the command and the time.

        Returns
        -------
        pandas.DataFrame
            Columns ``field`` and ``value``.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> audit = result.audit().set_index("field")["value"]
        >>> audit["workbook"], audit["seed"], audit["court n"], audit["court balance"]
        ('inspection-sampling plan', 2024, 72, 'every ratio within a case')
        """
        import pandas as pd

        return pd.DataFrame(_audit_rows(self), columns=["field", "value"])

    def inspection_record(self) -> InspectionRecord:
        """The inspection's record: the service, framework and programme, the fieldwork date, the
        seed, and each sample's eligible population, size, size method, achieved margin and how
        it was drawn (``methodology/inspection-record.md``).

        Returns
        -------
        InspectionRecord
            What the plan workbook's ``record`` sheet holds.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024, service="Anyshire YJS")
        >>> record = result.inspection_record()
        >>> record.framework, record.populations, round(record.samples["court"].achieved_margin, 4)
        ('youth-2021', {'court': 127, 'out_of_court': 173}, 0.0499)
        """
        pooled = _policy_for(self.policy, "children", "policy") is not None
        samples = {}
        for part in self.domains:
            strata = tuple(part.selection.strata) if part.selection is not None else ()
            words = [_STRATUM_WORDS.get(s, s.replace("_", " ")) for s in strata]
            drawn = "at random" if strata in ((), ("domain",)) else "balanced on " + ", ".join(words)
            samples[part.domain] = SampleRecord(part.domain, part.population, part.n, part.method,
                                                part.margin, drawn)
        return InspectionRecord(self.service, "youth-2025" if pooled else "youth-2021", self.policy,
                                self.fieldwork_date.isoformat() if self.fieldwork_date else None, self.seed,
                                self.confidence, self.target_margin, samples)

    def record(self) -> list[tuple[str, object]]:
        """The ``record`` sheet's rows of ``field`` and ``value`` (:meth:`inspection_record`).

        Returns
        -------
        list of tuple
            (field, value) pairs.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> rows = dict(plan(messy_case_list(300, rng=1), seed=2024).record())
        >>> rows["service"], rows["court population"], rows["published"]
        ('(not given)', 127, 'not yet published')
        """
        return self.inspection_record().rows()

    def to_dict(self) -> dict:
        """The plan as ``--json`` prints it.

        Returns
        -------
        dict
            ``seed``, ``input_sha256``, ``domains`` (each :meth:`DomainPlan.to_dict`), with a
            victims' list ``victims_sha256``, the ``settings`` the plan was made with (method,
            confidence, target margin as a proportion, strata, fieldwork date, policies, command,
            toolkit version) and the inspection's ``record`` (:meth:`inspection_record`).

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> data = result.to_dict()
        >>> data["seed"], list(data["domains"])
        (2024, ['court', 'out_of_court'])
        """
        data = {"seed": self.seed, "input_sha256": self.cases.sha256,
                "domains": {part.domain: part.to_dict() for part in self.domains}}
        if self.victims is not None:
            data["victims_sha256"] = self.victims.sha256
        data["settings"] = {"method": self.method, "confidence": self.confidence,
                            "target_margin_proportion": self.target_margin, "strata": list(self.strata),
                            "fieldwork_date": None if self.fieldwork_date is None
                            else self.fieldwork_date.isoformat(),
                            "policy": self.policy, "victims_policy": self.victims_policy,
                            "command": self.command, "toolkit_version": __version__}
        data["record"] = self.inspection_record().to_dict()
        return data

    def to_frame(self):
        """One row per domain: its population, size, method, margin, reserves and balance.

        Returns
        -------
        pandas.DataFrame
            Columns ``domain``, ``population``, ``n``, ``method``, ``margin``, ``reserves`` and
            ``balanced``.

        Examples
        --------
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> result.to_frame()[["domain", "n", "reserves"]]
                 domain   n  reserves
        0         court  72        15
        1  out_of_court  85        17
        """
        import pandas as pd

        return pd.DataFrame([{"domain": p.domain, "population": p.population, "n": p.n, "method": p.method,
                              "margin": p.margin, "reserves": p.reserves, "balanced": p.balanced}
                             for p in self.domains])

    def _repr_html_(self) -> str:
        return self.to_frame()._repr_html_()

    def write(self, path, *, overwrite: bool = False) -> None:
        """Write the workbook (whole or not at all; refuses an existing file unless ``overwrite``).

        The sheets are :data:`SHEETS` (``sample``, ``reserves``, ``balance`` and ``audit``) and
        ``record``, the inspection's record (:meth:`inspection_record`).

        Parameters
        ----------
        path : str or path
            The ``.xlsx`` file to write.
        overwrite : bool, default False
            Replace an existing file.

        Raises
        ------
        SamplingError
            For a path that does not end in ``.xlsx``, or an existing file without
            ``overwrite``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     result.write(Path(folder) / "PLAN.xlsx")
        ...     print(read_plan(Path(folder) / "PLAN.xlsx").sample.shape)
        (157, 10)
        """
        out = Path(path)
        if out.suffix.lower() != ".xlsx":
            raise SamplingError(f"a plan is an Excel workbook: {str(path)!r} must end in .xlsx")
        if out.exists() and not overwrite:
            raise SamplingError(f"{path} exists; choose another name or overwrite it (--force)")
        import pandas as pd

        record = pd.DataFrame(self.record(), columns=["field", "value"])
        sheets = [("sample", self.sample), ("reserves", self.reserves), ("balance", self.balance),
                  ("audit", self.audit()), ("record", record)]
        _write_book(out, sheets)


# --------------------------------------------------------------------------------------------
# the plan


def plan(
    cases,
    *,
    seed: int,
    n: Mapping[str, int] | None = None,
    reserves: int | None = None,
    method: str = "cochran",
    policy: str | None = None,
    confidence: float | None = None,
    margin: float | None = None,
    fieldwork_date=None,
    strata: Sequence[str] = DEFAULT_STRATA,
    columns: Mapping[str, str] | None = None,
    sheet: str | int | None = None,
    disposal_domains: Mapping[str, str] | None = None,
    recency: Mapping[str, tuple[tuple[int, int], float]] | None = None,
    victims=None,
    victims_policy: str | None = None,
    victims_reserves: int | None = None,
    victims_strata: Sequence[str] = (),
    victims_columns: Mapping[str, str] | None = None,
    command: str | None = None,
    service: str | None = None,
    blank_as=None,
    values=None,
) -> Plan:
    """Size and select every domain of a case list, with reserves that name whom they replace.

    Parameters
    ----------
    cases : str, Path, pandas.DataFrame or CaseList
        The export (read with :func:`sampling.read_case_list`, which ``columns``, ``sheet`` and
        ``disposal_domains`` are passed to), or a case list already read.
    seed : int
        A whole number from 0; each domain draws from its own stream of it (numpy's
        ``SeedSequence(seed, spawn_key=(k,))``, k = 0, 1, 2 for court, out-of-court,
        resettlement), so changing one domain's size leaves the others' samples as they were.
    n : mapping of str to int, optional
        Sample size by domain, e.g. ``{"court": 30, "out-of-court": 12}``; 0 leaves a domain out.
        Domains not named are sized by ``method``.
    reserves : int, optional
        Reserves per domain; by default :data:`RESERVE_SHARE` of the domain's sample, rounded
        up, and at least :data:`MIN_RESERVES`.
    method : {"cochran", "simple", "exact"}, default "cochran"
        How each domain is sized from its population (:data:`METHODS`): the reports' normal
        approximation with the Cochran correction, the simple correction, or the exact
        hypergeometric size (:func:`sampling.sample_size`).
    policy : str, optional
        A sampling policy for children's cases (:func:`sampling.list_policies`, e.g.
        "hmip-2025-children"). Under such a policy the court, out-of-court and resettlement cases
        are one sample, ``children``, as the 2025 programme inspects them: sized from all its
        eligible cases by the policy (the method's size clamped to the floor and cap, a population
        below the floor taken whole; :func:`sampling.sample_size` with ``policy=``), and balanced
        on ``case_type`` (court, out-of-court or resettlement) as well as ``strata``. Recency is
        not balanced in a pooled sample.
    confidence, margin : float, optional
        Passed to :func:`sampling.sample_size` (its defaults, the reports' 80 % and 5 points).
    fieldwork_date : str or date, optional
        The fieldwork start (YYYY-MM-DD). With a date column, court and out-of-court samples
        are balanced on recency as :data:`RECENCY` says (or ``recency``, by domain).
    strata : sequence of str, default DEFAULT_STRATA
        The balancing variables.
    columns : mapping of str to str, optional
        Field to heading for the case list, passed to :func:`sampling.read_case_list`.
    sheet : str or int, optional
        The workbook's sheet, passed to :func:`sampling.read_case_list`.
    disposal_domains : mapping of str to str, optional
        Disposal type to domain, passed to :func:`sampling.read_case_list`.
    recency : mapping, optional
        Recency by domain, ``{domain: ((near, far), share)}``, replacing :data:`RECENCY` for the
        domains it names (used only with ``fieldwork_date``).
    victims : str, Path, pandas.DataFrame or CaseList, optional
        The eligible victims' cases, a second population (the 2025 programme's work with victims),
        read with :func:`sampling.read_case_list` (``domain="victims"``: only a case id column is
        needed) and planned as the domain ``victims`` into the same workbook.
    victims_policy : str, optional
        The victims' sampling policy, e.g. "hmip-2025-victims"; by default the victims' policy of
        the same year as ``policy`` (hmip-2025-children gives hmip-2025-victims), else ``method``
        alone.
    victims_reserves : int, optional
        Reserves for the victims' sample; by default as for ``reserves``.
    victims_strata : sequence of str, default ()
        Columns of the victims' list to balance on; by default none, and the victims' cases are
        drawn at random with equal probability (the public record does not say how the
        inspectorate chooses them).
    victims_columns : mapping of str to str, optional
        Field to heading for the victims' list, as ``columns``.
    command : str, optional
        The command line to record in the audit (the CLI passes its own).
    service : str, optional
        The service inspected, e.g. "Anyshire Youth Justice Service": recorded in the plan's
        ``record`` sheet, carried into the answers workbook and named by the annexe.
    blank_as : str or mapping of str to str, optional
        Blank cells of the balancing columns balanced as a category of their own ("not
        recorded"), for all or per variable (``read_case_list``'s ``blank_as``).
    values : mapping or path, optional
        More spellings of one category (``read_case_list``'s ``values``).

    Returns
    -------
    Plan
        Each domain's size and balanced selection, with the audit; ``write`` makes the
        workbook.

    Raises
    ------
    CaseListError
        For every problem in the case list at once (see :func:`sampling.read_case_list`).
    SamplingError
        For a seed that is not a whole number from 0, an unknown method or domain, a size above a
        domain's population, or a fieldwork date that does not parse.

    Warns
    -----
    ReserveWarning
        When a domain has fewer cases left than the reserves asked for (also in the audit).
    BalanceWarning
        When no sample of a domain meets every ratio within a case (see :func:`sampling.select`).

    Notes
    -----
    Each domain's n is ``sample_size(population, ...)`` for that domain's own eligible cases
    (Cochran 1977, section 4.4; see ``methodology/sample-size.md``); the selection is
    :func:`sampling.select` on that domain alone, so every category's sample count is the floor
    or the ceiling of n times its share of the domain's population whenever any sample can meet
    them all.

    Examples
    --------
    >>> from sampling.synthetic import messy_case_list
    >>> result = plan(messy_case_list(300, rng=1), seed=2024)
    >>> result.to_frame()[["domain", "population", "n", "method", "reserves", "balanced"]]
             domain  population   n   method  reserves  balanced
    0         court         127  72  cochran        15      True
    1  out_of_court         173  85  cochran        17      True
    >>> result.to_dict()["domains"]["court"]["reserves"][0]
    {'case_id': 'YJ-00015', 'replaces': 'YJ-00122'}
    """
    seed = _check_seed(seed)
    if method not in METHODS:
        raise SamplingError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    fieldwork = _check_date(fieldwork_date)
    pooled = _policy_for(policy, "children", "policy") is not None
    cases = _case_list(cases, columns, sheet, disposal_domains, strata, fieldwork is not None and not pooled,
                       blank_as, values)
    victims_policy = _victims_policy(policy, victims_policy, victims is not None)
    victim_cases = None if victims is None else _victims_list(victims, victims_columns, victims_strata)
    if victim_cases is not None:
        _check_victims_apart(cases, victim_cases)
    groups = _groups(cases, pooled, victim_cases)
    sizes = _check_sizes(n, {name: len(frame) for name, (frame, _) in groups.items()})
    options = {k: v for k, v in (("confidence", confidence), ("margin", margin)) if v is not None}
    windows = dict(RECENCY)
    windows.update({_domain_key(k) or k: v for k, v in (recency or {}).items()})
    for label, value in (("reserves", reserves), ("victims_reserves", victims_reserves)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Integral)
                                  or value < 0):
            raise SamplingError(f"{label} must be a whole number from 0, got {value!r}")
    parts, notes = [], [*cases.notes, *(victim_cases.notes if victim_cases is not None else ())]
    for note in notes:
        warnings.warn(note, SamplingWarning, stacklevel=2)
    for name, (frame, part_strata) in groups.items():
        window = windows.get(name) if fieldwork is not None else None
        is_victims = name == "victims"
        chosen = victims_policy if is_victims else policy
        part_options = {**options, **({"policy": chosen} if chosen is not None else {})}
        part, said = _plan_domain(frame, name, len(frame), sizes.get(name),
                                  victims_reserves if is_victims and victims_reserves is not None
                                  else reserves,
                                  method, part_options, window, fieldwork, part_strata, seed,
                                  (victim_cases if is_victims else cases).sha256)
        parts.append(part)
        notes += said

    reference = sample_size(None, **METHODS[method], **options, **({"policy": policy} if policy else {}))
    extras = tuple(dict.fromkeys((*cases.extras, *(victim_cases.extras if victim_cases else ()))))
    return Plan(cases, seed, tuple(parts), method, reference.confidence, reference.margin, fieldwork,
                cases.strata, command or _python_call(cases, seed, n, reserves, method, fieldwork),
                _now(), __version__, tuple(notes), extras,
                victims=victim_cases, service=_check_service(service), policy=policy,
                victims_policy=victims_policy if victim_cases is not None else None)


def _check_service(service) -> str | None:
    if service is None:
        return None
    if not isinstance(service, str):
        raise SamplingError(f"service must be the service's name as text, got {type(service).__name__}")
    text = " ".join(clean(service)[0].split())
    if control_characters(text) or len(text) > 200:
        raise SamplingError("service: give the service's name in plain text (at most 200 characters), e.g. "
                            "--service 'Anyshire Youth Justice Service'")
    return text or None


def _check_victims_apart(cases: CaseList, victims: CaseList) -> None:
    """A victims' list that is the children's list (the same file, or only children's case ids) is
    refused: the victims' sample would repeat children's cases; some shared ids are warned of."""

    if victims.sha256 == cases.sha256:
        raise SamplingError(f"victims: {victims.source} is the same file as the children's case list "
                            f"{cases.source}; give the victims' list exported for the inspection")
    theirs = {looks(v) for v in victims.frame["case_id"]}
    shared = {looks(c) for c in cases.frame["case_id"]} & theirs
    if shared == theirs:
        raise SamplingError(f"victims: every case id of the victims' list {victims.source} is in the "
                            f"children's case list {cases.source}; give the victims' list exported for the "
                            "inspection, whose ids are the victims' own")
    if shared:
        warnings.warn(f"victims: {len(shared)} of the victims' {len(theirs)} case ids are also children's "
                      f"case ids (e.g. {sorted(shared)[0]!r}); check that the victims' list is the right "
                      "file", SamplingWarning, stacklevel=3)


def _policy_for(name: str | None, cases: str, label: str):
    """The named policy, checked to size ``cases`` ("children" or "victims"); None for no name."""
    if name is None:
        return None

    policy = get_policy(name)
    if policy.cases != cases:
        other = "victims_policy" if policy.cases == "victims" else "policy"
        whose = {"children": "children's", "victims": "victims'"}
        raise SamplingError(f"{label}: {name} sizes {whose.get(policy.cases, policy.cases)} cases, not "
                            f"{whose.get(cases, cases)}; give it as {other}")
    return policy


def _victims_policy(policy: str | None, victims_policy: str | None, has_victims: bool) -> str | None:
    """The victims' policy: the one given, else the victims' policy of ``policy``'s year, if any."""
    if victims_policy is not None:
        if not has_victims:
            raise SamplingError("victims_policy: give the victims' case list too "
                                "(victims=..., --victims FILE)")
        return _policy_for(victims_policy, "victims", "victims_policy").name
    if policy is None or not has_victims:
        return None

    year = _policy_for(policy, "children", "policy").year
    matches = [name for name in list_policies() if name.endswith("-victims")
               and _policy_for(name, "victims", "victims_policy").year == year]
    return matches[0] if matches else None


def _victims_list(victims, columns, strata) -> CaseList:
    if isinstance(victims, CaseList):
        if set(victims.frame["domain"]) != {"victims"}:
            raise SamplingError("victims: give a CaseList read with read_case_list(..., domain='victims'), "
                                "or the file")
        return victims
    if isinstance(victims, str | Path) and not Path(victims).is_file():
        raise SamplingError(f"victims: {victims}: no such file; give the victims' case list (.csv or .xlsx)")
    return read_case_list(victims, columns=columns, strata=strata, domain="victims")


def _groups(cases: CaseList, pooled: bool, victims: CaseList | None) -> dict[str, tuple[object, tuple]]:
    """Each domain's eligible cases and balancing variables, in the plan's order.

    Pooled (a children's policy): one ``children`` domain, its cases' own domain kept as the
    balancing variable ``case_type``. Victims' cases with no balancing variable of their own are
    balanced on their one domain, that is, drawn at random with equal probability.
    """
    frame = cases.frame
    if pooled:
        groups = {"children": (frame.assign(case_type=frame["domain"], domain="children"),
                               ("case_type", *cases.strata))}
    else:
        groups = {name: (frame[frame["domain"] == name], cases.strata) for name in cases.domains()}
    if victims is not None:
        groups["victims"] = (victims.frame, victims.strata or ("domain",))
    return groups


def _case_list(cases, columns, sheet, disposal_domains, strata, dates_required, blank_as=None,
               values=None) -> CaseList:
    if not isinstance(cases, CaseList):
        return read_case_list(cases, columns=columns, sheet=sheet, disposal_domains=disposal_domains,
                              strata=strata, dates_required=dates_required, blank_as=blank_as, values=values)
    options = (("columns", columns), ("sheet", sheet), ("disposal_domains", disposal_domains),
               ("blank_as", blank_as), ("values", values))
    given = [name for name, value in options if value]
    if tuple(strata) not in (DEFAULT_STRATA, cases.strata):
        given.append("strata")
    if given:
        raise SamplingError(f"{', '.join(given)}: the CaseList is read already; pass them to read_case_list, "
                            "or give plan the file")
    if dates_required and cases.frame["date"].isna().any():
        raise SamplingError("fieldwork_date: recency needs a date for every case; read the case list with "
                            "read_case_list(..., dates_required=True) to see which are blank")
    return cases


def _plan_domain(frame, name, population, given, reserves, method, options, window, fieldwork, strata, seed,
                 sha256):
    """One domain's plan, and what to say about it (each said as a warning too, with the domain)."""

    size = sample_size(population, **METHODS[method], **options)
    n = size.n if given is None else given
    if n == 0:
        return DomainPlan(name, population, 0, "given", None, None, 0, None, None), []
    margin = size.achieved_margin if given is None else margin_of_error(
        n, population, confidence=size.confidence, **METHODS[method])
    asked = max(MIN_RESERVES, math.ceil(RESERVE_SHARE * n - 1e-9)) if reserves is None else int(reserves)
    recency = None if window is None else Recency("date", fieldwork.isoformat(), window[0], window[1])
    generator = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DOMAIN_NAMES.index(name),)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        selection = select(frame.reset_index(drop=True), n, strata=strata, id_column="case_id",
                           recency=recency,
                           reserves=min(asked, population - n), rng=generator, input_sha256=sha256)
    said = []
    if asked > population - n:
        said.append(f"{name}: {asked} reserves asked for but only {population - n} case(s) are left outside "
                    f"its sample of {n} from {population}")
        warnings.warn(said[-1], ReserveWarning, stacklevel=3)
    for warning in caught:
        warnings.warn(f"{name}: {warning.message}", warning.category, stacklevel=3)
    how = method if "policy" not in options else f"{method}, {options['policy']}"
    part = DomainPlan(name, population, n, "given" if given is not None else how, float(margin),
                      None if given is not None else float(size.n_unrounded), asked, recency,
                      _with_seed(selection, seed))
    return part, said


def _with_seed(selection: Selection, seed: int) -> Selection:
    from dataclasses import replace

    return replace(selection, seed=seed)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise SamplingError(f"seed must be a whole number from 0, got {seed!r}")
    return int(seed)


def _check_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise SamplingError(f"fieldwork date {value!r} does not parse; use YYYY-MM-DD") from None


def _check_sizes(n, populations: Mapping[str, int]) -> dict[str, int]:
    if n is None:
        return {}
    if not isinstance(n, Mapping):
        raise SamplingError("n must map domains to sample sizes, e.g. {'court': 30, 'out-of-court': 12}, "
                            f"got {n!r}")
    sizes = {}
    for name, size in n.items():
        key = _domain_key(name)
        if key is None:
            raise SamplingError(f"n: unknown domain {name!r}; the domains are court, out-of-court, "
                                "resettlement, children and victims")
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 0:
            raise SamplingError(f"n: {name} must be a whole number of cases from 0, got {size!r}")
        if key not in populations and "children" in populations and key in DOMAIN_WORDS.values():
            raise SamplingError("n: under a children's policy court, out-of-court and resettlement cases "
                                f"are one sample; give children=N, not {name}")
        if key not in populations:
            raise SamplingError(f"n: the case list has no {key} cases; its domains: "
                                + ", ".join(f"{k} ({v})" for k, v in populations.items()))
        if size > populations[key]:
            raise SamplingError(f"n: {name} = {size} is more than its {populations[key]} eligible cases")
        sizes[key] = int(size)
    return sizes


_SAMPLE_WORDS = {"children": "children", "childrens": "children", "childrenscases": "children",
                 "victims": "victims", "victim": "victims", "victimscases": "victims"}


def _domain_key(name: str) -> str | None:
    """A domain as a person writes it ("Out-of-court", "victims") as the plan names it, or None."""
    word = normalise_heading(str(name))
    return DOMAIN_WORDS.get(word) or _SAMPLE_WORDS.get(word)


def _python_call(cases, seed, n, reserves, method, fieldwork) -> str:
    """The call as it would be typed, with the options that differ from the defaults."""
    given = [repr(cases.source), f"seed={seed}"]
    options = (("n", n, None), ("reserves", reserves, None), ("method", method, "cochran"),
               ("fieldwork_date", None if fieldwork is None else fieldwork.isoformat(), None))
    given += [f"{label}={value!r}" for label, value, default in options if value != default]
    return f"sampling.plan({', '.join(given)})"


# --------------------------------------------------------------------------------------------
# the sheets


def _case_columns(extras, strata) -> list[str]:
    """The case sheets' columns: the fixed ones, other balancing variables, the export's others."""
    others = [s for s in strata if s not in _CASE_COLUMNS]
    return [*_CASE_COLUMNS, *others, *extras]


def _case_sheet(result: Plan, which: str):
    """The ``sample`` or ``reserves`` sheet: case rows by domain, ``recent`` as yes / no."""
    import pandas as pd

    strata = [v for part in result.domains if part.selection is not None for v in part.selection.strata]
    columns = _case_columns(result._extras, tuple(dict.fromkeys((*result.strata, *strata))))
    if which == "reserves":
        columns = [*columns[:2], "replaces", "reserve_rank", *columns[2:]]
    parts = []
    for part in result.domains:
        if part.selection is None:
            continue
        rows = getattr(part.selection, which).copy()
        rows["recent"] = (np.where(rows["_recent"], "yes", "no") if "_recent" in rows.columns else None)
        parts.append(rows.reindex(columns=columns))
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)
    if which == "reserves":
        frame["reserve_rank"] = frame["reserve_rank"].astype(int)
    return frame


def _balance_sheet(result: Plan):
    import pandas as pd

    rows = []
    for part in result.domains:
        if part.selection is None:
            continue
        for r in part.selection.balance.itertuples():
            category = ("yes" if r.category else "no") if r.variable == "recent" else str(r.category)
            rows.append((part.domain, r.variable, category, int(r.population), float(r.target),
                         int(r.sample)))
    return pd.DataFrame(rows, columns=list(_BALANCE_COLUMNS))


def _audit_rows(result: Plan) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [("workbook", _KIND), ("toolkit version", result.version),
                                      ("seed", result.seed)]
    rows += result.cases.audit_rows()
    if result.victims is not None:
        rows += [(f"victims {name}", value) for name, value in result.victims.audit_rows()]
    rows += [("strata", ", ".join(result.strata)), ("method", result.method),
             ("confidence", result.confidence), ("target margin", result.target_margin),
             ("fieldwork date", result.fieldwork_date if result.fieldwork_date is not None else "(none)")]
    for part in result.domains:
        name = part.domain
        margin = part.margin if part.margin is not None else "(nothing sampled)"
        rows += [(f"{name} population", part.population), (f"{name} n", part.n),
                 (f"{name} method", part.method), (f"{name} achieved margin", margin),
                 (f"{name} reserves", part.reserves), (f"{name} recency", _recency_text(part.recency)),
                 (f"{name} balance", _balance_text(part))]
    rows += [("note", note) for note in result.notes]
    rows += [("command", result.command), ("time", result.created),
             ("time zone", "UTC (SOURCE_DATE_EPOCH)" if _source_date() is not None
                  else result.created.astimezone().tzname() or "local")]
    return rows


def _recency_text(recency: Recency | None) -> str:
    if recency is None:
        return "(none)"
    low, high = recency.months
    return f"{recency.share:.0%} from {low} to {high} months before fieldwork"


def _balance_text(part: DomainPlan) -> str:
    if part.selection is None:
        return "(nothing sampled)"
    misses = part.selection.misses
    if misses.empty:
        return "every ratio within a case"
    return "missed: " + "; ".join(f"{r.variable}={r.category} {r.sample} against {r.target:.2f}"
                                  for r in misses.itertuples())


# --------------------------------------------------------------------------------------------
# the workbook


def _excel_value(value):
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a workbook cannot hold
    return value


def _fill(sheet, frame, dates: Sequence[str] = ("date",)) -> None:
    """Write a frame to a sheet through the one writer: bold headings, frozen first row, dates as
    dates, sensible widths; text always a text cell, never a formula or an error."""
    import pandas as pd


    columns = {}
    for name in frame.columns:
        values = [_excel_value(v) for v in frame[name].tolist()]
        if name in dates:
            values = [v.date() if isinstance(v, datetime.datetime) else v for v in values]
        columns[name] = pd.Series(values, dtype=object)
    fill_sheet(sheet, pd.DataFrame(columns, columns=list(frame.columns)) if columns else frame)


def _write_book(out, sheets) -> None:

    book = new_workbook()
    for name, frame in sheets:
        _fill(book.create_sheet(name), frame)
    save_workbook(book, out)


@dataclass(frozen=True)
class PlanWorkbook:
    """A plan workbook read back: its sheets as DataFrames (``withdrawn`` empty before any
    replacement) and ``audit`` as a mapping of field to value (the last value of a repeated
    field, such as "replaced").

    Made by :func:`read_plan`; each parameter is also an attribute.

    Parameters
    ----------
    path : str
        The workbook read.
    sample : pandas.DataFrame
        The ``sample`` sheet.
    reserves : pandas.DataFrame
        The ``reserves`` sheet.
    balance : pandas.DataFrame
        The ``balance`` sheet.
    withdrawn : pandas.DataFrame
        The ``withdrawn`` sheet (empty before any replacement).
    audit : dict
        The ``audit`` sheet, field to value.
    record : InspectionRecord or None, default None
        The ``record`` sheet (None for a plan written before records).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sampling.synthetic import messy_case_list
    >>> result = plan(messy_case_list(300, rng=1), seed=2024)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result.write(Path(folder) / "PLAN.xlsx")
    ...     book = read_plan(Path(folder) / "PLAN.xlsx")
    >>> book.sample.shape, len(book.withdrawn), book.audit["seed"]
    ((157, 10), 0, 2024)
    """

    path: str
    sample: object
    reserves: object
    balance: object
    withdrawn: object
    audit: dict
    record: InspectionRecord | None = None

    def to_dict(self) -> dict:
        """The workbook's case ids as a dict, as ``--json`` prints them.

        Returns
        -------
        dict
            ``path``, and the case ids of ``sample``, ``reserves`` and ``withdrawn``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     result.write(Path(folder) / "PLAN.xlsx")
        ...     data = read_plan(Path(folder) / "PLAN.xlsx").to_dict()
        >>> len(data["sample"]), data["reserves"][0], data["withdrawn"]
        (157, 'YJ-00015', [])
        """
        return {"path": self.path, "sample": self.sample["case_id"].tolist(),
                "reserves": self.reserves["case_id"].tolist(),
                "withdrawn": self.withdrawn["case_id"].tolist()}
    def to_frame(self):
        """The result as a one-row table, the columns of :meth:`to_dict`.

        Returns
        -------
        pandas.DataFrame
            One row per case of ``sample`` and ``reserves`` (and ``withdrawn``), with a column ``sheet``.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> from sampling.synthetic import messy_case_list
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     plan(messy_case_list(300, rng=1), seed=2024).write(Path(folder) / "PLAN.xlsx")
        ...     book = read_plan(Path(folder) / "PLAN.xlsx")
        >>> book.to_frame()["sheet"].value_counts().to_dict()
        {'sample': 157, 'reserves': 32}
        """
        import pandas as pd

        parts = [frame.assign(sheet=name) for name, frame in (("sample", self.sample),
                 ("reserves", self.reserves), ("withdrawn", self.withdrawn)) if len(frame)]
        return pd.concat(parts, ignore_index=True)



def _sheet_frame(sheet):
    """A sheet as a DataFrame: the first row names the columns; empty rows left out."""
    import pandas as pd


    rows = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    if not rows:
        return pd.DataFrame()
    columns = [str(c) if c is not None else "" for c in rows[0]]
    frame = pd.DataFrame([list(r[:len(columns)]) + [None] * (len(columns) - len(r)) for r in rows[1:]],
                         columns=columns, dtype=object)
    for name in ("case_id", "replaces", "replaced_by", "domain", "variable", "category"):
        if name in frame.columns:
            frame[name] = [None if v is None else cell_text(v).strip() for v in frame[name]]
    return frame


def _open_plan(path):
    """The workbook (openpyxl, editable) and its sheets as frames; refuses a file that is not a plan."""
    from pathlib import Path


    path = Path(path)
    how = "make one with python -m sampling plan CASES --seed S --out PLAN.xlsx"
    book = load_workbook(path, what="plan workbook", how=how, read_only=False, data_only=False)
    missing = [name for name in SHEETS if name not in book.sheetnames]
    first = next(book["audit"].iter_rows(min_row=2, max_row=2, values_only=True), ()) if not missing else ()
    if missing or tuple(first[:2]) != ("workbook", _KIND):
        what = f"no sheet {missing[0]!r}" if missing else "its audit sheet does not name it a plan"
        raise SamplingError(f"{path}: not a plan workbook ({what}); {how}")
    frames = {name: _sheet_frame(book[name]) for name in (*SHEETS, "withdrawn", "record")
              if name in book.sheetnames}
    for name, needed in (("sample", ("domain", "case_id")), ("reserves", ("domain", "case_id", "replaces")),
                         ("balance", _BALANCE_COLUMNS), ("audit", ("field", "value"))):
        absent = [c for c in needed if c not in frames[name].columns]
        if absent:
            raise SamplingError(f"{path}: not a plan workbook (sheet {name!r} has no column "
                                f"{absent[0]!r}); {how}")
    return book, frames


def read_plan(path) -> PlanWorkbook:
    """Read a plan workbook written by :meth:`Plan.write` (and perhaps changed by
    :func:`replace_case`).

    Parameters
    ----------
    path : str or path
        The ``.xlsx`` plan workbook.

    Returns
    -------
    PlanWorkbook
        Its sheets as DataFrames, the audit as field to value.

    Raises
    ------
    SamplingError
        For a file that is not a plan workbook (no sheets ``sample``, ``reserves``, ``balance``
        and ``audit``, or an audit that does not name it a plan), or no file at all.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sampling.synthetic import messy_case_list
    >>> result = plan(messy_case_list(300, rng=1), seed=2024)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result.write(Path(folder) / "PLAN.xlsx")
    ...     book = read_plan(Path(folder) / "PLAN.xlsx")
    >>> book.reserves[["domain", "case_id", "replaces"]].head(1).to_dict("records")
    [{'domain': 'court', 'case_id': 'YJ-00015', 'replaces': 'YJ-00122'}]
    """
    import pandas as pd

    book, frames = _open_plan(path)
    book.close()
    withdrawn = frames.get("withdrawn", pd.DataFrame(columns=[*frames["sample"].columns,
                                                              *_WITHDRAWN_COLUMNS]))
    audit = dict(zip(frames["audit"]["field"], frames["audit"]["value"], strict=True))
    record = None
    if "record" in frames and not frames["record"].empty:
        rows = list(zip(frames["record"].iloc[:, 0], frames["record"].iloc[:, 1], strict=True))
        record = InspectionRecord.from_rows(rows, source=f"{Path(path).name}, sheet 'record'")
    return PlanWorkbook(str(path), frames["sample"], frames["reserves"], frames["balance"], withdrawn, audit,
                        record)


# --------------------------------------------------------------------------------------------
# replacing a case


@dataclass(frozen=True)
class Replacement:
    """A case withdrawn from a plan and the reserve that took its place.

    ``how`` says why that reserve: "named" (its ``replaces`` named the case), "same cell",
    "keeps the balance" or "closest" (no reserve keeps every ratio; ``miss`` cases short).
    Made by :func:`replace_case`; ``str()`` says it in a sentence. Each parameter is also an
    attribute.

    Parameters
    ----------
    plan : str
        The plan workbook changed.
    case_id : str
        The case withdrawn.
    domain : str
        Its domain.
    reserve : str
        The reserve that took its place.
    how : {"named", "same cell", "keeps the balance", "closest"}
        Why that reserve.
    reason : str
        Why the case was withdrawn.
    time : datetime.datetime
        When, to the second.
    balanced : bool
        Whether every ratio of the domain is still within a case.
    miss : float
        The total shortfall, in cases, when not balanced.
    reserves_left : int
        The domain's reserves left.

    Examples
    --------
    >>> import datetime
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sampling.synthetic import messy_case_list
    >>> result = plan(messy_case_list(300, rng=1), seed=2024)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "PLAN.xlsx"
    ...     result.write(path)
    ...     swap = replace_case(path, "YJ-00122", reason="moved out of the area",
    ...                         now=datetime.datetime(2024, 5, 1, 9, 30))
    >>> swap.reserve, swap.how, swap.balanced, swap.reserves_left
    ('YJ-00015', 'named', True, 14)
    >>> print(swap)  # doctest: +NORMALIZE_WHITESPACE
    YJ-00122 (court) withdrawn: moved out of the area; reserve YJ-00015 (named for it) now in
    the sample; every ratio still within a case; 14 court reserve(s) left
    """

    plan: str
    case_id: str
    domain: str
    reserve: str
    how: str
    reason: str
    time: datetime.datetime
    balanced: bool
    miss: float
    reserves_left: int

    def to_dict(self) -> dict:
        """The replacement as ``--json`` prints it (the time in ISO format; ``miss`` left out).

        Returns
        -------
        dict
            ``plan``, ``case_id``, ``domain``, ``reserve``, ``how``, ``reason``, ``time``,
            ``balanced`` and ``reserves_left``.

        Examples
        --------
        >>> import datetime
        >>> import tempfile
        >>> from pathlib import Path
        >>> from sampling.synthetic import messy_case_list
        >>> result = plan(messy_case_list(300, rng=1), seed=2024)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     result.write(Path(folder) / "PLAN.xlsx")
        ...     swap = replace_case(Path(folder) / "PLAN.xlsx", "YJ-00122", reason="moved",
        ...                         now=datetime.datetime(2024, 5, 1, 9, 30))
        >>> data = swap.to_dict()
        >>> data["reserve"], data["time"]
        ('YJ-00015', '2024-05-01T09:30:00')
        """
        return {"plan": self.plan, "case_id": self.case_id, "domain": self.domain, "reserve": self.reserve,
                "how": self.how, "reason": self.reason, "time": self.time.isoformat(),
                "balanced": self.balanced,
                "reserves_left": self.reserves_left}

    def to_frame(self):
        """The result as a one-row table, the columns of :meth:`to_dict`.

        Returns
        -------
        pandas.DataFrame
            One row.

        Examples
        --------
        >>> import datetime, tempfile
        >>> from pathlib import Path
        >>> from sampling.synthetic import messy_case_list
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     plan(messy_case_list(300, rng=1), seed=2024).write(Path(folder) / "PLAN.xlsx")
        ...     swap = replace_case(Path(folder) / "PLAN.xlsx", "YJ-00122", reason="moved",
        ...                         now=datetime.datetime(2024, 5, 1, 9, 30))
        >>> swap.to_frame()["reserve"].tolist()
        ['YJ-00015']
        """
        import pandas as pd

        return pd.DataFrame([self.to_dict()])

    def __str__(self) -> str:
        verdict = ("every ratio still within a case" if self.balanced
                   else f"the balance misses by {self.miss:g} case(s)")
        why = {"named": "named for it", "same cell": "from the same cell",
               "keeps the balance": "keeps the balance",
               "closest": "the closest left"}[self.how]
        return (f"{self.case_id} ({self.domain}) withdrawn: {self.reason}; "
                f"reserve {self.reserve} ({why}) now in "
                f"the sample; {verdict}; {self.reserves_left} {self.domain} reserve(s) left")


def replace_case(path, case_id, *, reason: str, now: datetime.datetime | None = None) -> Replacement:
    """Withdraw a sampled case from a plan workbook and swap in its reserve, in place.

    The case's row moves from ``sample`` to ``withdrawn`` (with ``reason``, ``withdrawn_at`` and
    ``replaced_by``); the reserve whose ``replaces`` names it (else the best remaining in its
    domain, as :func:`sampling.selection.choose_reserve` chooses) moves from ``reserves`` into the
    case's place in ``sample``; ``balance`` is recounted; the swap is appended to ``audit``. The
    workbook is written to a temporary file beside it and renamed over it, so a failure leaves
    the old one whole; sheets other than the plan's are kept. Only the workbook is needed.

    Parameters
    ----------
    path : str or path
        The plan workbook, changed in place.
    case_id : str
        A sampled case's id.
    reason : str
        Why it is withdrawn (not blank).
    now : datetime.datetime, optional
        The time to record (default: now).

    Returns
    -------
    Replacement
        The case, its reserve, why that reserve, and the balance after.

    Raises
    ------
    SamplingError
        For a file that is not a plan, a case not in its sample, a blank reason, or a domain
        with no reserves left.

    Warns
    -----
    BalanceWarning
        When no reserve left keeps every ratio of the domain within a case.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sampling.synthetic import messy_case_list
    >>> result = plan(messy_case_list(300, rng=1), seed=2024)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "PLAN.xlsx"
    ...     result.write(path)
    ...     swap = replace_case(path, "YJ-00122", reason="moved out of the area")
    ...     withdrawn = read_plan(path).withdrawn
    >>> withdrawn[["case_id", "reason", "replaced_by"]].to_dict("records")
    [{'case_id': 'YJ-00122', 'reason': 'moved out of the area', 'replaced_by': 'YJ-00015'}]
    """

    if not isinstance(reason, str) or not reason.strip():
        raise SamplingError("reason: say why the case is withdrawn, e.g. --reason 'moved out of the area'")
    book, frames = _open_plan(path)
    sample = frames["sample"]
    key = str(case_id).strip()
    if key not in set(sample["case_id"]):
        _not_sampled(path, key, frames)
    domain = sample.loc[sample["case_id"] == key, "domain"].iloc[0]
    swap = _swap(path, frames, key, domain)
    when = (now or _now()).replace(microsecond=0)
    withdrawn = _withdrawn_rows(frames, sample[sample["case_id"] == key], reason.strip(), when,
                                swap["reserve"])
    for name, frame in (("sample", swap["sample"]), ("reserves", swap["reserves"]), ("balance",
                                                                                     swap["balance"]),
                        ("withdrawn", withdrawn)):
        _rewrite(book, name, frame)
    result = Replacement(str(path), key, domain, swap["reserve"], swap["how"], reason.strip(), when,
                         swap["balanced"], swap["miss"], int((swap["reserves"]["domain"] == domain).sum()))
    append_row(book["audit"], ["replaced", str(result)])
    append_row(book["audit"], ["replaced at", when])
    save_workbook(book, path)
    if not result.balanced:
        warnings.warn(f"no {domain} reserve keeps every ratio within a case: {result}", BalanceWarning,
                      stacklevel=2)
    return result


def _swap(path, frames, key, domain) -> dict:
    """The new sample, reserves and balance after swapping ``key`` for its reserve."""
    sample, reserves, balance = frames["sample"], frames["reserves"], frames["balance"]
    part_balance = balance[balance["domain"] == domain]
    variables = list(dict.fromkeys(part_balance["variable"]))
    absent = [v for v in variables if v not in sample.columns or v not in reserves.columns]
    if absent:
        raise SamplingError(f"{path}: not a plan workbook (no column {absent[0]!r} for the balance)")
    part_reserves = reserves[reserves["domain"] == domain]
    if part_reserves.empty:
        raise SamplingError(f"{path}: no {domain} reserves left to replace {key!r}; plan again with more "
                            "reserves (--reserves K) or choose a case by hand")
    part_sample = sample[sample["domain"] == domain]
    position, miss, how = choose_reserve(_canonical(part_sample, part_balance, variables),
                                         _canonical(part_reserves, part_balance, variables), part_balance,
                                         key,
                                         columns=variables)
    incoming = part_reserves.iloc[position]
    new_sample = sample.copy()
    at = sample.index[sample["case_id"] == key][0]
    new_sample.loc[at] = [incoming.get(column) for column in sample.columns]
    counted = recount_balance(part_balance, _canonical(new_sample[new_sample["domain"] == domain],
                                                       part_balance,
                                                       variables), columns=variables)
    new_balance = balance.copy()
    new_balance.loc[counted.index, "sample"] = counted["sample"].to_numpy()
    targets = counted["target"].astype(float)
    within = (np.floor(targets + 1e-9) <= counted["sample"]) & (counted["sample"] <= np.ceil(targets - 1e-9))
    return {"sample": new_sample, "reserves": reserves.drop(index=part_reserves.index[position]),
            "balance": new_balance, "reserve": str(incoming["case_id"]), "how": how, "miss": miss,
            "balanced": bool(within.all())}


def _canonical(frame, balance, variables):
    """The frame with each balancing value written as the balance sheet writes its category
    (matched as values are counted: trimmed, any case), so hand edits do not split a cell."""
    result = frame.copy()
    for variable in variables:
        categories = balance.loc[balance["variable"] == variable, "category"]
        lookup = {normalise_value(c): str(c) for c in categories}
        result[variable] = [lookup.get(normalise_value("" if v is None else v),
                                       str(v)) for v in frame[variable]]
    return result


def _not_sampled(path, key, frames):
    withdrawn = frames.get("withdrawn")
    if withdrawn is not None and key in set(withdrawn.get("case_id", [])):
        row = withdrawn[withdrawn["case_id"] == key].iloc[-1]
        raise SamplingError(f"{key!r} was withdrawn from {path} already ({row.get('reason')}); "
                            f"{row.get('replaced_by')} took its place")
    if key in set(frames["reserves"]["case_id"]):
        raise SamplingError(f"{key!r} is a reserve in {path}, not in the sample; "
                            "give a case from its sheet 'sample'")
    shown = ", ".join(frames["sample"]["case_id"].head(3))
    raise SamplingError(f"{key!r} is not in the sample of {path}; give a case_id from its sheet 'sample' "
                        f"(e.g. {shown})")


def _withdrawn_rows(frames, row, reason, when, reserve):
    import pandas as pd

    before = frames.get("withdrawn")
    new = row.assign(reason=reason, withdrawn_at=when, replaced_by=reserve)
    if before is None or before.empty:
        return new.reset_index(drop=True)
    return pd.concat([before, new], ignore_index=True)


def _rewrite(book, name: str, frame) -> None:
    index = book.sheetnames.index(name) if name in book.sheetnames else len(book.sheetnames)
    if name in book.sheetnames:
        book.remove(book[name])
    _fill(book.create_sheet(name, index), frame)
