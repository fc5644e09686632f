"""What the toolkit's page in the browser computes: a sample's size, an inspection's plan, and how
sure a rating is.

``python -m sampling app`` serves the notebook ``sampling/templates/app.ipynb`` with Voilà (the
notebook rendered as a page of widgets, its code hidden). The notebook holds only the widgets;
everything they show is made here, from the toolkit's public functions, so that it can be tested
without a browser and is the same as what the command line prints:

* the **Sample size** tab: :func:`size_view`, the sizes of ``python -m sampling size --json``
  (:func:`sampling.size.size_summary`) for the eligible cases and, optionally, the victims' cases;
* the **Plan an inspection** tab: :func:`plan_upload`, :func:`sampling.plan` on an uploaded case
  list, giving either every problem in the file (as ``plan`` prints them) or the plan with the
  workbook ``plan`` writes, as bytes;
* the **How sure is a rating** tab: :func:`rating_view`, each standard's band probabilities
  (:func:`sampling.rating_distribution`) and the cases to the next band
  (:func:`sampling.cases_to_boundary`), and :func:`annexe_bytes`, the annexe ``annexe`` writes.

Nothing here writes into the working directory or the package: an upload is written, under its
own name, into a temporary folder that is removed before the function returns (the readers take
a path), and what is offered for download is returned as bytes, to put in a link
(:func:`download_link`).
"""

from __future__ import annotations

import base64
import html
import os
import re
import tempfile
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ._errors import SamplingError

__all__ = [
    "notebook_path",
    "parse_number",
    "parse_populations",
    "policy_choices",
    "policy_names",
    "CRITERIA",
    "SizeRow",
    "SizeGroup",
    "SizeView",
    "size_view",
    "band_accuracy_png",
    "PlanOutcome",
    "plan_status",
    "plan_upload",
    "RatingSource",
    "report_choices",
    "answers_source",
    "UNCERTAINTY",
    "RatingView",
    "rating_view",
    "score_png",
    "annexe_bytes",
    "download_link",
    "error_lines",
    "error_html",
    "XLSX_TYPE",
    "HTML_TYPE",
    "STYLE",
]

#: The media types of the two downloads.
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML_TYPE = "text/html"

#: The Criterion control's choices: (label, value of ``size --criterion``).
CRITERIA = (("±5 points", "margin"), ("Band accuracy", "bands"))

#: The Uncertainty control's choices: (label, ``mode`` of :func:`sampling.rating_distribution`).
UNCERTAINTY = (("Process: the service's practice", "process"), ("Finite: the eligible cases", "finite"))

_UNLIMITED = {"inf", "infinity", "unlimited", "none"}
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")


def notebook_path() -> Path:
    """The app's notebook, as installed with the package (``sampling/templates/app.ipynb``)."""
    return Path(str(resources.files("sampling") / "templates" / "app.ipynb"))


# --------------------------------------------------------------------------------------------
# reading what was typed


def parse_number(text: object, *, field: str, minimum: int = 0, unlimited: bool = False,
                 required: bool = False) -> int | None:
    """A whole number typed into a box: None when blank (or "unlimited", when ``unlimited``).

    Thousands may be grouped with commas ("1,200"). Raises :class:`~sampling.SamplingError`
    naming ``field`` and saying what to type, for anything else, a number below ``minimum``, or
    a blank when ``required``.

    >>> parse_number(" 1,200 ", field="Eligible cases"), parse_number("", field="Victims' cases")
    (1200, None)
    >>> parse_number("12.5", field="Seed")
    Traceback (most recent call last):
    ...
    sampling._errors.SamplingError: Seed: type a whole number from 0, such as 2024 (got '12.5')
    """
    words = (f"a whole number from {minimum}" + (", or leave it blank for unlimited" if unlimited else "")
             + (", such as 2024" if field == "Seed" else ""))
    value = "" if text is None else str(text).strip()
    if not value or (unlimited and value.lower() in _UNLIMITED):
        if required:
            raise SamplingError(f"{field}: type {words}")
        return None
    if _GROUPED.fullmatch(value):
        value = value.replace(",", "")
    if not (value.isascii() and value.isdigit()):
        raise SamplingError(f"{field}: type {words} (got {str(text).strip()!r})")
    number = int(value)
    if number < minimum:
        raise SamplingError(f"{field}: type {words} (got {number})")
    return number


