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
import math
import os
import re
import shlex
import tempfile
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ._errors import SamplingError

__all__ = [
    "status_view",
    "glossary_html",
    "TAB_TERMS",
    "notebook_path",
    "parse_number",
    "parse_percent",
    "parse_populations",
    "policy_choices",
    "policy_names",
    "programme_words",
    "percent",
    "CRITERIA",
    "SizeRow",
    "SizeGroup",
    "SizeView",
    "size_view",
    "band_accuracy_png",
    "band_accuracy_figure",
    "METHOD_WORDS",
    "MarginView",
    "margin_view",
    "figure_html",
    "MAX_UPLOAD_BYTES",
    "check_upload",
    "file_label",
    "page_words",
    "FIELD_WORDS",
    "ColumnQuestion",
    "COLUMN_HINTS",
    "PlanOutcome",
    "Status",
    "plan_status",
    "plan_upload",
    "RatingSource",
    "report_choices",
    "answers_source",
    "UNCERTAINTY",
    "RatingView",
    "rating_view",
    "score_png",
    "score_figure",
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

#: The Aim control's choices: (label, value of ``size --criterion``).
CRITERIA = (("A margin of error", "margin"), ("The right rating band", "bands"))

#: The Uncertainty control's choices: (label, ``mode`` of :func:`sampling.rating_distribution`).
UNCERTAINTY = (("The service's practice", "process"), ("Its eligible cases", "finite"))

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


_DECIMAL = re.compile(r"\d+(\.\d+)?")


def parse_percent(text: object, *, field: str, low: float, high: float, unit: str = "%",
                  example: str = "80", default: float | None = None) -> float:
    """A percentage (or points) typed into a box, as a proportion: "90" or "90 %" is 0.9.

    Blank gives ``default``. Raises :class:`~sampling.SamplingError`, one line naming ``field``,
    for anything but a number from ``low`` to ``high`` (in the box's own unit).

    >>> parse_percent("90 %", field="Confidence", low=50, high=99.9)
    0.9
    >>> parse_percent(" 10", field="Margin", low=1, high=50, unit="points")
    0.1
    >>> parse_percent("120", field="Confidence", low=50, high=99.9)
    Traceback (most recent call last):
    ...
    sampling._errors.SamplingError: Confidence: type a number from 50 to 99.9 (%), such as 80 (got '120')
    """
    value = "" if text is None else str(text).strip()
    words = f"{field}: type a number from {low:g} to {high:g} ({unit}), such as {example}"
    if not value:
        if default is None:
            raise SamplingError(words)
        return default
    number = value.removesuffix("%").removesuffix("points").removesuffix("point").strip()
    if not (number.isascii() and _DECIMAL.fullmatch(number)) or not low <= float(number) <= high:
        raise SamplingError(f"{words} (got {value!r})")
    return round(float(number) / 100, 6)


def percent(value: float | None) -> str:
    """A probability as a whole percentage, or with one decimal where the whole one would read
    0 % or 100 % though the value is neither.

    >>> percent(0.794), percent(0.004), percent(0.996), percent(1.0), percent(0.9996)
    ('79 %', '0.4 %', '99.6 %', '100 %', 'over 99.9 %')
    """
    if value is None:
        return ""
    points = float(value) * 100
    if points in (0.0, 100.0) or 0.5 <= points < 99.5:
        return f"{points:.0f} %"
    if 0.05 <= points <= 99.95:
        return f"{points:.1f} %"
    return "under 0.1 %" if points < 50 else "over 99.9 %"


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
        raise SamplingError(f"Programme: there is no {year!r} programme; the years: "
                            + ", ".join(str(y) for _, y in policy_choices() if y is not None))
    return names


def policy_choices() -> list[tuple[str, int | None]]:
    """The Programme control's choices, newest first: (label, year), then ("No programme ...",
    None). Both tabs start at the first, this year's programme.

    The years are those of the bundled policies (``sampling/data/policies.toml``): the newest is
    "this year's", the one before "the previous year's".

    >>> for label, _ in policy_choices():
    ...     print(label)
    The 2025 programme (this year's)
    The 2024 programme (the previous year's)
    No programme: the formula alone
    """
    from .size import get_policy, list_policies

    years = sorted({get_policy(name).year for name in list_policies()}, reverse=True)
    words = [" (this year's)", " (the previous year's)"]
    choices = [(f"The {year} programme" + (words[i] if i < len(words) else ""), year)
               for i, year in enumerate(years)]
    return [*choices, ("No programme: the formula alone", None)]


def _possessive(noun: str) -> str:
    return noun + ("'" if noun.endswith("s") else "'s")


def programme_words(policy: str) -> str:
    """A bundled policy in words: its programme's year, the cases it sizes and its limits.

    >>> programme_words("hmip-2025-children")
    "2025 programme: children's cases, 14 to 91"
    """
    from .size import get_policy

    chosen = get_policy(policy)
    return f"{chosen.year} programme: {_possessive(chosen.cases)} cases, {chosen.minimum} to {chosen.maximum}"


#: What each way of sizing is called on the page (the package's names: ``size --json``'s).
METHOD_WORDS = {
    "cochran": "The reports' formula",
    "simple": "The formula, simpler small-service adjustment",
    "exact": "Exact count: never short of the margin",
    "bands": "The right rating band 4 times in 5",
}


@dataclass(frozen=True)
class SizeRow:
    """One way of sizing a sample: ``n``, the margin of error it achieves (a proportion, at the
    view's confidence) and the lowest probability of printing the right band for true rates at
    least 5 points from a boundary (``right_band``)."""

    method: str  # cochran, simple, exact, bands or policy
    label: str
    n: int | None
    margin: float | None
    right_band: float | None


@dataclass(frozen=True)
class SizeGroup:
    """The sizes of one case list (children's or victims' cases).

    ``summary`` is exactly what ``python -m sampling size --json`` prints for this population,
    confidence, margin, policy and criterion (:func:`sampling.size.size_summary`); ``n`` its size.
    The policy enters ``summary`` only at its own confidence and margin (``policy_applies``): the
    command refuses a policy with others, and the page then gives the formula's size alone.
    """

    cases: str  # "children" or "victims"
    title: str
    population: int | None
    policy: str | None
    criterion: str
    confidence: float
    margin: float
    summary: Mapping[str, object]
    rows: tuple[SizeRow, ...]

    @property
    def n(self) -> int | None:
        return self.summary["n"]

    @property
    def policy_applies(self) -> bool:
        return self.policy is not None and self.summary.get("policy") == self.policy

    @property
    def headline(self) -> str:
        where = ("an unlimited number of eligible cases" if self.population is None
                 else f"the {self.population:,} eligible {self.title.lower()}")
        if self.n is None:
            return f"No sample from {where} meets this aim; see the note."
        design = f"±{self.margin * 100:g} points at {self.confidence * 100:g} % confidence"
        how = (METHOD_WORDS["bands"].lower() if self.criterion == "bands"
               else f"{programme_words(self.policy)}, by the reports' formula within those limits"
               if self.policy_applies else f"the reports' formula: {design}")
        return f"Inspect {self.n} cases of {where} ({how})."

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
        confidence = self.groups[0].confidence * 100
        return (STYLE + "\n".join(_group_html(group) for group in self.groups)
                + _SIZE_KEY.format(confidence=f"{confidence:g}"))


_SIZE_KEY = ("<p class='sampling-key'>Margin: how far the inspected cases' percentage may be from "
             "the percentage across all the eligible cases, {confidence} times in 100. Right band: the "
             "lowest chance that the printed percentage falls in the true percentage's rating band, when "
             "the true percentage is at least 5 points from a band's edge. The reports' formula is the "
             "one the published reports state; the simpler adjustment takes slightly fewer cases from a "
             "small service; the exact count works the chances out case by case, so that the margin is "
             "never exceeded (methodology/sample-size.md).</p>")


#: The tables' look, once per block of HTML (the classes are the app's own): a table never wider
#: than the page, its headings and names wrapping.
STYLE = ("<style>.sampling-table{border-collapse:collapse;margin:4px 0 10px;max-width:100%;font-size:92%;"
         "line-height:1.35}"
         ".sampling-table th,.sampling-table td{padding:3px 6px;border-bottom:1px solid #ddd;"
         "text-align:left;vertical-align:top;overflow-wrap:break-word}"
         ".sampling-table td.number,.sampling-table th.number{text-align:right}"
         ".sampling-table td.number{white-space:nowrap}"
         ".sampling-key,.sampling-note{font-size:90%;max-width:60em;line-height:1.4}"
         ".sampling-figure{margin:6px 0}.sampling-figure img{max-width:100%;height:auto}"
         ".sampling-figure figcaption{font-size:90%;max-width:60em}"
         "</style>")


def _data(attributes) -> str:
    return "".join(f" data-{k}='{html.escape(str(v))}'" for k, v in (attributes or {}).items())


def _html_table(header, rows, *, css_class: str, data=None, attributes=None, strong=(), numbers=(),
                bold_cells=()) -> str:
    """A plain HTML table: ``header`` the column names, ``rows`` lists of cell texts (escaped
    here); ``data`` the table's ``data-`` attributes, ``attributes`` each row's by its number,
    ``strong`` the numbers of the rows in bold, ``numbers`` the columns aligned right,
    ``bold_cells`` (row, column) pairs in bold."""
    def kind(j, i=None):
        style = " style='font-weight:bold'" if (i, j) in bold_cells else ""
        return (" class='number'" if j in numbers else "") + style

    head = "".join(f"<th{kind(j)}>{html.escape(str(h))}</th>" for j, h in enumerate(header))
    body = []
    for i, row in enumerate(rows):
        extra = _data((attributes or {}).get(i))
        bold = " style='font-weight:bold'" if i in strong else ""
        cells = "".join(f"<td{kind(j, i)}>{html.escape(str(cell))}</td>" for j, cell in enumerate(row))
        body.append(f"<tr{extra}{bold}>{cells}</tr>")
    return (f"<table class='sampling-table {css_class}'{_data(data)}><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def _points(value: float | None) -> str:
    return "" if value is None else f"±{value * 100:.1f} points"


def _group_html(group: SizeGroup) -> str:
    chosen = "bands" if group.criterion == "bands" else "policy" if group.policy_applies else "cochran"
    rows = [[row.label, "" if row.n is None else row.n, _points(row.margin), percent(row.right_band)]
            for row in group.rows]
    table = _html_table(["way of sizing", "cases", "margin", "right band"], rows,
                        css_class="sampling-sizes", data={"cases": group.cases}, numbers=(1, 2, 3),
                        attributes={i: {"method": row.method} for i, row in enumerate(group.rows)},
                        strong={i for i, row in enumerate(group.rows) if row.method == chosen})
    notes = [page_words(group.summary.get("note") or "")]
    if group.policy is not None and not group.policy_applies and group.criterion != "bands":
        from .size import get_policy

        chosen_policy = get_policy(group.policy)
        notes.append(f"The {chosen_policy.year} programme sizes at {chosen_policy.confidence * 100:g} % "
                     f"confidence and ±{chosen_policy.margin * 100:g} points; at the confidence and margin "
                     f"typed here the size is the formula's alone, without the programme's limits of "
                     f"{chosen_policy.minimum} to {chosen_policy.maximum} (the programme's own size is in "
                     "its row).")
    note = " ".join(n[:1].upper() + n[1:] for n in notes if n)
    return (f"<h4>{html.escape(group.title)}</h4>"
            f"<p class='headline' data-cases='{group.cases}' data-n='{'' if group.n is None else group.n}'>"
            f"<b>{html.escape(group.headline)}</b></p>"
            + table
            + (f"<p class='sampling-note'>{html.escape(note)}</p>" if note else ""))


@lru_cache(maxsize=512)
def _right_band(n: int | None, population: int | None) -> float | None:
    from .size import band_accuracy

    return None if n is None else band_accuracy(n, population).worst_accuracy


def _size_group(cases: str, population: int | None, policy: str | None, criterion: str, confidence: float,
                margin: float) -> SizeGroup:
    from .size import get_policy, margin_of_error, size_summary

    def achieved(n):
        return None if n is None else margin_of_error(n, population, confidence=confidence)

    side = size_summary(population, confidence=confidence, margin=margin)
    bands = size_summary(population, criterion="bands")
    rows = [SizeRow(name, METHOD_WORDS[name], side[f"n_{name}"], side[f"margin_{name}"],
                    _right_band(side[f"n_{name}"], population))
            for name in ("cochran", "simple", "exact")]
    rows.append(SizeRow("bands", METHOD_WORDS["bands"], bands["n"], achieved(bands["n"]),
                        bands["worst_accuracy"]))
    applies = False
    if policy is not None:
        chosen = get_policy(policy)
        applies = (math.isclose(chosen.confidence, confidence, abs_tol=1e-9)
                   and math.isclose(chosen.margin, margin, abs_tol=1e-9))
        own = size_summary(population, policy=policy)  # at the programme's own confidence and margin
        rows.append(SizeRow("policy", programme_words(policy), own["n"], achieved(own["n"]),
                            _right_band(own["n"], population)))
    summary = size_summary(population, policy=policy if applies else None, criterion=criterion,
                           confidence=confidence, margin=margin)
    title = "Children's cases" if cases == "children" else "Victims' cases"
    return SizeGroup(cases, title, population, policy, criterion, confidence, margin, summary, tuple(rows))


def size_view(population: int | None, *, victims: int | None = None, policy: int | None = None,
              criterion: str = "margin", confidence: float = 0.80, margin: float = 0.05) -> SizeView:
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
        each size to their minimum and maximum, at their own confidence and margin.
    criterion : {"margin", "bands"}
        What the headline size meets: the margin (under the programme, if any) or band accuracy,
        as ``size --criterion``.
    confidence, margin : float
        As ``size --confidence --margin`` (proportions; the reports' 0.80 and 0.05 by default).
        A programme's limits apply only at its own confidence and margin (the command refuses
        others with ``--policy``); at others the headline is the formula's size.

    Each group's ``summary`` is :func:`sampling.size.size_summary` with these options, the dict
    ``python -m sampling size --population N [--confidence C --margin E] [--policy NAME]
    [--criterion bands] --json`` prints; its rows are the Cochran, simple and exact sizes
    (:func:`sampling.compare_sample_sizes`), the band-accuracy size
    (:func:`sampling.sample_size_for_bands`) and the programme's (:func:`sampling.sample_size`
    with ``policy=``), each with the margin it achieves at ``confidence``
    (:func:`sampling.margin_of_error`) and its band accuracy (:func:`sampling.band_accuracy`).

    Examples
    --------
    >>> view = size_view(57)
    >>> view.group("children").n, [r.n for r in view.group("children").rows]
    (43, [43, 43, 45, 38])
    >>> size_view(1000, victims=40, policy=2025).group("victims").n
    24
    >>> size_view(300, confidence=0.9, margin=0.1).group("children").n
    56
    """
    names = policy_names(policy)
    groups = [_size_group("children", population, names.get("children"), criterion, confidence, margin)]
    if victims is not None:
        groups.append(_size_group("victims", victims, names.get("victims"), criterion, confidence, margin))
    return SizeView(tuple(groups))


@dataclass(frozen=True)
class MarginView:
    """The margin of error that ``n`` cases of ``population`` achieve at ``confidence``
    (:func:`sampling.margin_of_error`, the reports' formula): the Sample size tab's "Cases to
    inspect" box."""

    n: int
    population: int | None
    confidence: float
    margin: float

    def to_html(self) -> str:
        where = "an unlimited number of eligible cases" if self.population is None else \
            f"{self.population:,} eligible"
        return (f"<p class='sampling-margin' data-margin='{self.margin!r}'>{self.n} cases of {where}: the "
                f"inspected cases' percentage is within <b>{_points(self.margin)}</b> of the percentage "
                f"across all the eligible cases, {self.confidence * 100:g} times in 100 (the reports' "
                "formula).</p>")


def margin_view(n: int, population: int | None, *, confidence: float = 0.80) -> MarginView:
    """The margin ``n`` cases of ``population`` achieve at ``confidence``, as
    :func:`sampling.margin_of_error` gives it (the ``achieved_margin`` that ``size --json``
    prints for a size of ``n``).

    >>> round(margin_view(30, 200).margin, 4)
    0.1081
    """
    from .size import margin_of_error

    if population is not None and n > population:
        raise SamplingError(f"Cases to inspect: type a whole number from 1 to {population:,} (the eligible "
                            f"cases), or leave it blank (got {n:,})")
    return MarginView(n, population, confidence, margin_of_error(n, population, confidence=confidence))


def _png(draw, size: tuple[float, float]) -> bytes:
    """A figure drawn by ``draw(ax)`` as PNG bytes (matplotlib's Figure, no pyplot state)."""
    import io

    from matplotlib.figure import Figure

    figure = Figure(figsize=size, dpi=100)
    draw(figure.subplots())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def figure_html(png: bytes, alt: str, caption: str | None = None) -> str:
    """A figure for the page: the PNG in an ``<img>`` with its alternative text ``alt`` (what a
    screen reader says instead of the picture), and a caption under it."""
    encoded = base64.b64encode(bytes(png)).decode("ascii")
    text = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (f"<figure class='sampling-figure'><img src='data:image/png;base64,{encoded}' "
            f"alt='{html.escape(alt)}'>{text}</figure>")


def band_accuracy_png(n: int, population: int | None) -> bytes:
    """The band-accuracy curve of ``n`` cases from ``population`` as PNG bytes
    (:func:`sampling.band_accuracy` drawn by :func:`sampling.plots.band_accuracy_curve`)."""
    from .plots import band_accuracy_curve
    from .size import band_accuracy

    result = band_accuracy(n, population)
    return _png(lambda ax: band_accuracy_curve(result, ax=ax), (8, 3.4))


def band_accuracy_figure(n: int, population: int | None) -> str:
    """:func:`band_accuracy_png` as a figure with its alternative text and caption."""
    from .size import band_accuracy

    worst = band_accuracy(n, population).worst_accuracy
    where = "an unlimited number" if population is None else f"{population:,}"
    alt = (f"A curve of the chance that the printed percentage is in the right rating band, for every "
           f"true percentage, with {n} cases of {where} eligible: it dips near each band's edge, and "
           f"is at least {percent(worst)} 5 points or more from an edge.")
    return figure_html(band_accuracy_png(n, population), alt,
                       f"The chance of the right rating band for every true percentage, {n} cases of "
                       f"{where}.")


# --------------------------------------------------------------------------------------------
# uploads

#: The largest upload the page takes (bytes): a case list of a quarter of a million cases is a
#: few tens of megabytes.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

_RESAVE = "open it in Excel and save it as Excel Workbook (.xlsx)"
_ZIP, _OLE, _PDF = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF"
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _file_name(name: object, default: str) -> str:
    """The upload's own name without any folder, as the readers name it in their messages."""
    text = Path(str(name or "").replace("\\", "/")).name.strip()
    return text if text and text not in (".", "..") else default


def _size_words(count: int) -> str:
    if count < 1024:
        return f"{count} byte" + ("" if count == 1 else "s")
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


def file_label(name: object, content: bytes | None = None) -> str:
    """What the page shows beside an upload's button: the file's name (escaped) and size, or
    that none is chosen yet.

    >>> file_label("Youth <Justice> & Co.csv", b"abc")
    "<span class='sampling-file'>Youth &lt;Justice&gt; &amp; Co.csv (3 bytes)</span>"
    """
    if not name:
        return "<span class='sampling-file' style='color:#666'>no file chosen</span>"
    shown = _file_name(name, "")
    size = "" if content is None else f" ({_size_words(len(content))})"
    return f"<span class='sampling-file'>{html.escape(shown)}{html.escape(size)}</span>"


def _workbook_parts(content: bytes) -> set[str] | None:
    """The names in a zip archive, or None when the bytes are not one."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def check_upload(name: object, content: bytes, *, field: str, accept: tuple[str, ...] = (".csv", ".xlsx"),
                 wanted: str = "the CSV or XLSX export of the eligible cases") -> str:
    """The upload's own name, if its bytes can be what ``accept`` says; else one line, a
    :class:`~sampling.SamplingError` naming ``field`` and the file and saying what to choose.

    Checked before any reader sees the bytes: an empty file, one over :data:`MAX_UPLOAD_BYTES`,
    a type not in ``accept``, a ``.xlsx`` that is not a workbook (a CSV renamed, an old ``.xls``
    or a password-protected workbook, any other file), a ``.csv`` that is a workbook, saved as
    UTF-16 ("Unicode text") or not text at all.

    >>> check_upload("a.xlsx", b"Case ID,Sex\\n", field="Answers", accept=(".xlsx",), wanted="it")
    Traceback (most recent call last):
    ...
    sampling._errors.SamplingError: Answers: a.xlsx holds text (a CSV file renamed .xlsx?); choose it
    """
    shown = _file_name(name, "the file")
    data = bytes(content or b"")
    suffix = Path(shown).suffix.lower()
    kinds = " or ".join(k.lstrip(".").upper() for k in accept)
    kinds = ("an " if kinds.startswith("X") else "a ") + kinds

    def refuse(why: str, then: str | None = None):
        raise SamplingError(f"{field}: {shown} {why}; {then or 'choose ' + wanted}")

    if len(data) > MAX_UPLOAD_BYTES:
        refuse(f"is {_size_words(len(data))}, over the page's limit of {_size_words(MAX_UPLOAD_BYTES)}")
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        refuse("is empty")
    if suffix not in accept:
        what = "an Excel 97-2003 workbook (.xls)" if suffix == ".xls" else "a PDF" if data.startswith(_PDF) \
            else f"not {kinds} file"
        refuse(f"is {what}" if what.startswith("not") else f"is {what}, not {kinds} file",
               _RESAVE if suffix == ".xls" and ".xlsx" in accept else None)
    found = _xlsx_problem(data) if suffix == ".xlsx" else _csv_problem(data) if suffix == ".csv" else None
    if found:
        refuse(*found)
    return shown


def _xlsx_problem(data: bytes) -> tuple[str, str | None] | None:
    """Why bytes named .xlsx are not a workbook (and what to do), or None."""
    if data.startswith(_OLE):
        return ("is an old-style (.xls) or password-protected workbook",
                "open it in Excel, remove any password and save it as Excel Workbook (.xlsx)")
    parts = _workbook_parts(data) if data.startswith(_ZIP) else None
    if parts is None:
        why = "holds text (a CSV file renamed .xlsx?)" if _is_text(data) else "is not an Excel workbook"
        return why, None
    if "xl/workbook.xml" not in parts:
        return "is not an Excel workbook (another kind of file named .xlsx)", None
    return None


def _csv_problem(data: bytes) -> tuple[str, str | None] | None:
    """Why bytes named .csv are not a CSV file the readers take (and what to do), or None."""
    if data.startswith((_ZIP, _OLE)):
        return ("is an Excel workbook, not a CSV file",
                "rename it .xlsx, or save it from Excel as CSV UTF-8 (Comma delimited)")
    if data.startswith(_UTF16) or b"\x00" in data[:4096]:
        return ("is saved as Unicode text (UTF-16), which the toolkit cannot read",
                "save it from Excel as CSV UTF-8 (Comma delimited)")
    if not _is_text(data):
        return "is not a text file", None
    return None


def _is_text(data: bytes) -> bool:
    head = data[:4096]
    printable = sum(1 for b in head if b >= 32 or b in (9, 10, 13))
    return printable >= 0.95 * len(head)


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


#: The case list's fields in the page's words (the package's names are ``case_id`` and so on).
FIELD_WORDS = {
    "case_id": "Case id",
    "domain": "Court or out-of-court",
    "gender": "Gender",
    "disposal_type": "Disposal or sentence type",
    "rosh": "Risk of serious harm (RoSH)",
    "safety_wellbeing": "Safety and wellbeing",
    "date": "Start date",
    "resettlement": "Resettlement",
    "case_type": "Court, out-of-court or resettlement",
    "key_question": "key question",
    "out_of_court": "out-of-court",
}

#: What to do about each kind of case-list problem, in the page's words (the package's fixes
#: name the command line's options).
_PAGE_FIX = {
    "missing column": "pick its column under Columns",
    "ambiguous heading": "pick the right one under Columns",
    "unknown heading": "pick the column under Columns",
    "blank cells": "fill them in the export, or leave those cases out",
    "duplicate case ids": "list each case once, or pick the right case id column under Columns",
    "unknown domains": "write court, out-of-court (OOCD) or resettlement there, or pick another column under "
                       "Columns",
    "disposal types with no domain": "add a column that says court or out-of-court for each case, and "
                                     "upload the file again",
}

_QUOTED = re.compile(r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
_FIELD = re.compile(r"\b(" + "|".join(sorted(FIELD_WORDS, key=len, reverse=True)) + r")\b")
_COMMAND_LINE = re.compile(r"(?<![\w-])--[a-z]|python -m")
_REWORDED = (
    (re.compile(r"give the workbook that 'python -m sampling template' wrote"),
     "choose the answers workbook (the one made from the plan, filled in)"),
    (re.compile(r"give the plan workbook that 'python -m sampling plan' wrote"),
     "choose the plan workbook that the Plan tab gave"),
    (re.compile(r"run 'python -m sampling template' on the plan first"),
     "the answers workbook has no cases: make it from the plan, and fill it in"),
    (re.compile(r"save it from Excel as \.xlsx"), "open it in Excel and save it as Excel Workbook (.xlsx)"),
)


_POLICY_NAME = re.compile(r"\b[a-z]+-\d{4}-[a-z]+\b")


def _policy_words(match) -> str:
    from .size import get_policy, list_policies

    if match.group(0) not in list_policies():
        return match.group(0)
    chosen = get_policy(match.group(0))
    return f"the {chosen.year} programme for {_possessive(chosen.cases)} cases"


def page_words(text: str) -> str:
    """A message of the package in the page's words: its field names (``case_id``) as words,
    its advice about the command line's options left out or said as the page would say it.

    >>> page_words("column 'case_id' (case_id): 2 blank cell(s); name it with --columns case_id=HEADING")
    "column 'case_id' (Case id): 2 blank cell(s)"
    """
    for pattern, words in _REWORDED:
        text = pattern.sub(words, text)
    text = _POLICY_NAME.sub(_policy_words, text)
    parts = [p for i, p in enumerate(text.split("; ")) if i == 0 or not _COMMAND_LINE.search(p)]
    text = "; ".join(parts)
    if _COMMAND_LINE.search(text):  # the first clause itself: say what is wrong, not the option
        text = re.sub(r"(?<![\w-])--[a-z][\w-]*(\s+\S+=\S+|\s+[A-Z]+)?:?\s*", "", text)
        text = re.sub(r"python -m sampling \w+", "the toolkit", text)
    pieces = _QUOTED.split(text)
    return "".join(piece if i % 2 else _FIELD.sub(lambda m: FIELD_WORDS[m.group(1)], piece)
                   for i, piece in enumerate(pieces))


def error_lines(exc: Exception) -> tuple[str, ...]:
    """What the command line prints on stderr for ``exc``: ``error: ...``, one line each (the
    first a summary, then one per problem, for a case list or an answers workbook)."""
    return tuple(f"error: {exc}".splitlines())


def error_html(exc: Exception) -> str:
    """The error in the page's words (:func:`page_words`), one line each, to show in the page.

    >>> error_html(SamplingError("Seed: type a whole number (got '<b>')")).split("<li>")[1]
    'Seed: type a whole number (got &#x27;&lt;b&gt;&#x27;)</li></ul>'
    """
    items = "".join(f"<li>{html.escape(page_words(line.strip()))}</li>" for line in str(exc).splitlines())
    return f"<ul class='sampling-problems' style='color:#b2182b'>{items}</ul>"


# --------------------------------------------------------------------------------------------
# the Plan an inspection tab

#: One sentence under each column control: what the column is for.
COLUMN_HINTS = {
    "case_id": "The column that names each case once, such as its reference number.",
    "domain": "The column that says whether each case is court or out-of-court work.",
    "gender": "The column of each child's gender or sex; the sample is balanced on it.",
    "disposal_type": "The column of each case's sentence or disposal; court or out-of-court is read from it.",
    "rosh": "The column of each case's risk of serious harm level; the sample is balanced on it.",
    "safety_wellbeing": "The column of each case's safety and wellbeing level; the sample is balanced on it.",
    "date": "The column of each case's start date.",
    "resettlement": "The column that says yes for a resettlement case.",
}

#: The problems a column picked in the page can put right.
_PICKABLE = {"missing column", "ambiguous heading", "unknown heading", "duplicate case ids",
             "unknown domains"}

_DOMAIN_WORDS = {"court": "Court cases", "out_of_court": "Out-of-court cases",
                 "resettlement": "Resettlement cases", "children": "Children's cases",
                 "victims": "Victims' cases"}


@dataclass(frozen=True)
class ColumnQuestion:
    """A column of the case list that the page asks for, because its heading was not recognised
    (or was not the only candidate): ``field`` is the package's name for it (the key of
    ``plan(columns=...)``), ``label`` and ``hint`` the page's words, ``headings`` the export's
    headings to pick from and ``chosen`` the one picked so far (None: none yet)."""

    field: str
    label: str
    hint: str
    headings: tuple[str, ...]
    chosen: str | None = None

    def options(self) -> list[tuple[str, str | None]]:
        """The dropdown's choices: a first "pick" entry, then each heading."""
        return [("(pick the column)", None), *((heading, heading) for heading in self.headings)]


@dataclass(frozen=True)
class Status:
    """What the Plan tab says as the files are chosen and the boxes typed (``html``), and whether
    the Plan button can be pressed (``ready``)."""

    html: str
    ready: bool


@dataclass(frozen=True)
class PlanOutcome:
    """A plan made from an uploaded case list, or every problem that stopped it.

    ``problems`` are the lines ``python -m sampling plan`` prints on stderr for the same file
    (empty when the plan was made); ``lines`` the same in the page's words (no command-line
    options: :func:`page_words`); ``questions`` the columns the page asks for
    (:class:`ColumnQuestion`), with ``columns`` those given; ``warnings`` what ``plan`` prints as
    ``warning: ...``; ``plan`` the :class:`sampling.Plan` and ``workbook`` the bytes of the
    workbook ``plan`` writes.
    """

    name: str
    seed: int
    problems: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    questions: tuple[ColumnQuestion, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)
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
            items = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines)
            after = ("Pick the columns under <b>Columns</b> above, then press <b>Plan</b> again (or fix the "
                     "file and upload it again)." if self.questions
                     else "Fix these in the file and upload it again.")
            return ("<p><b>The case list cannot be planned yet.</b></p>"
                    f"<ul class='sampling-problems' style='color:#b2182b'>{items}</ul><p>{after}</p>")
        plan = self.plan
        parts = []
        for part in plan.domains:
            if part.selection is None:
                words = "none to inspect"
            else:
                balance = ("every group's share of the sample is within one case of its share of the "
                           "eligible cases" if part.balanced
                           else "some groups are more than one case off their share: see the balance below")
                words = (f"{part.n} to inspect ({_method_words(part.method)}; margin "
                         f"{_points(part.margin)}), {part.reserves} reserves; {balance}")
            parts.append(f"<li>{html.escape(_DOMAIN_WORDS.get(part.domain, part.domain))}: {part.population} "
                         f"eligible, {html.escape(words)}</li>")
        said = "".join(f"<li>{html.escape(page_words(line))}</li>" for line in self.warnings)
        ids = "".join(f"<p><b>{html.escape(_DOMAIN_WORDS.get(domain, domain))}</b> ({len(cases)}): "
                      f"<span class='sampling-ids' data-domain='{html.escape(domain)}'>"
                      f"{html.escape(', '.join(cases))}</span></p>"
                      for domain, cases in self.sample_ids().items())
        frame = plan.balance
        balance = "".join(
            f"<p><b>{html.escape(_DOMAIN_WORDS.get(domain, domain))}</b></p>"
            + _html_table(["balanced on", "group", "eligible", "target", "sampled"],
                          [[FIELD_WORDS.get(r.variable, r.variable), r.category, r.population,
                            f"{r.target:.1f}", r.sample] for r in rows.itertuples()],
                          css_class="sampling-balance", data={"domain": domain}, numbers=(2, 3, 4))
            for domain, rows in frame.groupby("domain", sort=False))
        read = f"{html.escape(self.name)}: {plan.cases.rows} cases read"
        if plan.victims is not None:
            shown = html.escape(Path(plan.victims.source).name)
            read += f"; {shown}: {plan.victims.rows} victims' cases read"
        return (STYLE + f"<p>{read}; seed {self.seed}.</p>"
                f"<ul>{''.join(parts)}</ul>" + (f"<ul class='sampling-warnings'>{said}</ul>" if said else "")
                + f"<p>{self.download_html()}</p>" + "<h4>Sampled cases</h4>" + ids
                + "<h4>Balance: each group's eligible cases, its target in the sample, and the sample</h4>"
                + balance)


