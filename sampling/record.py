"""The inspection as one record: what the plan decided, carried into every answers workbook and
every output.

``plan`` writes the record as a sheet of its own, ``record``, in the plan workbook: rows of
``field`` and ``value`` (``methodology/inspection-record.md`` lists the fields). ``template``
copies it into each answers workbook, adding the plan it came from, and every command that reads
an answers workbook reads the service, the framework and each sample's eligible population from
it, instead of asking for them again or implying them from the sample sizes.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ._errors import SamplingError

__all__ = ["InspectionRecord", "SampleRecord", "RECORD_KIND", "NOT_PUBLISHED"]

#: The first row of a record sheet: what it is and the version of its fields.
RECORD_KIND = "inspection-sampling inspection record 1"

#: How an inspection that has no published rating yet is named in every output.
NOT_PUBLISHED = "not yet published"

_PROGRAMMES = {
    "hmip-2025-children": "2025 programme: children's cases",
    "hmip-2025-victims": "2025 programme: victims' cases",
}


@dataclass(frozen=True)
class SampleRecord:
    """One sample of an inspection as the plan drew it.

    Parameters
    ----------
    name : str
        The sample (``court``, ``out_of_court``, ``resettlement``, ``children``, ``victims``).
    population : int
        Its eligible cases.
    n : int
        The cases sampled.
    size_method : str
        How ``n`` was set: the size method (``cochran``, ``simple``, ``exact``), with the
        programme's policy where one applied, or ``given``.
    achieved_margin : float or None
        The margin of error ``n`` achieves in ``population`` at the record's confidence (a
        proportion, 0 to 1); None when nothing was sampled.
    drawn : str
        How the cases were drawn: "balanced on ..." (the balancing variables) or "at random".
    """

    name: str
    population: int
    n: int
    size_method: str
    achieved_margin: float | None
    drawn: str

    @property
    def balanced(self) -> bool:
        """Whether the sample was balanced (as opposed to drawn at random)."""
        return self.drawn.startswith("balanced")


@dataclass(frozen=True)
class InspectionRecord:
    """The record of one inspection: the service, its framework and programme, when, and how each
    sample was drawn.

    Parameters
    ----------
    service : str or None
        The service inspected (None when the plan was not given one).
    framework : str
        The framework its key questions come from (``youth-2021``, ``youth-2025``).
    programme : str or None
        The sampling policy of the programme (``hmip-2025-children``), or None.
    fieldwork_date : str or None
        The fieldwork date (YYYY-MM-DD) where the plan had one.
    seed : int
        The plan's seed.
    confidence : float
        The confidence level the sizes were set at (0.80).
    target_margin : float
        The margin of error the sizes aimed at (a proportion: 0.05 is 5 points).
    samples : mapping of str to SampleRecord
        Each sample, in the plan's order.
    published : str, default "not yet published"
        The published rating, or "not yet published".
    extra : tuple of (str, object), default ()
        Rows added after the plan (the plan file and its SHA-256 in an answers workbook).

    Examples
    --------
    >>> from sampling.plans import plan
    >>> from sampling.synthetic import messy_case_list
    >>> result = plan(messy_case_list(300, rng=1), seed=2024, service="Anyshire YJS")
    >>> record = InspectionRecord.from_rows(result.record())
    >>> record.service, record.populations
    ('Anyshire YJS', {'court': 127, 'out_of_court': 173})
    >>> record.samples["court"].drawn
    'balanced on gender, disposal type, risk of serious harm, safety and wellbeing'
    """

    service: str | None
    framework: str
    programme: str | None
    fieldwork_date: str | None
    seed: int
    confidence: float
    target_margin: float
    samples: Mapping[str, SampleRecord]
    published: str = NOT_PUBLISHED
    extra: tuple[tuple[str, object], ...] = field(default=())

    @property
    def populations(self) -> dict[str, int]:
        """Each sample's eligible population, as the plan counted it."""
        return {name: s.population for name, s in self.samples.items() if s.n}

    @property
    def programme_name(self) -> str | None:
        """The programme in words ("2025 programme: children's cases"), or None."""
        if self.programme is None:
            return None
        return _PROGRAMMES.get(self.programme, self.programme)

    def above_target(self) -> dict[str, float]:
        """The samples whose achieved margin is wider than the target (a policy's cap, or a size
        given by hand), with that margin (a proportion)."""
        return {name: s.achieved_margin for name, s in self.samples.items()
                if s.achieved_margin is not None and s.achieved_margin > self.target_margin + 1e-12}

    def rows(self) -> list[tuple[str, object]]:
        """The record as rows of ``field`` and ``value``, as the ``record`` sheet holds them."""
        rows: list[tuple[str, object]] = [
            ("record", RECORD_KIND), ("service", self.service or "(not given)"),
            ("framework", self.framework), ("programme", self.programme or "(none)"),
            ("fieldwork date", self.fieldwork_date or "(none)"), ("seed", self.seed),
            ("confidence", self.confidence), ("target margin", self.target_margin),
            ("published", self.published), ("samples", ", ".join(self.samples))]
        for name, s in self.samples.items():
            rows += [(f"{name} population", s.population), (f"{name} n", s.n),
                     (f"{name} size method", s.size_method),
                     (f"{name} achieved margin", s.achieved_margin if s.achieved_margin is not None
                      else "(nothing sampled)"),
                     (f"{name} drawn", s.drawn)]
        return rows + list(self.extra)

    def to_dict(self) -> dict:
        """The record as JSON prints it (margins as proportions, 0 to 1)."""
        return {"service": self.service, "framework": self.framework, "programme": self.programme,
                "fieldwork_date": self.fieldwork_date, "seed": self.seed, "confidence": self.confidence,
                "target_margin_proportion": self.target_margin, "published": self.published,
                "samples": {name: {"population": s.population, "n": s.n, "size_method": s.size_method,
                                   "achieved_margin_proportion": s.achieved_margin, "drawn": s.drawn}
                            for name, s in self.samples.items()}}

    def to_frame(self):
        """The record as a DataFrame of ``field`` and ``value``."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=["field", "value"])

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[object, object]], *, source: str = "record") -> InspectionRecord:
        """Read a record from its rows, refusing one that is not whole.

        Raises
        ------
        SamplingError
            For rows that are not a record, or a field missing or not of its kind, naming it.
        """
        values: dict[str, object] = {}
        for name, value in rows:
            if name is None or str(name).strip() in ("", "field"):
                continue
            values[str(name).strip()] = value
        if str(values.get("record", "")).strip() != RECORD_KIND:
            raise SamplingError(f"{source}: not an inspection record (its first row should read "
                                f"'record' and {RECORD_KIND!r}); leave the record sheet as the plan wrote it")
        names = [n.strip() for n in str(values.get("samples", "")).split(",") if n.strip()]
        samples = {name: SampleRecord(name, _whole(values, f"{name} population", source),
                                      _whole(values, f"{name} n", source),
                                      str(values.get(f"{name} size method", "")),
                                      _margin(values.get(f"{name} achieved margin"),
                                              f"{name} achieved margin", source),
                                      str(values.get(f"{name} drawn", "")))
                   for name in names}
        service = _text(values.get("service"))
        programme = _text(values.get("programme"))
        fieldwork = values.get("fieldwork date")
        if isinstance(fieldwork, datetime.datetime | datetime.date):
            fieldwork = fieldwork.isoformat()[:10]
        known = {"record", "service", "framework", "programme", "fieldwork date", "seed", "confidence",
                 "target margin", "published", "samples"} | {
            f"{n} {f}" for n in names for f in ("population", "n", "size method", "achieved margin", "drawn")}
        extra = tuple((k, v) for k, v in values.items() if k not in known)
        return cls(None if service == "(not given)" else service, str(values.get("framework", "youth-2021")),
                   None if programme == "(none)" else programme,
                   None if _text(fieldwork) in (None, "(none)") else _text(fieldwork),
                   _whole(values, "seed", source), _number(values, "confidence", source),
                   _number(values, "target margin", source), samples,
                   _text(values.get("published")) or NOT_PUBLISHED, extra)


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _whole(values: Mapping, name: str, source: str) -> int:
    value = values.get(name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not number.is_integer() or number < 0:
        raise SamplingError(f"{source}: the record's {name!r} should be a whole number, got {value!r}; leave "
                            "the record sheet as the plan wrote it")
    return int(number)


def _number(values: Mapping, name: str, source: str) -> float:
    value = values.get(name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise SamplingError(f"{source}: the record's {name!r} should be a number, got {value!r}; leave the "
                            "record sheet as the plan wrote it")
    return number


def _margin(value, name: str, source: str) -> float | None:
    if value is None or str(value).strip() in ("", "(nothing sampled)"):
        return None
    return _number({name: value}, name, source)