def parse_populations(text: object) -> dict[str, int] | None:
    """The Populations box: ``court=57, out-of-court=33`` as {"court": 57, "out_of_court": 33};
    None when blank (the populations the samples imply).

    >>> parse_populations("court=57, out-of-court=33")
    {'court': 57, 'out_of_court': 33}
    """
    value = "" if text is None else str(text).strip()
    if not value:
        return None
    result = {}
    for part in value.split(","):
        name, sep, number = part.partition("=")
        name = name.strip().lower().replace("-", "_").replace(" ", "_")
        if not sep or not name or not number.strip().isdigit():
            raise SamplingError("Populations: type the eligible cases of each sample as court=57, "
                                f"out-of-court=33, or leave it blank (got {part.strip()!r})")
        result[name] = int(number)
    return result


# --------------------------------------------------------------------------------------------
# the Sample size tab


def policy_names(year: int | None) -> dict[str, str]:
    """The bundled policies of one year's programme by the cases they size ("children",
    "victims"), from :func:`sampling.list_policies`; {} for None.

    >>> policy_names(2025)
    {'children': 'hmip-2025-children', 'victims': 'hmip-2025-victims'}
    """
    from .size import get_policy, list_policies

    if year is None:
        return {}
    names = {get_policy(name).cases: name for name in list_policies() if get_policy(name).year == year}
    if not names:
        raise SamplingError(f"Policy: no bundled policy of {year!r}; the years: "
                            + ", ".join(str(y) for _, y in policy_choices() if y is not None))
    return names


def policy_choices() -> list[tuple[str, int | None]]:
    """The Policy control's choices, newest first: (label, year), then ("None ...", None).

    The years are those of the bundled policies (``sampling/data/policies.toml``): the newest is
    "this year's programme", the one before "the previous year's".

    >>> [label for label, _ in policy_choices()]
    ["This year's programme (2025)", "The previous year's programme (2024)", 'None: the formula alone']
    """
    from .size import get_policy, list_policies

    years = sorted({get_policy(name).year for name in list_policies()}, reverse=True)
    words = ["This year's programme ({})", "The previous year's programme ({})"]
    choices = [((words[i] if i < len(words) else "The {} programme").format(year), year)
               for i, year in enumerate(years)]
    return [*choices, ("None: the formula alone", None)]


@dataclass(frozen=True)
class SizeRow:
    """One way of sizing a sample: ``n``, the margin of error it achieves (a proportion) and the
    lowest probability of printing the right band for true rates at least 5 points from a
    boundary (``right_band``)."""

    method: str  # cochran, simple, exact, bands or policy
    label: str
    n: int | None
    margin: float | None
    right_band: float | None
    how: str  # how the margin is computed


@dataclass(frozen=True)
class SizeGroup:
    """The sizes of one case list (children's or victims' cases).

    ``summary`` is exactly what ``python -m sampling size --json`` prints for this population,
    policy and criterion (:func:`sampling.size.size_summary`); ``n`` its size.
    """

    cases: str  # "children" or "victims"
    title: str
    population: int | None
    policy: str | None
    criterion: str
    summary: Mapping[str, object]
    rows: tuple[SizeRow, ...]

    @property
    def n(self) -> int | None:
        return self.summary["n"]

    @property
    def headline(self) -> str:
        where = ("an unlimited population" if self.population is None
                 else f"the {self.population:,} eligible {self.title.lower()}")
        if self.n is None:
            return f"No sample from {where} meets this criterion; see the note."
        how = ("band accuracy" if self.criterion == "bands" else f"the policy {self.policy}" if self.policy
               else "the ±5-point formula, Cochran's correction")
        return f"Inspect {self.n} cases from {where} ({how})."

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{"method": r.method, "n": r.n, "margin": r.margin, "right_band": r.right_band}
                             for r in self.rows]).set_index("method")