def _method_words(method: str) -> str:
    """A domain's sizing method (``cochran``, ``cochran, hmip-2025-children``, ``given``) in words."""
    name, _, policy = str(method).partition(", ")
    words = "the size given" if name == "given" else METHOD_WORDS.get(name, name).lower()
    return f"{programme_words(policy)}, {words}" if policy else words


def plan_status(name: str | None, seed: object, reserves: object = "", *, content: bytes | None = None,
                victims: tuple[str, bytes] | None = None, questions=(), columns=None) -> Status:
    """What the Plan tab says as the case list is chosen and the seed and reserves typed: the
    next thing to do, the one problem with what was chosen or typed (:func:`check_upload`,
    :func:`parse_number`), or that it is ready; and whether Plan can be pressed.

    ``questions`` are the columns asked for (:class:`ColumnQuestion`) and ``columns`` the
    headings picked so far, by field.

    >>> plan_status("export.csv", "7").html
    "<p class='sampling-ready'>Ready: export.csv with seed 7, reserves as plan sets them. Press Plan.</p>"
    >>> plan_status("export.csv", "seven").ready
    False
    """
    try:
        if name is not None and content is not None:
            check_upload(name, content, field="Case list")
        if victims is not None:
            check_upload(victims[0], victims[1], field="Victims' list", wanted="the CSV or XLSX list of the "
                         "eligible victims' cases")
        seed_value = parse_number(seed, field="Seed")
        reserves_value = parse_number(reserves, field="Reserves")
    except SamplingError as error:
        return Status(error_html(error), False)
    if name is None:
        return Status("<p>Choose the case list: the CSV or XLSX export of the eligible cases.</p>", False)
    if seed_value is None:
        return Status(f"<p>{html.escape(name)} is chosen. Type a seed: any whole number from 0 (it is "
                      "recorded, so that the same file and seed give the same sample).</p>", False)
    columns = dict(columns or {})
    unpicked = [q.label for q in questions if not columns.get(q.field)]
    if unpicked:
        return Status(f"<p>Pick the column for: {html.escape(', '.join(unpicked))}.</p>", False)
    picked = [h for h in columns.values() if h]
    twice = sorted({h for h in picked if picked.count(h) > 1})
    if twice:
        return Status(error_html(SamplingError(
            f"Columns: {', '.join(repr(h) for h in twice)} is picked for more than one field; pick one "
            "column for each")), False)
    extra = ("reserves as plan sets them" if reserves_value is None
             else f"{reserves_value} reserves per domain")
    return Status(f"<p class='sampling-ready'>Ready: {html.escape(name)} with seed {seed_value}, {extra}. "
                  "Press Plan.</p>", True)


