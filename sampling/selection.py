"""Stratified case selection that matches the eligible population's ratios on several variables
at once, random within that balance, with an ordered reserve list and a balance table.

The reports: "we ensured that the ratios in relation to gender, sentence or disposal type, risk of
serious harm, and risk to safety and wellbeing classifications matched those in the eligible
population" (every methodology annexe). The method (``methodology/stratified-selection.md``):

1. **Cells.** Cases are grouped by their categories on every balancing variable (the
   cross-classification); cases in one cell are interchangeable for balance.
2. **Flight: a random walk to a vertex.** Each cell's proportional target t = n N_cell / N is
   written floor(t) + y. The fractional parts y take random steps, each a martingale as in the
   cube method's flight (Deville and Tillé 2004), that keep the total at n and every variable's
   count within [floor, ceiling] of its target, until the walk stops at a vertex of that
   polytope; each cell's expected count stays exactly its target. With one or two variables the
   vertex is an integer point (the constraints are totally unimodular), so every case's inclusion
   probability is exactly n / N (unbiased controlled rounding, Cox 1987).
3. **Rounding a fractional vertex.** With three or more variables a few cells can stay
   fractional: a rounding of them that keeps every variable within its limits is drawn (with
   probability proportional to prod y^x (1 - y)^(1 - x)); if there is none, they are rounded by
   systematic sampling (Madow 1949; expectations kept) and
4. **landing**: an integer program (scipy's HiGHS ``milp``) finds the cell counts that first
   minimise the total shortfall outside [floor, ceiling] of every variable's target (zero exactly
   when a balanced sample exists, so one is always found) and then change the counts by as few
   cases as possible (ties broken at random).
5. **Cases.** Each cell's cases are taken by simple random sampling without replacement.

Reserves follow the sample's cells, and each names the sampled case it stands in for
(``replaces``). Everything random comes from ``rng``: the same seed and the same case list give
the same sample on every machine. Nothing here knows about ratings.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ._errors import BalanceWarning, CaseListError, SamplingError
from ._text import clean, control_characters, fold, looks
from ._version import __version__
from .size import allocate

__all__ = ["Recency", "Selection", "select", "select_by_domain", "balance_table",
           "choose_reserve", "recount_balance", "DEFAULT_STRATA", "SelectionSimulation",
           "simulate_selection"]

DEFAULT_STRATA = ("gender", "disposal_type", "rosh", "safety_wellbeing")
_RECENT = "recent"  # the name of the derived recency variable in balance tables


def _normal_name(name: object) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


# --------------------------------------------------------------------------------------------
# inputs


@dataclass(frozen=True)
class Recency:
    """Balance on "sentenced within a window before fieldwork", at a given share of the sample.

    Essex (2018), Annex 1: "Sixty per cent of the cases selected were those of children and young
    people who had received court disposals six to nine months earlier" (out-of-court: "Forty
    per cent ... three to five months earlier").

    Parameters
    ----------
    column : str
        The date column (e.g. "start_date").
    fieldwork : str or date
        The fieldwork start date.
    months : tuple of (int, int), default (6, 9)
        The window, in whole months before fieldwork, both ends included: (6, 9) means from nine
        months before fieldwork up to six months before.
    share : float, default 0.6
        The share of the sample to come from the window.

    Raises
    ------
    SamplingError
        For months that are not two whole numbers from 0, nearer first, or a share outside
        [0, 1].

    Examples
    --------
    >>> from sampling.synthetic import case_list
    >>> recency = Recency("start_date", "2023-06-01", months=(6, 9), share=0.6)
    >>> chosen = select(case_list(200, rng=1), 43, recency=recency, rng=2023)
    >>> recent = chosen.balance[chosen.balance["variable"] == "recent"]
    >>> recent[["category", "target", "sample"]].to_dict("records")
    [{'category': False, 'target': 17.2, 'sample': 17}, {'category': True, 'target': 25.8, 'sample': 26}]
    """

    column: str
    fieldwork: object
    months: tuple[int, int] = (6, 9)
    share: float = 0.6

    def __post_init__(self):
        low, high = self.months
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
            raise SamplingError(f"recency months must be two whole numbers, nearer first, e.g. (6, 9), "
                                f"got {self.months!r}")
        share = self.share
        if isinstance(share, bool) or not isinstance(share, numbers.Real) or not 0 <= share <= 1:
            raise SamplingError(f"recency share must be a proportion from 0 to 1, e.g. 0.6, got {share!r}")

    def flags(self, frame, column: str):
        """True for each case whose date lies in the window.

        Parameters
        ----------
        frame : pandas.DataFrame
            The case list.
        column : str
            The frame's date column (the case list's own heading for ``self.column``).

        Returns
        -------
        numpy.ndarray of bool
            One flag per row of ``frame``.

        Raises
        ------
        SamplingError
            If the fieldwork date does not parse.
        CaseListError
            For a date in ``column`` that does not parse, or a blank one.

        Examples
        --------
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"start_date": ["2022-09-01", "2023-05-01", "2022-12-15"]})
        >>> Recency("start_date", "2023-06-01").flags(frame, "start_date").tolist()
        [True, False, False]
        """
        import pandas as pd

        try:
            fieldwork = pd.Timestamp(self.fieldwork)
        except (ValueError, TypeError):
            raise SamplingError(f"recency fieldwork date {self.fieldwork!r} does not parse; use YYYY-MM-DD") \
                from None
        dates = pd.to_datetime(frame[column], errors="coerce", format="mixed")
        bad = dates.isna() & frame[column].notna()
        if bad.any():
            value = frame.loc[bad, column].iloc[0]
            raise CaseListError(f"column {column!r}: the date {value!r} does not parse; use YYYY-MM-DD")
        if dates.isna().any():
            raise CaseListError(f"column {column!r} has blank dates; every case needs one for recency")
        earliest = fieldwork - pd.DateOffset(months=self.months[1])
        latest = fieldwork - pd.DateOffset(months=self.months[0])
        return ((dates >= earliest) & (dates <= latest)).to_numpy()


def _resolve_columns(frame, wanted: Sequence[str], what: str, fixes: Mapping[str, str] | None = None
                     ) -> dict[str, str]:
    """Map each wanted name to the frame's column, matching regardless of case and spacing; every
    missing one named at once, with the option that names it (``fixes``)."""
    found = {}
    for column in frame.columns:
        found.setdefault(_normal_name(column), column)
    missing = [name for name in wanted if _normal_name(name) not in found]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        hints = sorted({fixes[m] for m in missing if fixes and m in fixes})
        raise CaseListError(f"missing {what} column{'s' if len(missing) > 1 else ''} {names}; columns found: "
                            + ", ".join(str(c) for c in frame.columns) + "".join(f"; {h}" for h in hints))
    return {name: found[_normal_name(name)] for name in wanted}


# --------------------------------------------------------------------------------------------
# the selection


@dataclass(frozen=True)
class Selection:
    """A balanced random sample with its reserves, balance table and audit fields.

    Made by :func:`select`; each parameter is also an attribute. ``misses`` lists the categories
    outside [floor, ceiling] of their target (empty when the guarantee holds).

    Parameters
    ----------
    sample : pandas.DataFrame
        The chosen rows with every input column.
    reserves : pandas.DataFrame
        The ordered replacement list: the input columns, ``reserve_rank`` (1 first) and
        ``replaces`` (the sampled case each stands in for).
    balance : pandas.DataFrame
        One row per variable and category: ``population``, ``population_share``, ``target``,
        ``sample``, ``deviation`` (sample - target), ``within`` and ``miss``.
    strata : tuple of str
        The balancing variables, as the case list names them.
    id_column : str
        The case id column.
    n : int
        Cases sampled.
    population : int
        Cases in the list.
    seed : int or None
        The seed given (None for a generator or no seed).
    input_hash : str
        The first 16 hex digits of ``input_sha256``.
    version : str
        The package version that drew the sample.
    recency : Recency or None, default None
        The recency balance, if any.
    replaced : tuple of (str, str), default ()
        (case out, reserve in) for each replacement made with :meth:`replace`.
    input_sha256 : str, default ""
        The SHA-256 given to :func:`select` (the case list file's), else that of the frame's
        headings and cells.
    reserves_asked : int, default 0
        The length of reserve list asked for; fewer cases left give fewer
        (``short_of_reserves`` says so).
    _frame : pandas.DataFrame, optional
        The prepared case list, kept for recounting the balance after a replacement (internal).

    Examples
    --------
    >>> from sampling.synthetic import case_list
    >>> chosen = select(case_list(200, rng=1), 43, reserves=5, rng=2023)
    >>> chosen.n, chosen.population, chosen.seed, chosen.input_hash
    (43, 200, 2023, '8a1522c689ea32ca')
    >>> chosen.reserves[["case_id", "reserve_rank"]].head(2)
      case_id  reserve_rank
    0  S00078             1
    1  S00052             2
    """

    sample: object
    reserves: object
    balance: object
    strata: tuple[str, ...]
    id_column: str
    n: int
    population: int
    seed: object
    input_hash: str
    version: str
    recency: Recency | None = None
    replaced: tuple[tuple[str, str], ...] = ()
    input_sha256: str = ""
    reserves_asked: int = 0
    _frame: object = field(default=None, repr=False, compare=False)

    @property
    def short_of_reserves(self) -> str | None:
        """What to say when fewer cases were left than reserves asked for (None when not).

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> chosen = select(case_list(30, rng=1), 25, reserves=10, rng=1)
        >>> print(chosen.short_of_reserves)  # doctest: +NORMALIZE_WHITESPACE
        10 reserves asked for but only 5 case(s) are left outside the sample of 25 from 30;
        all of them are reserves
        """
        if self.reserves_asked <= len(self.reserves):
            return None
        return (f"{self.reserves_asked} reserves asked for but only {len(self.reserves)} case(s) are left "
                f"outside the sample of {self.n} from {self.population}; all of them are reserves")

    @property
    def misses(self):
        """The rows of ``balance`` outside [floor, ceiling] of their target (none when balanced).

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> len(select(case_list(200, rng=1), 43, rng=2023).misses)
        0
        """
        return self.balance[~self.balance["within"]]

    @property
    def balanced(self) -> bool:
        """Whether every category is within [floor, ceiling] of its target.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> select(case_list(200, rng=1), 43, rng=2023).balanced
        True
        """
        return bool(self.balance["within"].all())

    @property
    def largest_deviation(self) -> float:
        """The largest ``|sample - target|`` over every variable and category, in cases.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> round(select(case_list(200, rng=1), 43, rng=2023).largest_deviation, 2)
        0.97
        """
        return float(self.balance["deviation"].abs().max())

    def to_frame(self):
        """Sample and reserves in one table with ``role`` (sample / reserve) and ``reserve_rank``.

        Returns
        -------
        pandas.DataFrame
            The sample's rows, then the reserves' in rank order, with every input column,
            ``role``, ``reserve_rank`` (blank for the sample) and ``replaces``.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> table = select(case_list(200, rng=1), 43, reserves=5, rng=2023).to_frame()
        >>> table["role"].value_counts().to_dict()
        {'sample': 43, 'reserve': 5}
        """
        import pandas as pd

        sample = self.sample.assign(role="sample", reserve_rank=pd.NA)
        reserves = self.reserves.assign(role="reserve")
        return pd.concat([sample, reserves], ignore_index=True)

    def _repr_html_(self) -> str:
        return self.balance._repr_html_()

    def audit(self) -> dict:
        """What is needed to draw the same sample again, for the audit record.

        Returns
        -------
        dict
            ``package_version``, ``seed``, ``n``, ``population``, ``input_sha256_16``, ``strata``
            and ``replaced`` (a list of [case out, reserve in]).

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> record = select(case_list(200, rng=1), 43, rng=2023).audit()
        >>> record["seed"], record["input_sha256_16"], record["strata"]
        (2023, '8a1522c689ea32ca', ['gender', 'disposal_type', 'rosh', 'safety_wellbeing'])
        """
        return {"package_version": self.version, "seed": self.seed, "n": self.n,
                "population": self.population,
                "input_sha256_16": self.input_hash, "strata": list(self.strata),
                "replaced": [list(pair) for pair in self.replaced]}

    def to_dict(self) -> dict:
        """The JSON shape of ``python -m sampling select --json`` (keys fixed).

        Returns
        -------
        dict
            ``n``, ``population``, ``seed``, ``input_sha256``, ``sample`` (case ids),
            ``reserves`` (``{"case_id", "replaces"}`` in rank order), ``balance`` (one row per
            category) and ``misses``.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> data = select(case_list(200, rng=1), 43, reserves=5, rng=2023).to_dict()
        >>> len(data["sample"]), data["reserves"][0]["case_id"], data["misses"]
        (43, 'S00078', [])
        """
        rows = [{"variable": r.variable, "category": _plain(r.category), "population": int(r.population),
                 "target": float(r.target), "sample": int(r.sample)} for r in self.balance.itertuples()]
        misses = [{"variable": r.variable, "category": _plain(r.category), "target": float(r.target),
                   "sample": int(r.sample), "miss": float(r.miss)} for r in self.misses.itertuples()]
        pairs = zip(self.reserves[self.id_column], self.reserves["replaces"], strict=True)
        reserves = [{"case_id": str(case), "replaces": None if other is None else str(other)}
                    for case, other in pairs]
        return {"n": self.n, "population": self.population, "seed": self.seed,
                "input_sha256": self.input_sha256, "sample": [str(c) for c in self.sample[self.id_column]],
                "reserves": reserves, "balance": rows, "misses": misses}

    def replaceable(self) -> list:
        """Sampled case ids that have a reserve in the same cell: replacing them keeps every count.

        Returns
        -------
        list
            The case ids, in the sample's order.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> select(case_list(200, rng=1), 43, reserves=5, rng=2023).replaceable()
        ['S00003', 'S00028', 'S00042', 'S00105']
        """
        variables = self._variables()
        reserve_cells = {tuple(row) for row in self.reserves[variables].astype(str).to_numpy()}
        cells = self.sample[variables].astype(str).to_numpy()
        ids = self.sample[self.id_column].tolist()
        return [case for case, cell in zip(ids, cells, strict=True) if tuple(cell) in reserve_cells]

    def replace(self, case_id) -> Selection:
        """The selection with ``case_id`` swapped out for its reserve.

        The reserve is the one whose ``replaces`` names the case, else the best remaining, as
        :func:`choose_reserve` chooses (a ``BalanceWarning`` when no swap keeps every variable
        within its limits). The balance table is recounted and the swap added to ``replaced``.

        Parameters
        ----------
        case_id : str
            A sampled case's id.

        Returns
        -------
        Selection
            A new selection; this one is unchanged.

        Raises
        ------
        SamplingError
            If the case is not in the sample, or no reserves are left.

        Warns
        -----
        BalanceWarning
            When no reserve keeps every variable within its limits.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> chosen = select(case_list(200, rng=1), 43, reserves=5, rng=2023)
        >>> after = chosen.replace("S00003")
        >>> after.replaced, len(after.sample), len(after.reserves), after.balanced
        ((('S00003', 'S00195'),), 43, 4, True)
        """
        import pandas as pd

        ids = self.sample[self.id_column].astype(str)
        key = str(case_id)
        if key not in set(ids):
            raise SamplingError(f"case {case_id!r} is not in the sample; give a sampled {self.id_column}")
        if self.reserves.empty:
            raise SamplingError("no reserves left; select again with more reserves")
        columns = {self._label(v): v for v in self._variables()}
        choice, miss, _ = choose_reserve(self.sample, self.reserves, self.balance, key, columns=columns,
                                         id_column=self.id_column)
        if miss > 0:
            warnings.warn(f"no reserve keeps every variable within its target after replacing {case_id!r}; "
                          f"using reserve {self.reserves.iloc[choice][self.id_column]!r} "
                          f"(total shortfall {miss:g} case(s))", BalanceWarning, stacklevel=2)
        incoming = self.reserves.iloc[[choice]].drop(columns=["reserve_rank", "replaces"])
        sample = pd.concat([self.sample[ids != key], incoming], ignore_index=True)
        reserves = self.reserves.drop(self.reserves.index[choice]).reset_index(drop=True)
        reserves["reserve_rank"] = np.arange(1, len(reserves) + 1)
        balance = _balance_table(self._frame, sample, self.strata, self.n, self.recency)
        pair = (key, str(incoming.iloc[0][self.id_column]))
        return replace(self, sample=sample, reserves=reserves, balance=balance,
                       replaced=self.replaced + (pair,))

    def _variables(self) -> list[str]:
        variables = list(self.strata)
        if self.recency is not None:
            variables.append(_RECENT_COLUMN)
        return variables

    def _label(self, variable: str) -> str:
        return _RECENT if variable == _RECENT_COLUMN else variable


def _plain(value):
    """A category as JSON writes it (numpy scalars as Python ones)."""
    return value.item() if isinstance(value, np.generic) else value


def _limits(balance) -> dict[tuple[str, str], tuple[float, float]]:
    return {(str(r.variable), str(r.category)): (math.floor(r.target + 1e-9), math.ceil(r.target - 1e-9))
            for r in balance.itertuples()}


def _counts(sample, columns: Mapping[str, str]) -> dict[str, dict[str, int]]:
    return {label: sample[column].astype(str).value_counts().to_dict() for label, column in columns.items()}


def _swap_miss(counts, limits, out_cell, in_cell, labels) -> float:
    """Total shortfall outside [floor, ceiling] of the categories a swap changes (0: it keeps all)."""
    total = 0.0
    for label, out_value, in_value in zip(labels, out_cell, in_cell, strict=True):
        if out_value == in_value:
            continue
        for category, change in ((out_value, -1), (in_value, +1)):
            count = counts[label].get(category, 0) + change
            low, high = limits.get((label, category), (0, 0))
            total += max(0.0, low - count) + max(0.0, count - high)
    return total


def choose_reserve(sample, reserves, balance, case_id, *, columns: Mapping[str, str] | Sequence[str],
                   id_column: str = "case_id") -> tuple[int, float, str]:
    """Which reserve to swap in for a sampled case, what the swap misses by, and why.

    In order: the first reserve whose ``replaces`` names the case (when ``reserves`` has that
    column); else the first in rank order from the same cell (the same category on every
    variable, so every count is unchanged); else the one whose swap leaves the least total
    shortfall outside [floor, ceiling] of the targets in ``balance`` (ties: rank order).

    Parameters
    ----------
    sample, reserves : pandas.DataFrame
        The sampled cases and the remaining reserves (in rank order).
    balance : pandas.DataFrame
        ``variable``, ``category`` and ``target`` for every category.
    case_id : str
        The sampled case to replace.
    columns : mapping or sequence of str
        Each balance variable's column in ``sample`` and ``reserves`` (a sequence when they are
        the same names).
    id_column : str

    Returns
    -------
    (int, float, str)
        The reserve's position in ``reserves``, the swap's total shortfall in cases (0 when
        every variable stays within its limits), and "named", "same cell", "keeps the balance"
        or "closest".
    """
    columns = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
    labels, names = list(columns), list(columns.values())
    out_cell = tuple(sample.loc[sample[id_column].astype(str) == str(case_id), names].astype(str).iloc[0])
    cells = [tuple(row) for row in reserves[names].astype(str).to_numpy()]
    if "replaces" in reserves.columns:
        named = np.flatnonzero(reserves["replaces"].astype(str).to_numpy() == str(case_id))
        if named.size:
            position = int(named[0])
            counts, limits = _counts(sample, columns), _limits(balance)
            return position, _swap_miss(counts, limits, out_cell, cells[position], labels), "named"
    same = next((i for i, cell in enumerate(cells) if cell == out_cell), None)
    if same is not None:
        return same, 0.0, "same cell"
    counts, limits = _counts(sample, columns), _limits(balance)
    misses = [_swap_miss(counts, limits, out_cell, cell, labels) for cell in cells]
    position = int(np.argmin(misses))
    return position, misses[position], "keeps the balance" if misses[position] == 0 else "closest"


def recount_balance(balance, sample, *, columns: Mapping[str, str] | Sequence[str]):
    """``balance`` with its ``sample`` counts recounted from ``sample`` (and ``deviation``,
    ``within`` and ``miss`` where it has them); the population and targets are kept.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"variable": ["g", "g"], "category": ["a", "b"], "target": [1.5, 0.5],
    ...                       "sample": [0, 0]})
    >>> recount_balance(table, pd.DataFrame({"g": ["a", "b"]}), columns=["g"])["sample"].tolist()
    [1, 1]
    """
    columns = dict(columns) if isinstance(columns, Mapping) else {c: c for c in columns}
    counts = _counts(sample, columns)
    result = balance.copy()
    result["sample"] = [int(counts.get(str(r.variable), {}).get(str(r.category),
                                                                0)) for r in balance.itertuples()]
    if "deviation" in result.columns:
        result["deviation"] = result["sample"] - result["target"]
    limits = _limits(result)
    keys = list(zip(result["variable"].astype(str), result["category"].astype(str), strict=True))
    if "within" in result.columns:
        result["within"] = [bool(limits[k][0] <= c <= limits[k][1])
                            for k, c in zip(keys, result["sample"], strict=True)]
    if "miss" in result.columns:
        result["miss"] = [float(max(0, limits[k][0] - c) + max(0, c - limits[k][1]))
                          for k, c in zip(keys, result["sample"], strict=True)]
    return result


_RECENT_COLUMN = "_recent"


def _targets(frame, strata, n: int, recency: Recency | None) -> dict[tuple[str, object], float]:
    """Target count of each (variable, category): n x population share (recency: n x share)."""
    total = len(frame)
    targets = {}
    for v in strata:
        for category, count in frame[v].value_counts(sort=False).items():
            targets[(v, category)] = n * count / total
    if recency is not None:
        targets[(_RECENT, True)] = n * recency.share
        targets[(_RECENT, False)] = n * (1 - recency.share)
    return targets


def _balance_table(frame, sample, strata, n: int, recency: Recency | None):
    import pandas as pd

    rows = []
    total = len(frame)
    targets = _targets(frame, strata, n, recency)
    variables = list(strata) + ([_RECENT_COLUMN] if recency is not None else [])
    for v in variables:
        label = _RECENT if v == _RECENT_COLUMN else v
        population = frame[v].value_counts(sort=False)
        drawn = sample[v].value_counts(sort=False)
        for category in sorted(population.index, key=str):
            target = targets[(label, category)]
            count = int(drawn.get(category, 0))
            low, high = np.floor(target + 1e-9), np.ceil(target - 1e-9)
            rows.append({"variable": label, "category": category, "population": int(population[category]),
                         "population_share": population[category] / total, "target": target,
                         "sample": count, "deviation": count - target, "within": bool(low <= count <= high),
                         "miss": float(max(0.0, low - count) + max(0.0, count - high))})
    return pd.DataFrame(rows)


def balance_table(cases, sample, *, strata: Sequence[str] = DEFAULT_STRATA, id_column: str = "case_id"):
    """The balance table of any sample of ``cases`` (e.g. a simple random sample, for comparison).

    Same columns as ``Selection.balance``: per variable and category the population count
    and share, the target n x share, the sample count, the deviation, whether it is within
    [floor, ceiling] of the target and by how much it misses.

    >>> from sampling.synthetic import case_list
    >>> cases = case_list(100, rng=1)
    >>> table = balance_table(cases, cases.sample(20, random_state=1), strata=["gender"])
    >>> table[["category", "population", "sample"]].values.tolist()
    [['female', 11, 3], ['male', 89, 17]]
    """
    frame, canonical, _ = _prepare(cases, strata, id_column, None)
    return _balance_table(frame, sample, canonical, len(sample), None)


def _check_n(n: object, population: int) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Real) or n != int(n):
        raise SamplingError(f"n must be a whole number of cases, got {n!r}")
    n = int(n)
    if n < 1:
        raise SamplingError(f"n must be at least 1 case, got {n}")
    if n > population:
        raise SamplingError(f"n = {n} is more than the {population} cases in the list")
    return n


def _prepare(cases, strata, id_column, recency):
    """Validate a case list and return (frame with canonical balancing columns, strata, id column)."""
    import pandas as pd

    if not isinstance(cases, pd.DataFrame):
        raise SamplingError("cases must be a pandas DataFrame (or use read_cases(path)), "
                            f"got {type(cases).__name__}")
    if cases.empty:
        raise CaseListError("the case list has no rows")
    if isinstance(strata, str):
        strata = tuple(s for s in strata.split(",") if s.strip())
    strata = tuple(strata)
    if not strata:
        raise SamplingError("strata must name at least one column")
    twice = [name for name in dict.fromkeys(strata) if strata.count(name) > 1]
    if twice:
        raise SamplingError(f"strata: {twice[0]!r} is named twice; name each balancing column once, "
                            f"e.g. --strata {','.join(dict.fromkeys(strata))}")
    wanted = [id_column, *strata] + ([recency.column] if recency is not None else [])
    fixes = {id_column: "name the case id column with --id-column (id_column=)",
             **{name: "name the balancing columns with --strata (strata=)" for name in strata}}
    if recency is not None:
        fixes[recency.column] = "name the date column with --recency-column (Recency(column=...))"
    columns = _resolve_columns(cases, wanted, "case list", fixes)
    ids = cases[columns[id_column]]
    trimmed, blank = _trimmed(ids, columns[id_column])
    if blank.any():
        raise CaseListError(f"column {columns[id_column]!r} has a blank case id; every case needs one")
    _check_ids(trimmed, columns[id_column])
    frame = cases.copy()
    canonical = []
    for name in strata:
        source = columns[name]
        values, blank = _trimmed(frame[source], source)
        if blank.any():
            row = int(np.flatnonzero(blank)[0])
            raise CaseListError(f"column {source!r} is blank for case {ids.iloc[row]!r}; "
                                "every case needs a category on each stratification variable")
        frame[source] = _categories(values, source)
        canonical.append(source)
    if recency is not None:
        frame[_RECENT_COLUMN] = recency.flags(frame, columns[recency.column])
    return frame, tuple(canonical), columns[id_column]


def _check_ids(ids: np.ndarray, heading: str) -> None:
    """Case ids compared as they print (:func:`sampling._text.looks`: case, spacing, invisible and
    look-alike letters): the first repeated one refused, naming the fix."""
    import pandas as pd

    keys = pd.Series([looks(t) for t in ids])
    repeated = keys.duplicated(keep=False).to_numpy()
    if repeated.any():
        first = keys[repeated].iloc[0]
        group = list(dict.fromkeys(ids[(keys == first).to_numpy()]))
        how = ("appears more than once" if len(group) == 1
               else "is given as " + " and ".join(ascii(g) for g in group) + ", which print alike")
        raise CaseListError(f"column {heading!r}: case id {group[0]!r} {how} (case, spaces and invisible "
                            f"characters ignored; {int(repeated.sum())} rows in all); case ids must be "
                            "unique: list each case once, or name the right id column with --id-column")


def _categories(values: np.ndarray, heading: str) -> np.ndarray:
    """Each value as its category: values that fold alike (:func:`sampling._text.fold`: case and
    spacing) shown in their commonest spelling; two categories that print alike refused."""
    import pandas as pd

    codes, uniques = pd.factorize(values)
    counts = np.bincount(codes, minlength=len(uniques))
    spellings: dict[str, dict[str, int]] = {}
    for text, count in zip(uniques, counts, strict=True):
        spellings.setdefault(fold(text), {})[text] = int(count)
    label = {key: min(s, key=lambda t, s=s: (-s[t], t)) for key, s in spellings.items()}
    alike: dict[str, list[str]] = {}
    for key in label:
        alike.setdefault(looks(key), []).append(label[key])
    clash = next((group for group in alike.values() if len(group) > 1), None)
    if clash is not None:
        raise CaseListError(f"column {heading!r}: the categories " + " and ".join(ascii(c) for c in clash)
                            + " are different but print alike; write each category one way in the file")
    return np.array([label[fold(text)] for text in uniques], dtype=object)[codes]


def _trimmed(values, heading: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Each value as text as the readers compare it (NFC, invisible characters removed, no
    surrounding spaces), and whether it is blank (through the distinct values, so that a long list
    costs no more than its categories). A control character is refused, naming the column."""
    import pandas as pd

    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    texts = [clean(str(u))[0].strip() for u in uniques]
    bad = next((t for t in texts if control_characters(t)), None)
    if bad is not None:
        raise CaseListError(f"column {heading!r}: the value {bad!r} holds control character(s) "
                            f"{', '.join(control_characters(bad))}; remove them from the case list")
    trimmed = np.array(texts + [""], dtype=object)[codes]  # code -1 (missing): ""
    return trimmed, trimmed == ""