@dataclass(frozen=True)
class SizeView:
    """What the Sample size tab shows: one :class:`SizeGroup` per case list."""

    groups: tuple[SizeGroup, ...]

    def group(self, cases: str) -> SizeGroup:
        for group in self.groups:
            if group.cases == cases:
                return group
        raise SamplingError(f"no {cases!r} cases in this view")

    def to_html(self) -> str:
        return STYLE + "\n".join(_group_html(group) for group in self.groups) + _SIZE_KEY


_SIZE_KEY = ("<p class='sampling-key' style='font-size:90%'>Margin achieved: in percentage points at 80 % "
             "confidence, by the method's own formula (the exact method's by the exact method; band "
             "accuracy's and the policy's by the reports' formula with Cochran's correction). Right band: "
             "the lowest probability that the printed percentage lands in the true rate's band, for true "
             "rates at least 5 points from a band boundary. Band accuracy: the smallest sample that gets "
             "the band right with at least 80 % probability for those rates "
             "(methodology/sample-size.md).</p>")


#: The tables' look, once per block of HTML (the classes are the app's own).
STYLE = ("<style>.sampling-table{border-collapse:collapse;margin:4px 0 10px}"
         ".sampling-table th,.sampling-table td{padding:2px 10px;border-bottom:1px solid #ddd;"
         "text-align:left}"
         "</style>")


def _data(attributes) -> str:
    return "".join(f" data-{k}='{html.escape(str(v))}'" for k, v in (attributes or {}).items())