def _problem_words(problem) -> str:
    """One problem of a case list (a :class:`sampling.CaseListProblem`) in the page's words."""
    label = FIELD_WORDS.get(problem.field, problem.field)
    if problem.kind == "missing column":
        why = " (court or out-of-court is read from it)" if problem.field == "disposal_type" else ""
        return f"No column was recognised as {label.lower()}{why}: pick it under Columns"
    fix = _PAGE_FIX.get(problem.kind) or (page_words(problem.fix) if not _COMMAND_LINE.search(problem.fix)
                                          else "fix it in the export and upload it again")
    return f"{page_words(problem.message)}; {fix}"


def _page_lines(problems) -> tuple[str, ...]:
    return tuple(page_words(text.removeprefix("error: ").strip()) for text in problems)


def _headings(path: Path) -> tuple[str, ...]:
    """The export's headings, as :func:`sampling.read_table` finds them (none if it cannot)."""
    from .caselists import read_table

    try:
        return tuple(str(h) for h in read_table(path).columns if str(h).strip())
    except SamplingError:
        return ()


def _questions(problems, headings, columns) -> tuple[ColumnQuestion, ...]:
    from .caselists import FIELDS

    if not headings:
        return ()
    wanted = {p.field for p in problems if p.kind in _PICKABLE and p.field} | set(columns)
    order = [*FIELDS, *sorted(wanted - set(FIELDS))]
    return tuple(ColumnQuestion(f, FIELD_WORDS.get(f, f), COLUMN_HINTS.get(f, "The column of this field."),
                                headings, columns.get(f) if columns.get(f) in headings else None)
                 for f in order if f in wanted)