def _rake(targets, sizes, group_targets, n, rounds: int = 50):
    """Iterative proportional fitting of cell targets to every variable's target (recency)."""
    targets = targets.astype(float).copy()
    for _ in range(rounds):
        for members, _, _, goal in group_targets:
            current = math.fsum(targets[members])  # exactly rounded: the same on every processor
            if current > 0:
                targets[members] *= goal / current
        targets = np.minimum(targets, sizes)
    return targets * (n / targets.sum())


def _flight(targets, group_targets, cell_count: int, rng) -> np.ndarray:
    """Round cell targets to integers at random, keeping every variable within its limits.

    Each cell count is floor(t) + y with y in [0, 1] starting at the fractional part of t. The
    vector y takes random steps that keep the total and every variable's count inside
    [floor, ceiling] of its target, each step a martingale (E[y] unchanged: it moves by +a d
    with probability b / (a + b) and by -b d otherwise, as in the cube method of Deville and
    Tillé 2004), and each step fixes at least one more cell at 0 or 1 or one more variable's
    count at a limit. It stops at a vertex of that polytope. With one or two variables the
    vertices are integers (the constraints are totally unimodular), so the counts are balanced
    and each cell's expectation is exactly its target; with more variables a vertex can keep a
    few fractional cells, which :func:`_round_vertex` rounds (a balanced rounding if one exists,
    else systematic rounding, after which the integer program lands the sample).
    """
    base = np.floor(targets + 1e-12)
    y = targets - base
    y[y < 1e-9] = 0.0
    y[y > 1 - 1e-9] = 1.0
    matrix = np.zeros((len(group_targets), cell_count), dtype=np.int64)
    for row, (members, _, _, _) in enumerate(group_targets):
        matrix[row, members] = 1
    sums = _GroupSums(matrix)
    fixed = sums(base)
    low = np.array([g[1] for g in group_targets]) - fixed
    high = np.array([g[2] for g in group_targets]) - fixed
    order = rng.permutation(cell_count)
    ones = np.ones((1, cell_count), dtype=np.int64)
    for _ in range(4 * (cell_count + len(group_targets)) + 10):  # each step fixes one more
        free = order[(y[order] > 1e-9) & (y[order] < 1 - 1e-9)]
        if free.size == 0:
            break
        totals = sums(y)
        active = (totals <= low + 1e-9) | (totals >= high - 1e-9)
        equations = np.vstack([ones, matrix[active]])
        rows = equations.shape[0]
        # more unknowns than equations: a null vector exists among the first rows + 1 free cells
        chosen = free[: rows + 1] if free.size > rows else free
        null = _null_vector(equations[:, chosen])
        if null is None:
            break  # a vertex: the free cells' columns are independent
        direction = np.zeros(cell_count)
        direction[chosen] = null
        step_up = _longest_step(y, direction, totals, sums, low, high, active)
        step_down = _longest_step(y, -direction, totals, sums, low, high, active)
        if rng.random() < step_down / (step_up + step_down):
            y = y + step_up * direction
        else:
            y = y - step_down * direction
        y[y < 1e-9] = 0.0
        y[y > 1 - 1e-9] = 1.0
    counts = base.astype(np.int64) + (y >= 1 - 1e-9)
    free = np.flatnonzero((y > 1e-9) & (y < 1 - 1e-9))
    if free.size:
        counts[free] += _round_vertex(counts, free, y[free], matrix, low + fixed, high + fixed, rng)
    return counts