def _html_table(header, rows, *, css_class: str, data=None, attributes=None, strong=()) -> str:
    """A plain HTML table: ``header`` the column names, ``rows`` lists of cell texts (escaped
    here); ``data`` the table's ``data-`` attributes, ``attributes`` each row's by its number,
    ``strong`` the numbers of the rows in bold."""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        extra = _data((attributes or {}).get(i))
        bold = " style='font-weight:bold'" if i in strong else ""
        cells = "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row)
        body.append(f"<tr{extra}{bold}>{cells}</tr>")
    return (f"<table class='sampling-table {css_class}'{_data(data)}><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _points(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f} points"


def _share(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f} %"


def _group_html(group: SizeGroup) -> str:
    chosen = "bands" if group.criterion == "bands" else "policy" if group.policy else "cochran"
    rows = [[row.label, "" if row.n is None else row.n, _points(row.margin), _share(row.right_band)]
            for row in group.rows]
    table = _html_table(["method", "cases", "margin achieved", "right band"], rows,
                        css_class="sampling-sizes", data={"cases": group.cases},
                        attributes={i: {"method": row.method} for i, row in enumerate(group.rows)},
                        strong={i for i, row in enumerate(group.rows) if row.method == chosen})
    note = group.summary.get("note") or ""
    return (f"<h4>{html.escape(group.title)}</h4>"
            f"<p class='headline' data-cases='{group.cases}' data-n='{'' if group.n is None else group.n}'>"
            f"<b>{html.escape(group.headline)}</b></p>"
            + table
            + (f"<p class='note' style='font-size:90%'>{html.escape(note)}</p>" if note else ""))


def _right_band(n: int | None, population: int | None) -> float | None:
    from .size import band_accuracy

    return None if n is None else band_accuracy(n, population).worst_accuracy


def _size_group(cases: str, population: int | None, policy: str | None, criterion: str) -> SizeGroup:
    from .size import margin_of_error, size_summary

    side = size_summary(population)
    bands = size_summary(population, criterion="bands")
    rows = [SizeRow(name, label, side[f"n_{name}"], side[f"margin_{name}"],
                    _right_band(side[f"n_{name}"], population), how)
            for name, label, how in (("cochran", "±5 points, Cochran's correction (the reports')", "normal"),
                                     ("simple", "±5 points, simple correction", "normal"),
                                     ("exact", "±5 points, exact (hypergeometric)", "exact"))]
    band_n = bands["n"]
    rows.append(SizeRow("bands", "Band accuracy (80 % right band at 5 points)", band_n,
                        None if band_n is None else margin_of_error(band_n, population),
                        bands["worst_accuracy"], "normal"))
    if policy is not None:
        chosen = size_summary(population, policy=policy)
        rows.append(SizeRow("policy", f"Policy {policy} (minimum {chosen['minimum']}, maximum "
                                      f"{chosen['maximum']})", chosen["n"], chosen["achieved_margin"],
                            _right_band(chosen["n"], population), "normal"))
    summary = size_summary(population, policy=policy, criterion=criterion)
    title = "Children's cases" if cases == "children" else "Victims' cases"
    return SizeGroup(cases, title, population, policy, criterion, summary, tuple(rows))


def size_view(population: int | None, *, victims: int | None = None, policy: int | None = None,
              criterion: str = "margin") -> SizeView:
    """The sizes the Sample size tab shows, side by side, for the eligible (children's) cases and,
    if given, the victims' cases.

    Parameters
    ----------
    population : int or None
        The eligible cases (None: an unlimited population).
    victims : int, optional
        The eligible victims' cases; sized under the victims' policy of the same programme.
    policy : int, optional
        A programme's year (:func:`policy_choices`); its policies (:func:`policy_names`) clamp
        each size to their minimum and maximum.
    criterion : {"margin", "bands"}
        What the headline size meets: the ±5-point margin (under the policy, if any) or band
        accuracy, as ``size --criterion``.

    Each group's ``summary`` is :func:`sampling.size.size_summary` with these options, the dict
    ``python -m sampling size --population N [--policy NAME] [--criterion bands] --json``
    prints; its rows are the Cochran, simple and exact sizes (:func:`sampling.compare_sample_sizes`),
    the band-accuracy size (:func:`sampling.sample_size_for_bands`) and the policy's
    (:func:`sampling.sample_size` with ``policy=``), each with the margin it achieves
    (:func:`sampling.margin_of_error`) and its band accuracy (:func:`sampling.band_accuracy`).

    Examples
    --------
    >>> view = size_view(57)
    >>> view.group("children").n, [r.n for r in view.group("children").rows]
    (43, [43, 43, 45, 38])
    >>> size_view(1000, victims=40, policy=2025).group("victims").n
    24
    """
    names = policy_names(policy)
    groups = [_size_group("children", population, names.get("children"), criterion)]
    if victims is not None:
        groups.append(_size_group("victims", victims, names.get("victims"), criterion))
    return SizeView(tuple(groups))


def _png(draw, size: tuple[float, float]) -> bytes:
    """A figure drawn by ``draw(ax)`` as PNG bytes (matplotlib's Figure, no pyplot state)."""
    import io

    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=100)
    draw(figure.subplots())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def band_accuracy_png(n: int, population: int | None) -> bytes:
    """The band-accuracy curve of ``n`` cases from ``population`` as PNG bytes
    (:func:`sampling.band_accuracy` drawn by :func:`sampling.plots.band_accuracy_curve`)."""
    from .plots import band_accuracy_curve
    from .size import band_accuracy

    result = band_accuracy(n, population)
    return _png(lambda ax: band_accuracy_curve(result, ax=ax), (8, 3.4))


# --------------------------------------------------------------------------------------------
# uploads


def _file_name(name: object, default: str) -> str:
    """The upload's own name without any folder, as the readers name it in their messages."""
    text = Path(str(name or "").replace("\\", "/")).name.strip()
    return text if text and text not in (".", "..") else default


@contextmanager
def _uploaded(name: str, content: bytes):
    """The bytes written under ``name`` in a new temporary folder, removed on leaving."""
    with tempfile.TemporaryDirectory(prefix="sampling-app-") as folder:
        path = Path(folder) / name
        path.write_bytes(bytes(content))
        yield path


def _without(text: str, folder: Path) -> str:
    """``text`` with the temporary folder left out of any path, so that it names the file as the
    command line does."""
    return text.replace(str(folder) + os.sep, "")


def error_lines(exc: Exception) -> tuple[str, ...]:
    """What the command line prints on stderr for ``exc``: ``error: ...``, one line each (the
    first a summary, then one per problem, for a case list or an answers workbook)."""
    return tuple(f"error: {exc}".splitlines())