def plan_upload(name: str, content: bytes, *, seed: int, reserves: int | None = None,
                year: int | None = None, victims: tuple[str, bytes] | None = None,
                columns: Mapping[str, str] | None = None) -> PlanOutcome:
    """:func:`sampling.plan` on an uploaded case list, and the workbook it gives, as bytes.

    The bytes are checked (:func:`check_upload`), written under the upload's own name (so that
    messages name the file as ``python -m sampling plan FILE`` does) in a temporary folder,
    planned with ``seed`` (and ``reserves`` per domain, default as ``plan``'s), the workbook
    written there by :meth:`sampling.Plan.write` and read back, and the folder removed. A
    :class:`~sampling.SamplingError` (every problem of the case list at once, a
    :class:`~sampling.CaseListError`) becomes ``problems``, the lines ``plan`` prints on stderr,
    and ``lines``, the same in the page's words; a heading not recognised becomes a
    :class:`ColumnQuestion`, and the headings picked come back as ``columns`` (field to heading,
    ``plan(columns=...)``, as ``plan --columns`` takes them). Warnings become ``warnings``.

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
    from ._errors import CaseListError
    from .plans import plan

    name = _file_name(name, "case-list.csv")
    columns = {f: h for f, h in (columns or {}).items() if h}
    try:
        check_upload(name, content, field="Case list")
        if victims is not None:
            check_upload(victims[0], victims[1], field="Victims' list",
                         wanted="the CSV or XLSX list of the eligible victims' cases")
    except SamplingError as exc:
        return PlanOutcome(name, seed, problems=error_lines(exc), lines=(str(exc),), columns=columns)
    policies = policy_names(year)
    victims_name = None if victims is None else _file_name(victims[0], "victims.csv")
    if victims_name == name:
        victims_name = f"victims-{victims_name}"
    given = "" if reserves is None else f" --reserves {reserves}"
    given += f" --policy {policies['children']}" if "children" in policies else ""
    given += f" --victims {victims_name}" if victims_name else ""
    if columns:
        given += " --columns " + shlex.quote(",".join(f"{f}={h}" for f, h in columns.items()))
    line = f"python -m sampling plan {shlex.quote(name)} --seed {seed}{given} --out plan.xlsx"
    with _uploaded(name, content) as path, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        victims_path = None
        if victims is not None:
            victims_path = path.parent / victims_name
            victims_path.write_bytes(bytes(victims[1]))
        try:
            result = plan(path, seed=seed, reserves=reserves, policy=policies.get("children"),
                          victims=victims_path, columns=columns or None,
                          victims_policy=policies.get("victims") if victims_path else None,
                          command=f"the app's Plan button (the same as {line})")
        except CaseListError as exc:
            problems = tuple(_without(text, path.parent) for text in error_lines(exc))
            source = problems[0].removeprefix("error: ").split(": ", 1)[0]
            own = source == name and exc.problems and all(hasattr(p, "kind") for p in exc.problems)
            if not own:
                return PlanOutcome(name, seed, problems=problems, columns=columns,
                                   lines=_page_lines(problems))
            count = len(exc.problems)
            lines = (f"{name}: {count} problem{'s' if count > 1 else ''} in the case list",
                     *(_problem_words(p) for p in exc.problems))
            questions = _questions(exc.problems, _headings(path), columns)
            return PlanOutcome(name, seed, problems=problems, lines=lines, questions=questions,
                               columns=columns)
        except SamplingError as exc:
            problems = tuple(_without(text, path.parent) for text in error_lines(exc))
            return PlanOutcome(name, seed, problems=problems, columns=columns, lines=_page_lines(problems))
        except Exception as exc:  # noqa: BLE001 - a file no reader foresaw: one line, never a traceback
            text = (f"Case list: {name} could not be read ({type(exc).__name__}); choose the CSV or XLSX "
                    "export of the eligible cases, saved again from Excel")
            return PlanOutcome(name, seed, problems=(f"error: {text}",), lines=(text,), columns=columns)
        out = path.parent / "plan.xlsx"
        result.write(out)
        workbook = out.read_bytes()
    said = tuple(f"warning: {w.message}" for w in caught)
    return PlanOutcome(name, seed, columns=columns, warnings=said, plan=result, workbook=workbook)


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
        """The :class:`sampling.Report`, through the one resolver every command uses
        (:func:`sampling.resolve_report`): a bundled report, or the uploaded answers workbook's."""
        from .journey import resolve_report

        if self.report is not None:
            return resolve_report(self.report)
        with _uploaded(self.name, self.content) as path:
            try:
                return resolve_report(path)
            except SamplingError as exc:
                raise SamplingError(_without(str(exc), path.parent)) from None
            except Exception as exc:  # noqa: BLE001 - a workbook no reader foresaw: one line, no traceback
                raise SamplingError(f"Answers: {self.name} could not be read ({type(exc).__name__}); choose "
                                    f"{_ANSWERS}") from None