class _GroupSums:
    """Each variable category's sum of a per-cell vector, in a fixed order on every processor.

    ``matrix @ v`` goes through BLAS, whose kernels add in different orders on different
    processors (OpenBLAS's Haswell and SkylakeX kernels differ in the last bits), and a balanced
    sample must not depend on the processor. ``numpy.bincount`` adds the entries one by one in
    the order given, so the sums are the same everywhere.
    """

    def __init__(self, matrix: np.ndarray):
        self._rows, self._cols = np.nonzero(matrix)
        self._count = matrix.shape[0]

    def __call__(self, vector: np.ndarray) -> np.ndarray:
        return np.bincount(self._rows, weights=vector[self._cols], minlength=self._count)


def _null_vector(equations: np.ndarray) -> np.ndarray | None:
    """An exact null vector of a small integer matrix, or None when its columns are independent.

    Gauss-Jordan elimination in integers (pivots taken left to right, the first row with a
    non-zero entry; each row divided by the gcd of its entries after every update, so the
    entries stay small); the first column without a pivot gets the lcm of the pivots, the other
    non-pivot columns 0, and the vector is scaled to coprime integers. It is the same vector on
    every machine, with a fixed sign and scale: a singular vector from ``numpy.linalg.svd`` is any
    unit vector of the null space when that has two or more dimensions, chosen by the LAPACK
    kernel, and its sign is arbitrary, so the walk would part between processors.

    >>> _null_vector(np.array([[1, 1, 0], [0, 1, 1]])).tolist()
    [1.0, -1.0, 1.0]
    >>> _null_vector(np.array([[1, 0], [0, 1]])) is None
    True
    """
    table = np.array(equations, dtype=np.int64)
    width = table.shape[1]
    pivots: list[int] = []
    for column in range(width):
        rank = len(pivots)
        candidates = np.flatnonzero(table[rank:, column]) + rank
        if candidates.size == 0:
            continue
        table[[rank, candidates[0]]] = table[[candidates[0], rank]]
        head, below = table[rank], table[:, column].copy()
        below[rank] = 0
        table = table * table[rank, column] - below[:, None] * head[None, :]
        table[rank] = head
        divisor = np.gcd.reduce(table, axis=1)
        divisor[divisor == 0] = 1
        table //= divisor[:, None]
        if np.abs(table).max() > 2 ** 40:  # pragma: no cover - 0/1 balancing equations stay small
            raise SamplingError("the balancing equations are too large for exact elimination")
        pivots.append(column)
    free = [column for column in range(width) if column not in pivots]
    if not free:
        return None
    heads = [abs(int(table[row, column])) for row, column in enumerate(pivots)]
    scale = math.lcm(*heads) if heads else 1
    solution = [0] * width
    solution[free[0]] = scale
    for row, column in enumerate(pivots):
        solution[column] = -int(table[row, free[0]]) * scale // int(table[row, column])
    divisor = math.gcd(*solution)
    return np.array([value // divisor for value in solution], dtype=float)


def _round_vertex(counts, free, y, matrix, low, high, rng) -> np.ndarray:
    """Round the few fractional cells of a vertex: a balanced rounding if one exists.

    Every 0/1 rounding of the (at most 12) fractional cells with the right total is listed;
    one that keeps every variable within its limits is drawn with probability proportional to
    prod y^x (1 - y)^(1 - x). If there is none, systematic rounding (expectations kept) and the
    integer program lands the sample. (Integer counts and element-wise products only, so the
    draw is the same on every processor.)
    """
    left = int(round(y.sum()))
    if free.size > 12:
        return _systematic(y, left, rng)
    patterns = ((np.arange(2 ** free.size)[:, None] >> np.arange(free.size)[None, :]) & 1)
    patterns = patterns[patterns.sum(axis=1) == left]
    totals = (matrix @ counts)[None, :] + patterns @ matrix[:, free].T  # integer matrices: exact
    ok = np.all((totals >= low - 1e-9) & (totals <= high + 1e-9), axis=1)
    if not ok.any():
        return _systematic(y, left, rng)
    candidates = patterns[ok]
    weight = np.ones(len(candidates))
    for column in range(free.size):  # one product at a time, in a fixed order
        weight *= np.where(candidates[:, column] == 1, y[column], 1 - y[column])
    return candidates[rng.choice(len(candidates), p=weight / math.fsum(weight))]


def _longest_step(y, direction, totals, sums, low, high, active) -> float:
    """The largest a >= 0 keeping y + a d in [0, 1] and every inactive total within its limits."""
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = np.where(direction > 0, (1 - y) / direction, np.where(direction < 0, -y / direction, np.inf))
        change = sums(direction)
        rows = np.where(change > 1e-12, (high - totals) / change,
                        np.where(change < -1e-12, (low - totals) / change, np.inf))
    rows = np.where(active, np.inf, rows)
    return float(max(min(cells.min(), rows.min()), 0.0))


def _systematic(targets: np.ndarray, n: int, rng) -> np.ndarray:
    """Round targets (summing to n) to floor or ceiling, sum exactly n, expectation exactly t."""
    order = rng.permutation(targets.size)
    cumulative = np.concatenate(([0.0], np.cumsum(targets[order])))
    start = rng.random()
    points = np.floor(cumulative - start + 1 - 1e-12)  # number of points start + j below each edge
    counts = np.diff(np.maximum(points, 0)).astype(np.int64)
    result = np.empty_like(counts)
    result[order] = counts
    while result.sum() < n:  # guards against floating error in the cumulative sums
        result[np.argmax(targets - result)] += 1
    while result.sum() > n:
        result[np.argmax(result - targets)] -= 1
    return result


def _land(cell_sizes, start, n, groups, rng):
    """Integer program: nearest counts to ``start`` that meet every group's [floor, ceil]."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    c_count = len(cell_sizes)
    g_count = len(groups)
    # variables: x (cells), d_plus, d_minus (cells), u, l (groups)
    size = 3 * c_count + 2 * g_count
    cost = np.zeros(size)
    big = 2.0 * n + 10.0
    cost[c_count:3 * c_count] = 1.0 + rng.random(2 * c_count) * 1e-3  # random tie-breaks
    cost[3 * c_count:] = big
    rows, lows, highs = [], [], []
    total = np.zeros(size)
    total[:c_count] = 1
    rows.append(total)
    lows.append(n)
    highs.append(n)
    for i in range(c_count):
        row = np.zeros(size)
        row[i], row[c_count + i], row[2 * c_count + i] = 1, -1, 1
        rows.append(row)
        lows.append(start[i])
        highs.append(start[i])
    for j, (members, low, high) in enumerate(groups):
        upper = np.zeros(size)
        upper[members] = 1
        upper[3 * c_count + j] = -1  # u
        rows.append(upper)
        lows.append(-np.inf)
        highs.append(high)
        lower = np.zeros(size)
        lower[members] = 1
        lower[3 * c_count + g_count + j] = 1  # l
        rows.append(lower)
        lows.append(low)
        highs.append(np.inf)
    upper_bounds = np.concatenate([cell_sizes, np.full(2 * c_count + 2 * g_count, np.inf)])
    integrality = np.concatenate([np.ones(c_count), np.zeros(2 * c_count + 2 * g_count)])
    result = milp(cost, constraints=LinearConstraint(np.array(rows), lows, highs), integrality=integrality,
                  bounds=Bounds(np.zeros(size), upper_bounds))
    if not result.success:  # pragma: no cover - the program is always feasible (slacks)
        raise SamplingError(f"the balancing program failed: {result.message}")
    return np.round(result.x[:c_count]).astype(np.int64)


def select(
    cases,
    n: int,
    *,
    strata: Sequence[str] = DEFAULT_STRATA,
    id_column: str = "case_id",
    recency: Recency | None = None,
    reserves: int = 0,
    rng=None,
    input_sha256: str | None = None,
) -> Selection:
    """Draw a sample of ``n`` cases balanced on every stratification variable at once.

    Parameters
    ----------
    cases : pandas.DataFrame
        The eligible case list (see :func:`sampling.read_cases` for CSV and Excel). Column names match
        regardless of case and spacing ("Case ID" is ``case_id``).
    n : int
        Cases to sample.
    strata : sequence of str, default DEFAULT_STRATA
        Balancing variables (default gender, disposal type, risk of serious harm, safety and
        wellbeing).
    id_column : str, default "case_id"
        The case id column; ids must be unique.
    recency : Recency, optional
        Also balance "sentenced within the window" at the given share of the sample.
    reserves : int, default 0
        Length of the ordered replacement list.
    rng : int, numpy.random.Generator or None
        A seed (a whole number from 0) or a generator.
    input_sha256 : str, optional
        The SHA-256 of the file ``cases`` was read from, to record in the audit (``read_cases``
        keeps it in ``cases.attrs["sha256"]``); by default, that of the frame's headings and cells.

    Returns
    -------
    Selection
        The sample, the reserves, the balance table and the audit fields.

    Raises
    ------
    CaseListError
        For missing columns (each named, with the columns found), blank or repeated case ids, or
        blank categories.
    SamplingError
        For an n that is not a whole number from 1 to the number of cases, reserves that are not
        a whole number from 0, or an rng that is not a seed, a generator or None.

    Warns
    -----
    BalanceWarning
        When no sample meets every variable's [floor, ceiling]: the closest is returned and the
        misses are listed in ``selection.misses``.

    Notes
    -----
    **Guarantee.** For every variable and category, the sample count is the floor or the ceiling
    of n x (category's share of the population) whenever any sample of n can achieve that for all
    variables together: the landing step is an exact integer program. **Randomness.** The flight
    keeps each cell's expected count exactly at its target n N_cell / N; with one or two
    variables it ends at integer counts, so every case's inclusion probability is exactly n / N.
    With more variables, rounding a fractional vertex (and, rarely, landing) moves a few cells,
    so inclusion probabilities stay close to n / N rather than exactly at it (checked by
    simulation in ``tests/test_selection.py``; ``methodology/stratified-selection.md`` tabulates
    how close). Cases are then taken by simple random sampling within each cell. **Reserves.**
    For each rank, a sampled case is picked at random and a reserve drawn from the cases left in
    its cell (or the nearest cell); each reserve's ``replaces`` names a sampled case of its own
    cell not yet named (the picked one first), else the one whose swap keeps the balance best.
    Fewer cases left than ``reserves`` gives all of them (``selection.short_of_reserves`` says
    so; the command line prints it).

    References
    ----------
    .. [1] Deville, J.-C. and Tillé, Y. (2004). Efficient balanced sampling: the cube method.
           Biometrika 91(4), 893-912 (the flight and landing structure followed here).
    .. [2] Cox, L. H. (1987). A constructive procedure for unbiased controlled rounding. Journal
           of the American Statistical Association 82, 520-524.
    .. [3] Madow, W. G. (1949). On the theory of systematic sampling, II. Annals of Mathematical
           Statistics 20, 333-354 (the systematic rounding used before landing).

    Examples
    --------
    >>> from sampling.synthetic import case_list
    >>> cases = case_list(200, rng=1)
    >>> chosen = select(cases, 43, reserves=5, rng=2023)
    >>> len(chosen.sample), len(chosen.reserves), chosen.balanced
    (43, 5, True)
    """

    import pandas as pd


    frame, canonical, id_col = _prepare(cases, strata, id_column, recency)
    population = len(frame)
    n = _check_n(n, population)
    if isinstance(reserves, bool) or not isinstance(reserves, numbers.Integral) or reserves < 0:
        raise SamplingError(f"reserves must be a whole number, at least 0, got {reserves!r}")
    asked = int(reserves)
    reserves = min(asked, population - n)
    seed = _check_seed(rng)
    generator = np.random.default_rng(rng)

    variables = list(canonical) + ([_RECENT_COLUMN] if recency is not None else [])
    chosen_index = _draw(frame, variables, n, recency, generator)
    sample = frame.loc[chosen_index]
    rest = frame.drop(index=chosen_index)
    reserve_rows, drawn_for = _reserve_rows(sample, rest, variables, reserves, generator)
    balance = _balance_table(frame, sample, canonical, n, recency)
    if not balance["within"].all():
        missed = balance[~balance["within"]]
        detail = "; ".join(f"{r.variable}={r.category}: {r.sample} against target {r.target:.2f}"
                           for r in missed.itertuples())
        warnings.warn(f"no sample of {n} meets every ratio within a case; closest returned ({detail})",
                      BalanceWarning, stacklevel=2)
    original_columns = list(cases.columns)
    keep = original_columns + ([_RECENT_COLUMN] if recency is not None else [])
    replaces = _assign_replaces(sample, reserve_rows, drawn_for, variables, balance, id_col)
    sample = sample[keep].reset_index(drop=True)
    reserve_rows = reserve_rows[keep].reset_index(drop=True)
    reserve_rows["reserve_rank"] = np.arange(1, len(reserve_rows) + 1)
    reserve_rows["replaces"] = pd.Series(replaces, dtype=object)
    digest = input_sha256 or _content_sha256(cases)
    return Selection(
        sample=sample, reserves=reserve_rows, balance=balance, strata=canonical, id_column=id_col, n=n,
        population=population, seed=seed, input_hash=digest[:16], version=__version__,
        recency=recency, input_sha256=digest, reserves_asked=asked, _frame=frame[keep],
    )


def _check_seed(rng):
    """The seed to record: an int from 0 (None for a generator or no seed); anything else refused."""
    if isinstance(rng, bool) or (rng is not None and not isinstance(rng, (numbers.Integral,
                                                                          np.random.Generator))):
        raise SamplingError("rng must be a seed (a whole number from 0), a numpy Generator or None, "
                            f"got {rng!r}")
    if isinstance(rng, numbers.Integral):
        if rng < 0:
            raise SamplingError(f"the seed must be a whole number from 0, got {rng}")
        return int(rng)
    return None


def _content_sha256(frame) -> str:
    import pandas as pd

    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _draw(frame, variables, n, recency, rng):
    """Indices of a balanced random sample of n rows of frame (cells, flight, landing, cases)."""
    import pandas as pd

    population = len(frame)
    codes, labels = [], []
    for v in variables:
        # sorted distinct values and each row's index among them (numpy.unique's answer, by hashing)
        code, uniques = pd.factorize(frame[v].astype(str).to_numpy(dtype=object), sort=True)
        codes.append(np.asarray(code, dtype=np.int64))
        labels.append(np.asarray(uniques, dtype=str))
    # one integer per cross-classification cell
    combined = np.zeros(population, dtype=np.int64)
    for code, uniques in zip(codes, labels, strict=True):
        combined = combined * len(uniques) + code
    cell_ids, cell_of_row = np.unique(combined, return_inverse=True)
    cell_of_row = np.ravel(cell_of_row)
    sizes = np.bincount(cell_of_row, minlength=len(cell_ids))
    first_row = np.zeros(len(cell_ids), dtype=np.int64)
    first_row[cell_of_row[::-1]] = np.arange(population)[::-1]
    cell_codes = [code[first_row] for code in codes]  # each cell's category code per variable

    group_targets = []
    for j, v in enumerate(variables):
        counts = np.bincount(codes[j], minlength=len(labels[j]))
        for code, label in enumerate(labels[j]):
            if v == _RECENT_COLUMN:
                target = n * (recency.share if label == "True" else 1 - recency.share)
            else:
                target = n * counts[code] / population
            members = np.flatnonzero(cell_codes[j] == code)
            group_targets.append((members, np.floor(target + 1e-9), np.ceil(target - 1e-9), target))
    groups = [(members, low, high) for members, low, high, _ in group_targets]
    targets = n * sizes / population
    if recency is not None:
        targets = _rake(targets, sizes, group_targets, n)
    start = _flight(targets, group_targets, len(sizes), rng)
    # raked targets (recency) can ask a cell for more cases than it has: then the program lands
    fits = _meets(start, groups) and bool((start <= sizes).all())
    counts = start if fits else _land(sizes, start, n, groups, rng)
    # simple random sampling within each cell: random keys, the smallest ranks in each cell
    keys = rng.random(population)
    order = np.lexsort((keys, cell_of_row))
    first = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rank = np.empty(population, dtype=np.int64)
    rank[order] = np.arange(population) - np.repeat(first, sizes)
    return frame.index[rank < counts[cell_of_row]]


def _meets(counts, groups) -> bool:
    return all(low <= counts[members].sum() <= high for members, low, high in groups)


def _reserve_rows(sample, rest, variables, count: int, rng):
    """An ordered reserve list whose cells follow the sample's, and the sampled case drawn for each.

    For each rank, a sampled case is picked at random and a reserve is taken at random from the
    remaining cases of the same cell (the same category on every variable); where none is left,
    from the cell that differs on the fewest variables. Swapping a reserve in for a case of its
    cell leaves every count unchanged. Returns the reserve rows and, per rank, the position in
    ``sample`` of the case picked.
    """
    if count == 0:
        return rest.iloc[0:0], []
    sample_codes, rest_codes = _cell_codes(sample, rest, variables)
    available = np.ones(len(rest), dtype=bool)
    chosen, drawn = [], []
    for _ in range(count):
        drawn.append(int(rng.integers(len(sample_codes))))
        target = sample_codes[drawn[-1]]
        mismatch = rest_codes != target[None, :]
        same = np.flatnonzero(available & ~mismatch.any(axis=1))
        if same.size == 0:
            distance = mismatch.sum(axis=1).astype(float)
            distance[~available] = np.inf
            same = np.flatnonzero(distance == distance.min())
        pick = int(rng.choice(same))
        available[pick] = False
        chosen.append(pick)
    return rest.iloc[chosen], drawn


def _cell_codes(sample, rest, variables) -> tuple[np.ndarray, np.ndarray]:
    """Each row's category codes (one integer per variable), the same codes in both frames."""
    import pandas as pd

    both = [pd.factorize(np.concatenate([sample[v].astype(str).to_numpy(dtype=object),
                                         rest[v].astype(str).to_numpy(dtype=object)]))[0] for v in variables]
    codes = np.column_stack(both) if both else np.zeros((len(sample) + len(rest), 0), dtype=np.int64)
    return codes[: len(sample)], codes[len(sample):]


def _assign_replaces(sample, reserves, drawn, variables, balance, id_column) -> list:
    """The sampled case each reserve stands in for, in rank order (no randomness).

    A sampled case of the reserve's own cell not yet named by an earlier reserve, the one picked
    when the reserve was drawn first; else, among the cases not yet named (all of them once
    every case is named), the one whose swap leaves the least shortfall outside the targets'
    [floor, ceiling], ties to the case picked and then to sample order.
    """
    if reserves.empty:
        return []
    columns = {(_RECENT if v == _RECENT_COLUMN else v): v for v in variables}
    labels = list(columns)
    cells = [tuple(row) for row in sample[variables].astype(str).to_numpy()]
    ids = sample[id_column].astype(str).tolist()
    counts, limits = _counts(sample, columns), _limits(balance)
    named: set[int] = set()
    result = []
    for reserve_cell, picked in zip(reserves[variables].astype(str).to_numpy(), drawn, strict=True):
        reserve_cell = tuple(reserve_cell)
        free = [i for i in range(len(cells)) if i not in named] or list(range(len(cells)))
        same = [i for i in free if cells[i] == reserve_cell]
        if same:
            choice = picked if picked in same else same[0]
        else:
            choice = min(free, key=lambda i: (_swap_miss(counts, limits, cells[i], reserve_cell, labels),
                                              i != picked, i))
        named.add(choice)
        result.append(ids[choice])
    return result


def select_by_domain(
    cases,
    n: int,
    *,
    domain_column: str = "domain",
    sizes: Mapping[str, int] | None = None,
    **options,
) -> dict[str, Selection]:
    """Court and out-of-court samples drawn from one list with a domain column.

    ``sizes`` gives each domain's sample; by default :func:`sampling.size.allocate` splits ``n``
    in proportion to the domains' caseloads (Calderdale 2022: "The sample size was set based on
    the proportion of out-of-court disposal cases"). Each domain is then selected with
    :func:`select` and the remaining ``options``; an int seed is used for the first domain and
    the same generator continues for the next, so the result is reproducible, and each domain's
    selection records that seed (``selection.seed``, ``selection.audit()["seed"]``): redrawing
    needs the same seed, the same case list and the same sizes.

    Parameters
    ----------
    cases : pandas.DataFrame
        The eligible case list, with a domain column.
    n : int
        The total sample, split by caseload when ``sizes`` is not given.
    domain_column : str, default "domain"
        The column naming each case's domain ("court", "out_of_court").
    sizes : mapping of str to int, optional
        Each domain's sample size (then ``n`` is not used); a domain of size 0 is left out.
    **options
        Passed on to :func:`select` (``strata``, ``id_column``, ``recency``, ``reserves``,
        ``rng``, ``input_sha256``).

    Returns
    -------
    dict of str to Selection
        One selection per domain.

    Raises
    ------
    CaseListError
        For a missing domain column, a domain in ``sizes`` with no cases, or any case-list
        problem :func:`select` finds.
    SamplingError
        For a bad n, rng or option, as :func:`select` and :func:`sampling.size.allocate`.

    Examples
    --------
    >>> from sampling.synthetic import case_list
    >>> cases = case_list(300, rng=4)
    >>> int((cases.domain == "court").sum())      # 28 x 104 / 300 = 9.7 court cases
    104
    >>> chosen = select_by_domain(cases, 28, rng=5)
    >>> {name: len(s.sample) for name, s in chosen.items()}
    {'court': 10, 'out_of_court': 18}
    >>> chosen["out_of_court"].audit()["seed"]
    5
    """

    columns = _resolve_columns(cases, [domain_column], "case list")
    domain = cases[columns[domain_column]]
    counts = domain.value_counts(sort=False).sort_index()
    if sizes is None:
        sizes = allocate(int(n), {str(k): int(v) for k, v in counts.items()})
    seed = _check_seed(options.get("rng"))
    rng = np.random.default_rng(options.pop("rng", None))
    result = {}
    for name, size in sizes.items():
        part = cases[domain.astype(str) == str(name)]
        if part.empty:
            raise CaseListError(f"no cases with {columns[domain_column]} = {name!r}; domains found: "
                                + ", ".join(map(str, counts.index)))
        if size:
            result[str(name)] = replace(select(part, size, rng=rng, **options), seed=seed)
    return result


# --------------------------------------------------------------------------------------------
# checking a design by simulation

_DESIGNS = ("balanced", "simple")


@dataclass(frozen=True)
class SelectionSimulation:
    """Many draws of one sampling design from one case list: how often each case was chosen, and
    how far each draw's category counts were from their targets.

    ``counts[i]`` is the number of draws that included case ``case_ids[i]``; ``outside[d]`` the
    number of categories (of the ``balance_on`` variables) outside [floor, ceiling] of their
    target in draw d, and ``deviation[d]`` that draw's largest ``|sample - target|``, in cases.
    Made by :func:`simulate_selection`; each parameter is also an attribute.

    Parameters
    ----------
    design : {"balanced", "simple"}
        The design simulated.
    n : int
        Cases in each sample.
    population : int
        Cases in the list.
    draws : int
        Samples drawn.
    strata : tuple of str
        The variables the balanced design balances on.
    balance_on : tuple of str
        The variables each draw's balance is measured on.
    seed : int or None
        The seed given (None for a generator or no seed).
    case_ids : tuple
        The case ids, in the list's order.
    counts : numpy.ndarray
        Per case, the draws that included it.
    outside : numpy.ndarray
        Per draw, the categories outside [floor, ceiling] of their target.
    deviation : numpy.ndarray
        Per draw, the largest ``|sample - target|``, in cases.

    Examples
    --------
    >>> from sampling.synthetic import case_list
    >>> result = simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5)
    >>> result.design, result.draws, result.case_ids[:2], result.counts[:3].tolist()
    ('balanced', 20, ('S00001', 'S00002'), [5, 8, 9])
    """

    design: str
    n: int
    population: int
    draws: int
    strata: tuple[str, ...]
    balance_on: tuple[str, ...]
    seed: int | None
    case_ids: tuple = field(repr=False)
    counts: np.ndarray = field(repr=False, compare=False)
    outside: np.ndarray = field(repr=False, compare=False)
    deviation: np.ndarray = field(repr=False, compare=False)

    @property
    def expected(self) -> float:
        """n / N: every case's inclusion probability under an exactly fair design.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5).expected
        0.3
        """
        return self.n / self.population

    @property
    def standard_error(self) -> float:
        """Monte Carlo standard error of one case's frequency if its probability is n / N.

        sqrt(p (1 - p) / R) for p = n / N and R draws (the binomial standard error).

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> round(simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5).standard_error, 4)
        0.1025
        """
        p = self.expected
        return math.sqrt(p * (1 - p) / self.draws)

    @property
    def frequencies(self) -> np.ndarray:
        """Per case, the share of draws that included it.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5).frequencies[:3].tolist()
        [0.25, 0.4, 0.45]
        """
        return self.counts / self.draws

    @property
    def smallest_ratio(self) -> float:
        """The lowest frequency over every case, as a ratio to n / N.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> round(simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5).smallest_ratio, 3)
        0.333
        """
        return float(self.frequencies.min() / self.expected)

    @property
    def largest_ratio(self) -> float:
        """The highest frequency over every case, as a ratio to n / N.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> round(simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5).largest_ratio, 3)
        1.833
        """
        return float(self.frequencies.max() / self.expected)

    @property
    def balanced_share(self) -> float:
        """The share of draws with every category within [floor, ceiling] of its target.

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> cases = case_list(40, rng=3)
        >>> simulate_selection(cases, 12, draws=20, rng=5).balanced_share
        1.0
        >>> simulate_selection(cases, 12, draws=20, design="simple", rng=5).balanced_share
        0.05
        """
        return float(np.mean(self.outside == 0))

    def to_frame(self):
        """One row per case: how often it was drawn, against n / N.

        Returns
        -------
        pandas.DataFrame
            ``case_id``, ``count``, ``frequency``, ``expected`` (n / N), ``ratio``
            (frequency / expected) and ``z`` ((frequency - expected) / standard error).

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5).to_frame().head(2).round(3)
          case_id  count  frequency  expected  ratio      z
        0  S00001      5       0.25       0.3  0.833 -0.488
        1  S00002      8       0.40       0.3  1.333  0.976
        """
        import pandas as pd

        frequency = self.frequencies
        z = (frequency - self.expected) / self.standard_error if self.standard_error else 0.0 * frequency
        return pd.DataFrame({"case_id": list(self.case_ids), "count": self.counts.astype(int),
                             "frequency": frequency, "expected": self.expected,
                             "ratio": frequency / self.expected, "z": z})

    def draws_frame(self):
        """One row per draw: how far its category counts were from their targets.

        Returns
        -------
        pandas.DataFrame
            ``draw`` (from 1), ``outside`` (categories outside their limits), ``deviation``
            (the largest ``|sample - target|``, in cases) and ``balanced`` (``outside`` is 0).

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5).draws_frame().head(2)
           draw  outside  deviation  balanced
        0     1        0        0.8      True
        1     2        0        0.9      True
        """
        import pandas as pd

        return pd.DataFrame({"draw": np.arange(1, self.draws + 1), "outside": self.outside.astype(int),
                             "deviation": self.deviation, "balanced": self.outside == 0})

    def to_dict(self) -> dict:
        """The simulation as a dict, as ``--json`` prints it.

        Returns
        -------
        dict
            The fields but the arrays, ``expected``, ``standard_error``, ``smallest_ratio``,
            ``largest_ratio``, ``balanced_share`` and ``cases`` (the rows of :meth:`to_frame`).

        Examples
        --------
        >>> from sampling.synthetic import case_list
        >>> data = simulate_selection(case_list(40, rng=3), 12, draws=20, rng=5).to_dict()
        >>> data["design"], data["balanced_share"], data["cases"][0]["count"]
        ('balanced', 1.0, 5)
        """
        return {"design": self.design, "n": self.n, "population": self.population, "draws": self.draws,
                "strata": list(self.strata), "balance_on": list(self.balance_on), "seed": self.seed,
                "expected": self.expected, "standard_error": self.standard_error,
                "smallest_ratio": self.smallest_ratio, "largest_ratio": self.largest_ratio,
                "balanced_share": self.balanced_share,
                "cases": self.to_frame().to_dict("records")}


def _as_names(value, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    names = tuple(value)
    if not names or not all(isinstance(v, str) for v in names):
        raise SamplingError(f"{name} must name at least one column, e.g. ('gender', 'rosh'), got {value!r}")
    return names


def _balance_checks(frame, variables, n: int, recency: Recency | None):
    """Per variable: each case's category code, and each category's target, floor and ceiling."""
    targets = _targets(frame, [v for v in variables if v != _RECENT_COLUMN], n, recency)
    checks = []
    for v in variables:
        labels, code = np.unique(frame[v].to_numpy(), return_inverse=True)
        goal = np.array([targets[(_RECENT if v == _RECENT_COLUMN else v, label)] for label in labels])
        checks.append((np.ravel(code), goal, np.floor(goal + 1e-9), np.ceil(goal - 1e-9)))
    return checks


def _draw_balance(chosen: np.ndarray, checks) -> tuple[np.ndarray, np.ndarray]:
    """For each draw (a row of ``chosen``): categories outside their limits, largest deviation."""
    draws = chosen.shape[0]
    outside = np.zeros(draws, dtype=np.int64)
    deviation = np.zeros(draws)
    offsets = np.arange(draws)[:, None]
    for code, goal, low, high in checks:
        width = goal.size
        counts = np.bincount((offsets * width + code[chosen]).ravel(), minlength=draws * width)
        counts = counts.reshape(draws, width)
        outside += ((counts < low) | (counts > high)).sum(axis=1)
        deviation = np.maximum(deviation, np.abs(counts - goal).max(axis=1))
    return outside, deviation


def simulate_selection(
    cases,
    n: int,
    *,
    draws: int = 1000,
    design: str = "balanced",
    strata: Sequence[str] = DEFAULT_STRATA,
    balance_on: Sequence[str] | None = None,
    id_column: str = "case_id",
    recency: Recency | None = None,
    rng=None,
) -> SelectionSimulation:
    """Draw many samples of ``n`` from ``cases`` and count how often each case was chosen.

    A check of a design by simulation: under a fair design every case is included with
    probability n / N, so over many draws its frequency should be n / N within Monte Carlo error.
    Each draw's balance (on ``balance_on``) is recorded too.

    Parameters
    ----------
    cases : pandas.DataFrame
        The case list, as for :func:`select`.
    n : int
        Cases in each sample.
    draws : int, default 1000
        How many samples to draw (at least 1).
    design : {"balanced", "simple"}, default "balanced"
        "balanced": the sampler of :func:`select` (balanced on ``strata``, and ``recency`` if
        given); "simple": a simple random sample of n (what ``DataFrame.sample`` draws).
    strata : sequence of str, default DEFAULT_STRATA
        The variables the balanced design balances on.
    balance_on : sequence of str, optional
        The variables each draw's balance is measured on (default ``strata``), e.g. all four
        when the design balances on gender only.
    id_column : str, default "case_id"
        The case id column.
    recency : Recency, optional
        Passed to the balanced design, and its window measured as a variable.
    rng : int, numpy.random.Generator or None
        One generator serves every draw in turn; the first balanced draw is ``select``'s sample
        for the same seed.

    Returns
    -------
    SelectionSimulation
        Per case, the draws that included it; per draw, its balance.

    Raises
    ------
    SamplingError
        For a bad ``n``, ``draws``, ``design``, ``strata`` or ``balance_on``.
    CaseListError
        For columns missing from the case list, or blank or repeated case ids.

    Notes
    -----
    With R draws and p = n / N, a case's frequency has Monte Carlo standard error
    sqrt(p (1 - p) / R) when its inclusion probability is exactly p; under an exact design about
    one case in twenty lies more than two standard errors from p by chance alone.

    References
    ----------
    .. [1] Tillé, Y. (2006). *Sampling Algorithms*. Springer (inclusion probabilities; checking a
           design's first-order inclusion probabilities by simulation).

    Examples
    --------
    >>> from sampling.synthetic import case_list
    >>> result = simulate_selection(case_list(40, rng=3), 12, draws=100, rng=5)
    >>> int(result.counts.sum()), result.expected, result.balanced_share
    (1200, 0.3, 1.0)
    """
    strata = _as_names(strata, "strata")
    balance_on = strata if balance_on is None else _as_names(balance_on, "balance_on")
    if design not in _DESIGNS:
        raise SamplingError(f"design must be one of {', '.join(map(repr, _DESIGNS))}, got {design!r}")
    if isinstance(draws, bool) or not isinstance(draws, numbers.Integral) or draws < 1:
        raise SamplingError(f"draws must be a whole number of samples, at least 1, got {draws!r}")
    names = tuple(dict.fromkeys(strata + balance_on))
    frame, canonical, id_col = _prepare(cases, names, id_column, recency)
    frame = frame.reset_index(drop=True)
    column = dict(zip(names, canonical, strict=True))
    n = _check_n(n, len(frame))
    extra = [_RECENT_COLUMN] if recency is not None else []
    sampled = [column[v] for v in strata] + extra
    checks = _balance_checks(frame, [column[v] for v in balance_on] + extra, n, recency)
    seed = rng if isinstance(rng, numbers.Integral) else None
    generator = np.random.default_rng(rng)
    chosen = np.empty((int(draws), n), dtype=np.int64)
    for d in range(int(draws)):
        if design == "balanced":
            chosen[d] = np.asarray(_draw(frame, sampled, n, recency, generator))
        else:
            chosen[d] = generator.choice(len(frame), size=n, replace=False)
    outside, deviation = _draw_balance(chosen, checks)
    return SelectionSimulation(
        design=design, n=n, population=len(frame), draws=int(draws), strata=tuple(column[v] for v in strata),
        balance_on=tuple(column[v] for v in balance_on), seed=seed,
        case_ids=tuple(frame[id_col].tolist()), counts=np.bincount(chosen.ravel(), minlength=len(frame)),
        outside=outside, deviation=deviation,
    )