def error_html(exc: Exception) -> str:
    """:func:`error_lines` as a list, to show in the page."""
    items = "".join(f"<li>{html.escape(line.strip())}</li>" for line in error_lines(exc))
    return f"<ul class='sampling-problems' style='color:#b2182b'>{items}</ul>"


# --------------------------------------------------------------------------------------------
# the Plan an inspection tab


@dataclass(frozen=True)
class PlanOutcome:
    """A plan made from an uploaded case list, or every problem that stopped it.

    ``problems`` are the lines ``python -m sampling plan`` prints on stderr for the same file
    (empty when the plan was made); ``warnings`` those it prints as ``warning: ...``; ``plan``
    the :class:`sampling.Plan` and ``workbook`` the bytes of the workbook ``plan`` writes.
    """

    name: str
    seed: int
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    plan: object = field(default=None, repr=False)
    workbook: bytes | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.plan is not None

    def sample_ids(self) -> dict[str, list[str]]:
        """The sampled case ids of each domain, in the plan's order."""
        if self.plan is None:
            return {}
        return {domain: list(part["sample"]) for domain, part in self.plan.to_dict()["domains"].items()}

    def download_html(self) -> str:
        """The "Download plan.xlsx" link (empty when there is no plan)."""
        if self.workbook is None:
            return ""
        return download_link(self.workbook, "plan.xlsx", XLSX_TYPE)

    def to_html(self) -> str:
        """The problems, one a line; or the sizes, the balance table, the case ids and the link."""
        if not self.ok:
            items = "".join(f"<li>{html.escape(line.strip())}</li>" for line in self.problems)
            return ("<p><b>The case list cannot be planned yet.</b> Fix these in the file and upload it "
                    f"again:</p><ul class='sampling-problems'>{items}</ul>")
        plan = self.plan
        parts = []
        for part in plan.domains:
            words = ("none sampled" if part.selection is None
                     else f"{part.n} sampled ({part.method}; margin {part.margin * 100:.2f} points), "
                          f"{part.reserves} reserves; "
                          + ("every ratio within a case" if part.balanced else "some ratios missed"))
            parts.append(f"<li>{html.escape(part.domain.replace('_', '-'))}: {part.population} eligible, "
                         f"{html.escape(words)}</li>")
        said = "".join(f"<li>{html.escape(line)}</li>" for line in self.warnings)
        ids = "".join(f"<p><b>{html.escape(domain.replace('_', '-'))}</b> ({len(cases)}): "
                      f"<span class='sampling-ids' data-domain='{html.escape(domain)}'>"
                      f"{html.escape(', '.join(cases))}</span></p>"
                      for domain, cases in self.sample_ids().items())
        frame = plan.balance
        columns = [c for c in frame.columns if c != "domain"]
        balance = "".join(
            f"<p><b>{html.escape(domain.replace('_', '-'))}</b></p>"
            + _html_table(columns, [[f"{v:.2f}" if isinstance(v, float) else v for v in row]
                                    for row in rows[columns].itertuples(index=False)],
                          css_class="sampling-balance", data={"domain": domain})
            for domain, rows in frame.groupby("domain", sort=False))
        read = f"{html.escape(self.name)}: {plan.cases.rows} cases read"
        if plan.victims is not None:
            shown = html.escape(Path(plan.victims.source).name)
            read += f"; {shown}: {plan.victims.rows} victims' cases read"
        return (STYLE + f"<p>{read}; seed {self.seed}.</p>"
                f"<ul>{''.join(parts)}</ul>" + (f"<ul class='sampling-warnings'>{said}</ul>" if said else "")
                + f"<p>{self.download_html()}</p>" + "<h4>Sampled cases</h4>" + ids
                + "<h4>Balance: each category's cases in the population, the target and the sample</h4>"
                + balance)