_ANSWERS = "the answers workbook (.xlsx) made from the plan and filled in"


def _sheet_names(content: bytes) -> list[str]:
    import io

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # noqa: BLE001 - read_answers says what is wrong
        return []
    try:
        return list(book.sheetnames)
    finally:
        book.close()


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
    checked at once: one line for a file that is not such a workbook (:func:`check_upload`; a
    workbook with no ``answers`` sheet, a plan's named as such), else
    :class:`~sampling.AnswersError` lists every problem, as ``annexe`` does."""
    name = check_upload(name or "answers.xlsx", content, field="Answers", accept=(".xlsx",), wanted=_ANSWERS)
    sheets = _sheet_names(bytes(content))
    if sheets and "answers" not in sheets:
        what = ("the plan workbook, not the answers workbook" if {"sample", "audit"} <= set(sheets)
                else f"not an answers workbook (its sheets: {', '.join(sheets)})")
        raise SamplingError(f"Answers: {name} is {what}; choose {_ANSWERS}")
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
        if self.mode == "finite":
            counts = ", ".join(f"{FIELD_WORDS.get(k, k.replace('_', '-'))} {v}"
                               for k, v in (self.populations or {}).items())
            kind = (f"all its eligible cases in the period ({counts}"
                    + (", as the sample sizes imply)" if dist.populations_source == "implied" else ")"))
        else:
            kind = "the service's practice, of which the inspected cases are a sample"
        frame = self.table
        labels = Rating.labels()
        qualitative = {s.id for s in report.standards if s.qualitative}
        rows, bold = [], set()
        for i, (sid, values) in enumerate(frame.iterrows()):
            rows.append([f"{sid} {values['name']}", values["published"], values["rules' rating"],
                         *(percent(values[f"P({label})"]) for label in labels),
                         *(_reach_text(values[c], sid in qualitative) for c in ("cases up", "cases down"))])
            bold.add((i, 3 + labels.index(values["published"])))
        table = _html_table(["standard", "published", "by the rules", *labels, "cases to the band above",
                             "cases to the band below"], rows, css_class="sampling-ratings",
                            numbers=tuple(range(3, 5 + len(labels))), bold_cells=bold,
                            attributes={i: {"standard": sid} for i, sid in enumerate(frame.index)})
        overall = "; ".join(f"{label} {percent(dist.overall[label])}" for label in labels)
        return (STYLE + f"<h4>{html.escape(report.service)} ({html.escape(str(report.published))})</h4>"
                f"<p class='sampling-kind'>How sure we are of: {html.escape(kind)}.</p>" + table
                + f"<p class='sampling-overall'><b>Overall rating</b>, published "
                  f"{html.escape(dist.published_overall.label)}; the chance of each by the rules: "
                  f"{html.escape(overall)}.</p>"
                + "<p class='sampling-key'>Each rating's chance: how likely the rules are to give that "
                  "rating if every case had been inspected, given the cases that were; the published "
                  "rating's chance is in bold. It starts from no particular expectation of the result and "
                  "treats the key questions as unrelated to each other. Cases to the band above or below: "
                  "how many case judgements would have to change for the rules to give the next rating; "
                  "none: there is no band on that side; by judgement: a standard rated on the "
                  "inspectors' judgement, with no key questions to count "
                  "(methodology/band-uncertainty.md).</p>")


def _reach_text(value, qualitative: bool) -> str:
    """A count of cases to the next band, or why there is none."""
    import pandas as pd

    if qualitative:
        return "by judgement"
    return "none" if value is None or value is pd.NA else str(int(value))


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


def score_figure(view: RatingView) -> str:
    """:func:`score_png` as a figure with its alternative text and caption."""
    from .framework import Rating

    dist = view.distribution
    chances = ", ".join(f"{label} {percent(dist.overall[label])}" for label in Rating.labels())
    alt = (f"Bars of the chance of each overall score, shaded by the overall rating it gives; the chance of "
           f"each overall rating: {chances}.")
    return figure_html(score_png(view), alt, "The chance of each overall score, and the rating each gives.")


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


# --------------------------------------------------------------------------------------------
# Fieldwork: which ratings are settled


def status_view(name: str, content: bytes) -> str:
    """The Fieldwork tab for an uploaded answers workbook, partly filled in: the cases answered
    and left per sample (and inspector), then per standard whether it is settled, the bands still
    reachable and the likeliest final band, as ``python -m sampling status`` prints them.

    Examples
    --------
    >>> try:
    ...     status_view("answers.xlsx", b"x")
    ... except SamplingError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    Answers: answers.xlsx holds text (a CSV file renamed .xlsx?); choose the answers workbook (.xlsx)
    made from the plan and filled in
    """
    from .fieldwork import fieldwork_status

    name = check_upload(name or "answers.xlsx", content, field="Answers", accept=(".xlsx",), wanted=_ANSWERS)
    with _uploaded(name, content) as path:
        try:
            status = fieldwork_status(path)
        except SamplingError as exc:
            raise SamplingError(_without(str(exc), path.parent)) from None
        except Exception as exc:  # noqa: BLE001 - a workbook no reader foresaw: one line, no traceback
            raise SamplingError(f"Answers: {name} could not be read ({type(exc).__name__}); choose "
                                f"{_ANSWERS}") from None
    by_inspector = "inspector" in status.cases.columns
    counts = [[FIELD_WORDS.get(row["sample"], str(row["sample"]).replace("_", "-")),
               *([row["inspector"]] if by_inspector else []), row["answered"], row["started"], row["left"]]
              for row in status.cases.to_dict("records")]
    header = ["Sample", *(["Inspector"] if by_inspector else []), "Cases answered", "Started", "Not started"]
    last = len(header) - 1
    rows = []
    for item in status.standards:
        likely = max(item["probabilities"], key=item["probabilities"].get)
        rows.append([item["standard"], "settled" if item["settled"] else "open",
                     ", ".join(item["reachable"]) or "none yet",
                     f"{likely} ({percent(item['probabilities'][likely])})",
                     "-" if item["no_to_move_down"] is None else item["no_to_move_down"],
                     "-" if item["yes_to_move_up"] is None else item["yes_to_move_up"]])
    settled = len(status.settled)
    return (f"<p>{html.escape(name)}: {settled} of {len(status.standards)} standards settled: no answer "
            "still to come can change them.</p>"
            + _html_table(header, counts, css_class="sampling-cases", numbers=(last - 2, last - 1, last))
            + _html_table(["Standard", "Settled?", "Bands still reachable", "Likeliest final band",
                           "More no answers to move down", "More yes answers to move up"], rows,
                          css_class="sampling-status", numbers=(4, 5))
            + "<p style='font-size:88%;color:#555'>Settled: only one band can still come out, whatever the "
              "cases not yet read say. The likeliest band's chance treats the key questions as independent "
              "and learns each one's rates from the answers so far.</p>")


#: The glossary's terms each tab's words use (``python -m sampling explain`` prints the same).
TAB_TERMS = {
    "size": ("confidence level", "margin of error", "achieved margin", "finite population correction",
             "census", "sampling policy", "band accuracy"),
    "plan": ("balanced", "reserve", "sampling policy", "inspection record"),
    "rating": ("band", "lowest-band rule", "band probability", "process uncertainty", "finite uncertainty",
               "cases up", "P(published)", "Jeffreys prior"),
    "fieldwork": ("settled", "band probability", "independence", "curtailment"),
}


def glossary_html(tab: str) -> str:
    """What the words of a tab mean: the glossary's entries (``sampling/data/glossary.toml``) for
    the terms the tab shows, folded away under "What the words mean".

    Examples
    --------
    >>> "<dt>Reserve</dt>" in glossary_html("plan") or "<dt>reserve</dt>" in glossary_html("plan")
    True
    """
    from .glossary import lookup

    items = []
    for term in TAB_TERMS[tab]:
        entry = lookup(term)
        items.append(f"<dt>{html.escape(entry.term)}</dt><dd>{html.escape(entry.entry)}</dd>")
    return ("<details class='sampling-glossary'><summary>What the words mean</summary><dl>"
            + "".join(items) + "</dl></details>")