def plan_status(name: str | None, seed: object, reserves: object = "") -> str:
    """What the Plan tab says as the case list is chosen and the seed and reserves typed: the
    next thing to do, a problem with what was typed (:func:`parse_number`), or that it is ready.

    >>> plan_status("export.csv", "7")
    "<p class='sampling-ready'>Ready: export.csv with seed 7, reserves as plan sets them. Press Plan.</p>"
    """
    try:
        seed_value = parse_number(seed, field="Seed")
        reserves_value = parse_number(reserves, field="Reserves")
    except SamplingError as error:
        return error_html(error)
    if name is None:
        return "<p>Choose the case list: the CSV or XLSX export of the eligible cases.</p>"
    if seed_value is None:
        return (f"<p>{html.escape(name)} is chosen. Type a seed: any whole number from 0 (it is "
                "recorded, so that the same file and seed give the same sample).</p>")
    extra = ("reserves as plan sets them" if reserves_value is None
             else f"{reserves_value} reserves per domain")
    return (f"<p class='sampling-ready'>Ready: {html.escape(name)} with seed {seed_value}, {extra}. "
            "Press Plan.</p>")


def plan_upload(name: str, content: bytes, *, seed: int, reserves: int | None = None,
                year: int | None = None, victims: tuple[str, bytes] | None = None) -> PlanOutcome:
    """:func:`sampling.plan` on an uploaded case list, and the workbook it gives, as bytes.

    The bytes are written under the upload's own name (so that messages name the file as
    ``python -m sampling plan FILE`` does) in a temporary folder, planned with ``seed`` (and
    ``reserves`` per domain, default as ``plan``'s), the workbook written there by
    :meth:`sampling.Plan.write` and read back, and the folder removed. A
    :class:`~sampling.SamplingError` (every problem of the case list at once, a
    :class:`~sampling.CaseListError`) becomes ``problems``, the lines ``plan`` prints on stderr;
    warnings become ``warnings``.

    With ``year`` (a programme's year, :func:`policy_choices`) the plan is ``plan --policy``
    with that year's children's policy (one children's sample, balanced on case type too); with
    ``victims`` (the victims' list's name and bytes) it is ``plan --victims``, the victims' cases
    planned into the same workbook under that year's victims' policy (:func:`policy_names`).

    Examples
    --------
    >>> import io
    >>> from sampling.synthetic import messy_case_list
    >>> data = io.BytesIO()
    >>> messy_case_list(300, rng=1).to_csv(data, index=False)
    >>> outcome = plan_upload("export.csv", data.getvalue(), seed=2024)
    >>> outcome.ok, outcome.workbook[:2], outcome.sample_ids()["court"][:2]
    (True, b'PK', ['YJ-00095', 'YJ-00176'])
    """
    from .plans import plan

    name = _file_name(name, "case-list.csv")
    policies = policy_names(year)
    victims_name = None if victims is None else _file_name(victims[0], "victims.csv")
    if victims_name == name:
        victims_name = f"victims-{victims_name}"
    given = "" if reserves is None else f" --reserves {reserves}"
    given += f" --policy {policies['children']}" if "children" in policies else ""
    given += f" --victims {victims_name}" if victims_name else ""
    line = f"python -m sampling plan {name} --seed {seed}{given} --out plan.xlsx"
    with _uploaded(name, content) as path, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        victims_path = None
        if victims is not None:
            victims_path = path.parent / victims_name
            victims_path.write_bytes(bytes(victims[1]))
        try:
            result = plan(path, seed=seed, reserves=reserves, policy=policies.get("children"),
                          victims=victims_path,
                          victims_policy=policies.get("victims") if victims_path else None,
                          command=f"the app's Plan button (the same as {line})")
        except SamplingError as exc:
            problems = tuple(_without(line, path.parent) for line in error_lines(exc))
            return PlanOutcome(name, seed, problems=problems)
        out = path.parent / "plan.xlsx"
        result.write(out)
        workbook = out.read_bytes()
    said = tuple(f"warning: {w.message}" for w in caught)
    return PlanOutcome(name, seed, warnings=said, plan=result, workbook=workbook)


# --------------------------------------------------------------------------------------------
# the How sure is a rating tab


@dataclass(frozen=True)
class RatingSource:
    """What a rating is of: a bundled report (``report`` is its id) or an uploaded answers
    workbook (``name`` and ``content``, checked by :func:`answers_source`)."""

    label: str
    report: str | None = None
    name: str | None = None
    content: bytes | None = field(default=None, repr=False)

    def load(self):
        """The :class:`sampling.Report`: :func:`sampling.load_report`, or the answers'
        (:func:`sampling.read_answers`, then ``Answers.report()``)."""
        from .reports import load_report

        if self.report is not None:
            return load_report(self.report)
        from .answers import read_answers

        with _uploaded(self.name, self.content) as path:
            try:
                return read_answers(path).report()
            except SamplingError as exc:
                raise SamplingError(_without(str(exc), path.parent)) from None


def report_choices() -> list[tuple[str, RatingSource]]:
    """The Report control's choices: each bundled report (:func:`sampling.list_reports`) as
    (its service and year, its source).

    >>> report_choices()[0][0]
    'Calderdale Youth Justice Service (May 2022)'
    """
    from .reports import list_reports, load_report

    choices = []
    for report_id in list_reports():
        report = load_report(report_id)
        label = f"{report.service} ({report.published})"
        choices.append((label, RatingSource(label, report=report_id)))
    return choices


def answers_source(name: str, content: bytes) -> RatingSource:
    """An uploaded answers workbook (the one ``python -m sampling template`` writes, filled in),
    checked at once: :class:`~sampling.AnswersError` lists every problem, as ``annexe`` does."""
    name = _file_name(name, "answers.xlsx")
    source = RatingSource(f"Your answers: {name}", name=name, content=bytes(content))
    source.load()
    return source


@dataclass(frozen=True)
class RatingView:
    """What the How sure is a rating tab shows for one report and one kind of uncertainty.

    ``table`` has one row per standard: the published and the rules' rating, P(each band) under
    ``mode``, P(the published rating), and the cases that must change for the band above and
    below (under the rules); ``distribution`` is the :class:`sampling.RatingDistribution`.
    """

    report: object = field(repr=False)
    mode: str
    populations: Mapping[str, int] | None
    distribution: object = field(repr=False)
    table: object = field(repr=False)

    def to_html(self) -> str:
        from .framework import Rating

        report, dist = self.report, self.distribution
        kind = ("finite: as if every eligible case were inspected, from "
                + ", ".join(f"{k.replace('_', '-')} {v}" for k, v in (self.populations or {}).items())
                + (" eligible cases (as the samples imply)" if dist.populations_source == "implied"
                   else " eligible cases")
                if self.mode == "finite" else "process: the service's underlying practice")
        frame = self.table

        qualitative = {s.id for s in report.standards if s.qualitative}
        rows = []
        for sid, values in frame.iterrows():
            rows.append([sid, *(_reach_text(values[c], sid in qualitative) if c.startswith("cases")
                                else f"{values[c]:.3f}" if c.startswith("P(") else values[c]
                                for c in frame.columns)])
        table = _html_table(["standard", *frame.columns], rows, css_class="sampling-ratings",
                            attributes={i: {"standard": sid} for i, sid in enumerate(frame.index)})
        overall = "; ".join(f"{label} {dist.overall[label]:.3f}" for label in Rating.labels())
        return (STYLE + f"<h4>{html.escape(report.service)} ({html.escape(str(report.published))})</h4>"
                f"<p>Uncertainty: {html.escape(kind)}.</p>" + table
                + f"<p class='sampling-overall'><b>Overall rating</b>, published "
                  f"{html.escape(dist.published_overall.label)}: {html.escape(overall)}.</p>"
                + "<p style='font-size:90%'>P(band): the probability that the rules would give each "
                  "rating if the true rates were known (Bayesian, Jeffreys prior, key questions taken "
                  "as independent). Cases up / down: how many case judgements must change for the band "
                  "above or below under the rules (methodology/band-uncertainty.md).</p>")


def _reach_text(value, qualitative: bool) -> str:
    """A count of cases to the next band, or why there is none."""
    import pandas as pd

    if qualitative:
        return "qualitative"
    return "-" if value is None or value is pd.NA else str(int(value))


def rating_view(report, *, mode: str = "process", populations: Mapping[str, int] | None = None) -> RatingView:
    """Each standard's band probabilities and cases to the next band, for the rating tab.

    ``report`` is a :class:`sampling.Report`, a bundled id or a :class:`RatingSource`. "process"
    is :func:`sampling.rating_distribution` of the report; "finite" the same with the populations
    given or, by default, those the samples imply (:func:`sampling.annexe.finite_populations`,
    which says when none is known). The cases to each band are
    :func:`sampling.cases_to_boundary` of the standard.

    Examples
    --------
    >>> view = rating_view("calderdale-2022")
    >>> row = view.table.loc["2.3"]
    >>> row["rules' rating"], int(row["cases up"]), round(float(row["P(Inadequate)"]), 3)
    ('Inadequate', 1, 0.794)
    """
    import pandas as pd

    from .annexe import finite_populations
    from .framework import Rating
    from .reports import load_report
    from .uncertainty import cases_to_boundary, rating_distribution

    if isinstance(report, RatingSource):
        report = report.load()
    report = load_report(report)
    if mode not in ("process", "finite"):
        raise SamplingError(f"Uncertainty: choose process or finite, got {mode!r}")
    pops = None
    if mode == "finite":
        try:
            pops = finite_populations(report, populations)
        except SamplingError as exc:
            raise SamplingError(f"Finite needs the eligible cases of each sample: type them in Populations "
                                f"(court=57, out-of-court=33); {exc}") from None
    dist = rating_distribution(report, mode=mode, populations=pops if populations is not None else None)
    rows = []
    for standard in report.standards:
        probabilities = dist.standards.loc[standard.id]
        reach = None if standard.qualitative else cases_to_boundary(standard)
        rows.append({"standard": standard.id, "name": standard.name, "published": standard.rating.label,
                     "rules' rating": standard.rule_rating.label,
                     **{f"P({label})": float(probabilities[label]) for label in Rating.labels()},
                     "P(published)": float(probabilities[standard.rating.label]),
                     "cases up": None if reach is None else reach.up,
                     "cases down": None if reach is None else reach.down})
    table = pd.DataFrame(rows).set_index("standard").astype({"cases up": "Int64", "cases down": "Int64"})
    return RatingView(report, mode, dist.populations, dist, table)


def score_png(view: RatingView) -> bytes:
    """The score's distribution with the overall bands (:func:`sampling.plots.score_distribution`)
    as PNG bytes."""
    from .plots import score_distribution

    return _png(lambda ax: score_distribution(view.distribution, ax=ax), (8, 3.2))


def annexe_bytes(source, *, populations: Mapping[str, int] | None = None) -> bytes:
    """The annexe ``python -m sampling annexe`` writes for ``source`` (a :class:`RatingSource` or
    a bundled id), as bytes: :func:`sampling.write_annexe` into a temporary folder (an uploaded
    workbook under its own name beside it), read back, and the folder removed."""
    from .annexe import write_annexe

    if not isinstance(source, RatingSource):
        source = RatingSource(str(source), report=str(source))
    if source.report is not None:
        with tempfile.TemporaryDirectory(prefix="sampling-app-") as folder:
            out = Path(folder) / "annexe.html"
            write_annexe(source.report, out, populations=populations)
            return out.read_bytes()
    with _uploaded(source.name, source.content) as path:
        out = path.parent / "annexe.html"
        write_annexe(path, out, populations=populations)
        return out.read_bytes()


# --------------------------------------------------------------------------------------------
# downloads


def download_link(data: bytes, filename: str, media_type: str, text: str | None = None) -> str:
    """An ``<a download>`` link holding ``data`` in a ``data:`` address, drawn as a button: the
    browser saves it as ``filename`` without asking the server again (nothing is stored anywhere
    else).

    >>> download_link(b"hi", "x.txt", "text/plain").split(" style=")[0]
    '<a download="x.txt" href="data:text/plain;base64,aGk="'
    """
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    label = html.escape(text or f"Download {filename}")
    return (f'<a download="{html.escape(filename)}" href="data:{media_type};base64,{encoded}" '
            f'style="{_BUTTON}">{label}</a>')


_BUTTON = ("display:inline-block;padding:5px 14px;background:#1565c0;color:#fff;border-radius:3px;"
           "text-decoration:none;font-weight:bold")
