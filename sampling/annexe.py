"""The methodology annexe: one parameterised notebook, executed for an inspection or a bundled report.

The template ``sampling/templates/annexe.ipynb`` has a cell tagged ``parameters`` (papermill's
convention) naming its source: a bundled report id, a report TOML file, or an answers workbook
(:mod:`sampling.answers`). :func:`execute_annexe` copies the template, puts a cell tagged
``injected-parameters`` after that cell with the values for this run, and executes it (nbclient);
:func:`write_annexe` writes the executed notebook's outputs, without its code, as one
self-contained HTML page (:func:`annexe_html`, figures embedded as base64 images) or as a Word
document (:func:`annexe_docx`): every section stores its content as data (:data:`MIMETYPE`)
beside its HTML, so both are made from the same outputs. The five report notebooks in
``notebooks/reports/`` are the same template executed on the bundled reports.

The template only calls the package: what it shows is computed here, from the public functions
of the toolkit (``methodology/annexe.md`` describes the sections and where each sentence comes
from).
"""

from __future__ import annotations

import copy
import html
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ._errors import SamplingError
from .framework import BAND_LOWER_BOUNDS, Rating, get_framework

__all__ = [
    "AnnexeText",
    "Draw",
    "AnnexeResult",
    "template_path",
    "annexe_report",
    "finite_populations",
    "heading",
    "sample_table",
    "illustrative_draw",
    "rules_text",
    "key_question_table",
    "score_summary",
    "certainty_table",
    "overall_table",
    "discretion_assessment",
    "discretion_table",
    "discretion_text",
    "notable_facts",
    "conclusion",
    "execute_annexe",
    "annexe_html",
    "annexe_docx",
    "annexe_blocks",
    "annexe_title",
    "write_annexe",
    "AnnexeTable",
    "AnnexeBlocks",
    "AnnexeFigure",
    "Inspection",
    "prepare",
    "methodology_text",
    "samples_table",
    "draw_section",
    "standard_tables",
    "ratings_table",
    "certainty_words",
    "band_chances",
    "certainty_section",
    "ladder_figure",
    "score_figure",
    "overall_words",
    "rule_words",
    "discretion_words",
    "MIMETYPE",
    "PRINT_CSS",
]

_LABELS = Rating.labels()


# the youth bands (Essex 2018, Annex 1), the ones the discretion rules are written for
_YOUTH_BOUNDS = tuple(BAND_LOWER_BOUNDS.values())


def _lower_bounds(framework) -> dict[Rating, int]:
    """The lowest printed percentage of Requires improvement, Good and Outstanding."""
    return dict(zip(list(Rating)[1:], framework.band_lower_bounds, strict=True))


def _score_bands(framework) -> dict[Rating, tuple[int, int]]:
    return dict(zip(Rating, framework.score_bands, strict=True))


def _scored(framework) -> bool:
    """Whether the framework's overall rating comes from a score (not from areas)."""
    return framework.overall_method != "areas"


def _overall_of(report, ratings) -> Rating:
    """The overall rating of these standards' ratings by the report's framework's method."""
    return report.framework.overall_from_ratings(ratings)


def _score_of(report, ratings) -> int:
    framework = report.framework
    return sum(framework.score_of(ratings[s.id]) for s in framework.scored_standards if s.id in ratings)


def _display(sample: str) -> str:
    return sample.replace("_", "-")


def _html_escape(text: str) -> str:
    """Text for Markdown that becomes HTML: ``&``, ``<`` and ``>`` as entities, so that no string
    (a service's name, a file's name) can open a tag or a script."""
    return html.escape(str(text), quote=False)


def _literal(text) -> str:
    """A user's string (a service's name, a report id) as literal Markdown: its Markdown
    punctuation escaped, so that ``*`` or ``_`` in a name neither bolds nor italicises."""
    return re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", str(text))


#: The mimetype under which every section of the annexe also stores its content as data: the
#: Word document (:func:`annexe_docx`) is made from it, the HTML from the same output's text/html.
MIMETYPE = "application/vnd.sampling.annexe+json"


def _runs(text: str) -> list[tuple[str, bool]]:
    """A line as runs of (text, bold): ``**`` starts and ends bold; a backslash makes the next
    character literal (a user's ``*`` escaped by :func:`_literal` shows as typed)."""
    runs, bold, part, i = [], False, [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            part.append(text[i + 1])
            i += 2
        elif text.startswith("**", i):
            if part:
                runs.append(("".join(part), bold))
                part = []
            bold = not bold
            i += 2
        else:
            part.append(text[i])
            i += 1
    if part:
        runs.append(("".join(part), bold))
    return runs


def _plain(text: str) -> str:
    return "".join(part for part, _ in _runs(text))


def _inline_html(text: str) -> str:
    return "".join(f"<strong>{_html_escape(part)}</strong>" if bold else _html_escape(part)
                   for part, bold in _runs(text))


def _blocks_html(blocks) -> str:
    """The blocks as HTML, every string escaped (a service's name cannot open a tag)."""
    out = []
    for block in blocks:
        kind = block["kind"]
        if kind == "heading":
            level = block["level"]
            out.append(f"<h{level}>{_inline_html(block['text'])}</h{level}>")
        elif kind == "paragraph":
            out.append(f"<p>{_inline_html(block['text'])}</p>")
        elif kind == "bullets":
            items = "".join(f"<li>{_inline_html(item)}</li>" for item in block["items"])
            out.append(f"<ul>{items}</ul>")
        elif kind == "table":
            if block.get("title"):
                out.append(f'<p class="annexe-caption"><strong>{_inline_html(block["title"])}</strong></p>')
            head = "".join(f"<th>{_html_escape(c)}</th>" for c in block["columns"])
            body = "".join("<tr>" + "".join(f"<td>{_html_escape(v)}</td>" for v in row) + "</tr>"
                           for row in block["rows"])
            out.append(f'<table class="annexe"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
            if block.get("note"):
                out.append(f'<p class="annexe-note">{_inline_html(block["note"])}</p>')
        elif kind == "image":
            out.append(f'<figure><img src="data:image/png;base64,{block["png"]}" '
                       f'alt="{html.escape(block.get("alt", ""))}"></figure>')
    return "\n".join(out)


def _blocks_plain(blocks) -> str:
    out = []
    for block in blocks:
        kind = block["kind"]
        if kind in ("heading", "paragraph"):
            out.append(_plain(block["text"]))
        elif kind == "bullets":
            out.append("\n".join("- " + _plain(item) for item in block["items"]))
        elif kind == "table":
            rows = [block["columns"], *block["rows"]]
            widths = [max(len(str(row[i])) for row in rows) for i in range(len(block["columns"]))]
            lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows]
            out.append("\n".join(([_plain(block["title"])] if block.get("title") else []) + lines
                                 + ([_plain(block["note"])] if block.get("note") else [])))
    return "\n\n".join(out)


class _Blocks:
    """Shown in a notebook as HTML (and plain text), and stored as data (:data:`MIMETYPE`)."""

    def to_blocks(self) -> list[dict]:  # pragma: no cover - each class defines it
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None):
        blocks = self.to_blocks()
        return {"text/html": _blocks_html(blocks), "text/plain": _blocks_plain(blocks),
                MIMETYPE: {"blocks": blocks}}


@dataclass(frozen=True)
class AnnexeBlocks(_Blocks):
    """Several sections' blocks shown as one output (paragraphs, tables), in order."""

    parts: tuple

    def to_blocks(self) -> list[dict]:
        return [block for part in self.parts if part is not None for block in part.to_blocks()]

    def __repr__(self) -> str:
        return _blocks_plain(self.to_blocks())


@dataclass(frozen=True)
class AnnexeTable(_Blocks):
    """A table in words: column headings a reader understands and every cell a string (no
    ``NaN``, ``<NA>``, ``True`` or ``False``), with an optional title above and note below."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""

    def to_blocks(self) -> list[dict]:
        return [{"kind": "table", "title": self.title, "columns": list(self.columns),
                 "rows": [list(row) for row in self.rows], "note": self.note}]

    def to_frame(self):
        """The table as a DataFrame of strings."""
        import pandas as pd

        return pd.DataFrame([list(r) for r in self.rows], columns=list(self.columns))

    def __repr__(self) -> str:
        return _blocks_plain(self.to_blocks())


@dataclass(frozen=True)
class AnnexeFigure:
    """A figure as a PNG image (rendered once, the matplotlib figure closed)."""

    png: bytes
    alt: str = ""

    @classmethod
    def of(cls, fig, alt: str = "") -> AnnexeFigure:
        """The PNG of a matplotlib figure, drawn once; a pyplot figure is closed."""
        import io

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
        if "matplotlib.pyplot" in __import__("sys").modules:
            import matplotlib.pyplot as plt

            plt.close(fig)
        return cls(buffer.getvalue(), alt)

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        return {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}

    def __repr__(self) -> str:
        return f"<figure: {self.alt}>"


@dataclass(frozen=True)
class AnnexeText(_Blocks):
    """Sentences for the annexe: HTML (and Markdown) in a notebook, plain text elsewhere.

    ``level`` 0 shows the title in bold above the lines; 1 to 3 make it a heading of that level.
    """

    title: str
    lines: tuple[str, ...]
    bullets: bool = True
    level: int = 0

    def to_blocks(self) -> list[dict]:
        blocks = []
        if self.title:
            blocks.append({"kind": "heading", "level": self.level, "text": self.title} if self.level
                          else {"kind": "paragraph", "text": f"**{self.title}**"})
        if self.bullets and self.lines:
            blocks.append({"kind": "bullets", "items": list(self.lines)})
        elif self.lines:
            blocks += [{"kind": "paragraph", "text": line} for line in self.lines]
        return blocks

    def _repr_markdown_(self) -> str:
        lines = [_html_escape(line) for line in self.lines]
        body = "\n".join(f"- {line}" for line in lines) if self.bullets else "\n\n".join(lines)
        return (f"**{_html_escape(self.title)}**\n\n" if self.title else "") + body

    def __repr__(self) -> str:
        head = [self.title] if self.title else []
        return "\n".join(head + [("- " if self.bullets else "") + line.replace("**", "")
                                 for line in self.lines])

    def to_dict(self) -> dict:
        return {"title": self.title, "lines": list(self.lines)}


# --------------------------------------------------------------------------------------------
# the source and its populations


def template_path() -> Path:
    """The annexe template, as installed with the package."""
    return Path(str(resources.files("sampling") / "templates" / "annexe.ipynb"))


def annexe_report(source, *, service: str | None = None):
    """The report an annexe is about: a bundled id or a .toml file (:func:`sampling.load_report`),
    or an answers workbook (.xlsx: :func:`sampling.answers.read_answers`, then its report).

    >>> annexe_report("essex-2018").service
    'Essex Youth Offending Service'
    """
    from .reports import Report, load_report

    if isinstance(source, Report):
        return source
    if hasattr(source, "report") and hasattr(source, "frame"):  # sampling.answers.Answers
        return source.report(service=service)
    if str(source).lower().endswith(".xlsx"):
        from .answers import read_answers

        return read_answers(source).report(service=service)
    return load_report(source)


def finite_populations(report, populations: Mapping[str, int] | None = None) -> dict[str, int]:
    """The eligible cases behind each sample for the finite analyses: those given, else those the
    sample implies (the smallest N for which the reports' formula gives n).

    Raises
    ------
    SamplingError
        Listing every given population that is not a whole number of cases at least its sample,
        or names no sample of the report; and any sample that implies no population (above 165)
        and has none given.

    Examples
    --------
    >>> finite_populations(annexe_report("essex-2018"))
    {'court': 57, 'out_of_court': 33}
    >>> finite_populations(annexe_report("essex-2018"), {"out-of-court": 40})
    {'court': 57, 'out_of_court': 40}
    """
    from .size import populations_for_sample_size

    given = {str(k).strip().lower().replace("-", "_").replace(" ", "_"): v
             for k, v in (populations or {}).items()}
    problems = []
    for name, value in given.items():
        if name not in report.samples:
            problems.append(f"{_display(name)} is not a sample of this report (samples: "
                            + ", ".join(_display(s) for s in report.samples) + ")")
        elif isinstance(value, bool) or not isinstance(value, int) or value < report.samples[name]:
            problems.append(f"{_display(name)} = {value!r} must be a whole number of eligible cases, at "
                            f"least its sample of {report.samples[name]}")
    result = {}
    for name, n in report.samples.items():
        if not n:
            continue  # a domain with no cases (Sunderland 2022: no resettlement cases) has none to imply
        if name in given:
            result[name] = given[name]
            continue
        if name in report.populations:  # the plan's count of eligible cases
            result[name] = report.populations[name]
            continue
        implied = populations_for_sample_size(n)
        if implied.empty:
            problems.append(f"the {_display(name)} sample of {n} implies no population; give it, "
                            f"e.g. {_display(name)}=N")
        else:
            result[name] = implied.low
    if problems:
        raise SamplingError("populations: " + "; ".join(problems))
    return result


def heading(report) -> AnnexeText:
    """The annexe's first lines: the service, when, the framework and the samples."""
    samples = ", ".join(f"{_display(k)} {v}" for k, v in report.samples.items())
    if report.published == "unpublished":
        return AnnexeText(f"{_literal(report.service)}: methodology annexe", (
            "This inspection, not yet published: its ratings are worked out by the rules from the "
            "inspectors' case answers.",
            f"Framework: {report.framework.name} ({report.framework.description}).",
            f"Cases inspected: {samples}.",
        ), bullets=False, level=1)
    return AnnexeText(f"{_literal(report.service)}: methodology annexe", (
        f"Source: the published report {_literal(report.id)} ({report.published}).",
        f"Framework: {report.framework.name} ({report.framework.description}).",
        f"Cases inspected: {samples}.",
    ), bullets=False, level=1)


def sample_table(report, populations: Mapping[str, int] | None = None):
    """Per sample: n, the eligible population (given, the plan's, or implied by the formula), the margin the
    sample achieves there (normal and exact), whether it is a census, and what one case is worth.

    Returns
    -------
    pandas.DataFrame
        Indexed by sample: ``n``, ``population``, ``population_from`` ("given", "the plan" or
        "implied"),
        ``margin`` and ``margin_exact`` (proportions, at 80 % confidence), ``census``,
        ``points_per_case`` (100 / n, unrounded).

    Examples
    --------
    >>> table = sample_table(annexe_report("calderdale-2022"))
    >>> row = table.loc["court"]
    >>> int(row.n), int(row.population), row.population_from, bool(row.census)
    (11, 11, 'implied', True)
    """
    import pandas as pd

    from .size import margin_of_error

    used = finite_populations(report, populations)
    given = {str(k).strip().lower().replace("-", "_").replace(" ", "_") for k in (populations or {})}
    rows = []
    for name, n in report.samples.items():
        if name not in used:
            continue  # a sample of 0
        big_n = used[name]
        rows.append({"sample": _display(name), "n": int(n), "population": int(big_n),
                     "population_from": "given" if name in given else
                     "the plan" if name in report.populations else "implied",
                     "margin": margin_of_error(n, big_n),
                     "margin_exact": margin_of_error(n, big_n, method="exact"),
                     "census": bool(n == big_n), "points_per_case": 100 / n})
    return pd.DataFrame(rows).set_index("sample")


# --------------------------------------------------------------------------------------------
# the inspection, computed once


_MEMO: dict = {}


def _memo(kind: str, report, populations, compute):
    """``compute()`` once per report object, kind and populations: the template's sections share
    the exact distributions and the rating table instead of computing them again."""
    given = tuple(sorted((str(k), v) for k, v in (populations or {}).items()))
    key = (kind, id(report), given)
    if key not in _MEMO or _MEMO[key][0] is not report:
        if len(_MEMO) > 64:
            _MEMO.clear()
        _MEMO[key] = (report, compute())
    return _MEMO[key][1]


def _rated(report):
    from .reports import rate_report

    return _memo("table", report, None, lambda: rate_report(report))


def _distributions(report, populations):
    """The exact rating distributions (process, finite), computed once."""
    from .uncertainty import rating_distribution

    def compute():
        used = finite_populations(report, populations)
        return (rating_distribution(report),
                rating_distribution(report, mode="finite", populations=used))

    return _memo("distributions", report, populations, compute)


@dataclass(frozen=True)
class Inspection:
    """What the annexe is about, computed once: the report, the inspection's record (where the
    source is an answers workbook from a plan), the populations used, the rating table, the exact
    rating distributions and the discretion assessment. Made by :func:`prepare`."""

    report: object
    record: object  # InspectionRecord or None
    given: Mapping[str, int] | None
    populations: Mapping[str, int]
    table: object  # RatingTable
    process: object  # RatingDistribution
    finite: object  # RatingDistribution
    assessment: object  # DiscretionAssessment or None
    judgement_error: float | None = None  # measured by double-marking, where given

    @property
    def unpublished(self) -> bool:
        """Whether the ratings are this inspection's own, not yet published."""
        return self.report.published == "unpublished"


def prepare(source, *, service: str | None = None,
            populations: Mapping[str, int] | None = None, judgement_error=None) -> Inspection:
    """Read the source once and compute what every section of the annexe shows.

    >>> inspection = prepare("essex-2018")
    >>> inspection.record is None, dict(inspection.populations)
    (True, {'court': 57, 'out_of_court': 33})
    """
    from .reports import Report

    record = None
    if isinstance(source, Report):
        report = source
    elif hasattr(source, "report") and hasattr(source, "frame"):  # sampling.answers.Answers
        report, record = source.report(service=service), source.record
    elif str(source).lower().endswith(".xlsx"):
        from .answers import read_answers

        answers = read_answers(source)
        report, record = answers.report(service=service), answers.record
    else:
        report = annexe_report(source, service=service)
    used = finite_populations(report, populations)
    process, finite = _distributions(report, populations)
    assessment = _memo("discretion", report, None, lambda: discretion_assessment(report))
    return Inspection(report, record, dict(populations) if populations else None, used, _rated(report),
                      process, finite, assessment, judgement_error_of(judgement_error))


def judgement_error_of(value) -> float | None:
    """The judgement error an annexe is given: a number, or a file that ``agreement --json`` wrote
    (its overall row's ``judgement_error``), checked as the simulation checks it; None for none.

    >>> judgement_error_of(0.05), judgement_error_of(None)
    (0.05, None)
    """
    import json

    from . import _validation as check

    if value is None:
        return None
    if isinstance(value, str | Path) and not _is_number(value):
        path = Path(value)
        if not path.is_file():
            raise SamplingError(f"--judgement-error: {path} is neither a number nor a file; give e.g. "
                                "0.05 or the JSON that agreement --json wrote")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            value = data["overall"]["judgement_error"]  # agreement --json: the overall row's
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise SamplingError(f"--judgement-error: {path} holds no judgement_error; give the JSON that "
                                "agreement ANSWERS.xlsx QA.xlsx --json wrote, or a number") from None
    return check.judgement_error(float(value))


def _is_number(text) -> bool:
    try:
        float(str(text))
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Annexe 1: methodology, in the published annexes' words

_SAMPLE_WORDS = {"court": ("court disposal", "court disposals"),
                 "out_of_court": ("out-of-court disposal", "out-of-court disposals"),
                 "resettlement": ("resettlement case", "resettlement cases"),
                 "children": ("children's case", "children's cases"),
                 "victims": ("victims' case", "victims' cases")}

#: The balancing variables as the published annexes name them (Essex 2018, Annex 1).
_VARIABLE_WORDS = {"gender": "gender", "disposal type": "sentence or disposal type",
                   "risk of serious harm": "risk of serious harm",
                   "safety and wellbeing": "risk to safety and wellbeing",
                   "court or out-of-court": "court or out-of-court case"}

_PUBLISHED_VARIABLES = ("gender", "disposal type", "risk of serious harm", "safety and wellbeing")


def _cases(name: str, n: int) -> str:
    one, many = _SAMPLE_WORDS.get(name, (f"{_display(name)} case", f"{_display(name)} cases"))
    return f"{n} {one if n == 1 else many}"


def _sample_name(name: str) -> str:
    """"the court sample", "the victims' sample"."""
    words = {"court": "court", "out_of_court": "out-of-court", "resettlement": "resettlement",
             "children": "children's", "victims": "victims'"}
    return f"the {words.get(name, _display(name))} sample"


def _join(words) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _join_serial(words) -> str:
    """A list as the published annexes write it: "a, b, c, and d" (a comma before the last)."""
    words = list(words)
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


def _variables(drawn: str) -> list[str]:
    text = drawn.removeprefix("balanced on").strip()
    return [_VARIABLE_WORDS.get(v.strip(), v.strip()) for v in text.split(",") if v.strip()]


def _points(margin: float) -> str:
    return f"{100 * margin:.1f}"


def _whole_points(margin: float) -> str:
    value = 100 * margin
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:g}"


def _why_above(sample, record) -> str:
    """Why a sample's margin is wider than the target, in words."""
    method = sample.size_method
    if method.strip() == "given":
        return "because its size was given by hand"
    policies = [part.strip() for part in method.split(",")[1:] if part.strip()]
    for name in policies:
        try:
            from .size import get_policy

            policy = get_policy(name)
        except SamplingError:
            continue
        if sample.n == policy.maximum:
            return f"because the programme caps it at {policy.maximum}"
        if sample.n == sample.population:
            return "because it is every eligible case"
    return f"because of how its size was set ({method})"


def methodology_text(inspection: Inspection) -> AnnexeText:
    """Annexe 1 in prose, as the published annexes put it, with this inspection's facts: the cases
    examined, the confidence and margin the sizes were set for, what the samples were balanced on,
    and where a fact differs (a sample drawn at random, a margin wider than the target) what is
    true.

    >>> print(methodology_text(prepare("essex-2018")).lines[0])
    We examined 43 court disposals and 28 out-of-court disposals.
    """
    report, record = inspection.report, inspection.record
    examined = [(name, n) for name, n in report.samples.items() if n]
    lines = ["We examined " + _join(_cases(name, n) for name, n in examined) + "."]
    empty = [name for name, n in report.samples.items() if not n]
    if empty:
        lines.append("There were no " + _join(_SAMPLE_WORDS.get(name, (None, f"{_display(name)} cases"))[1]
                                              for name in empty) + " to examine.")
    if record is None:  # a published report: its own samples, balanced as the reports say
        lines.append("The sample size was set to achieve a confidence level of 80 per cent (with a margin "
                     "of error of 5), and we ensured that the ratios in relation to "
                     + _join_serial([_VARIABLE_WORDS[v] for v in _PUBLISHED_VARIABLES])
                     + " matched those in the eligible population.")
    else:
        confidence = f"{100 * record.confidence:.0f}"
        target = _whole_points(record.target_margin)
        sampled = {name: s for name, s in record.samples.items() if s.n}
        balanced = {name: s for name, s in sampled.items() if s.balanced}
        random = [name for name, s in sampled.items() if not s.balanced]
        sentence = (f"The sample size was set to achieve a confidence level of {confidence} per cent (with a "
                    f"margin of error of {target})")
        kinds = {tuple(_variables(s.drawn)) for s in balanced.values()}
        if balanced and len(kinds) == 1:
            which = "" if len(balanced) == len(sampled) else f" in {_join(_sample_name(n) for n in balanced)}"
            sentence += (f", and{which} we ensured that the ratios in relation to "
                         + _join_serial(next(iter(kinds))) + " matched those in the eligible population.")
            lines.append(sentence)
        else:
            lines.append(sentence + ".")
            for name, s in balanced.items():
                lines.append(f"In {_sample_name(name)} we ensured that the ratios in relation to "
                             + _join_serial(_variables(s.drawn)) + " matched those in the eligible "
                                                                   "population.")
        for name in random:
            one, many = _SAMPLE_WORDS.get(name, (None, f"{_display(name)} cases"))
            lines.append(f"The {many} were drawn at random from the {record.samples[name].population} "
                         f"eligible {many}, not balanced on any characteristic.")
        for name, margin in record.above_target().items():
            s = record.samples[name]
            lines.append(f"{_sample_name(name).capitalize()} of {s.n} from {s.population} achieves a margin "
                         f"of {_points(margin)} points, wider than the {target}-point target, "
                         f"{_why_above(s, record)}.")
    source = {"given": "as given for this annexe", "the plan": "as the plan counted them",
              "implied": "implied by the sample sizes (the reports do not print them: the smallest "
                         "population for which the formula gives each sample)"}
    table = sample_table(report, inspection.given)
    by_source: dict[str, list[str]] = {}
    for name, row in table.iterrows():
        key = name.replace("-", "_")
        one, many = _SAMPLE_WORDS.get(key, (f"{name} case", f"{name} cases"))
        by_source.setdefault(row.population_from, []).append(f"{int(row.population)} {many}")
    for origin, parts in by_source.items():
        lines.append("Eligible population: " + _join(parts) + f", {source[origin]}.")
    census = [name for name, row in table.iterrows() if row.census]
    for name in census:
        lines.append(f"{_sample_name(name.replace('-', '_')).capitalize()} is every eligible case (a "
                     "census): there is no uncertainty from sampling about those cases, only about the "
                     "service's practice.")
    return AnnexeText("", tuple(lines), bullets=False)


def samples_table(inspection: Inspection) -> AnnexeTable:
    """Each sample in words: cases examined, eligible cases and where that count comes from, how
    the cases were drawn, the margin of error they achieve (normal and exact, at 80 % confidence)
    and what one case is worth.

    >>> table = samples_table(prepare("calderdale-2022"))
    >>> table.columns[:3], table.rows[0][:3]
    (('Sample', 'Cases examined', 'Eligible cases'), ('court disposals', '11', '11'))
    """
    report, record = inspection.report, inspection.record
    table = sample_table(report, inspection.given)
    origin = {"given": "given", "the plan": "the plan", "implied": "implied by the sample size"}
    rows = []
    for name, row in table.iterrows():
        key = name.replace("-", "_")
        if record is not None and key in record.samples:
            drawn = "balanced" if record.samples[key].balanced else "at random"
        else:
            drawn = "balanced"
        census = bool(row.census)
        rows.append((_SAMPLE_WORDS.get(key, (None, f"{name} cases"))[1], str(int(row.n)),
                     str(int(row.population)), origin[row.population_from], drawn,
                     "none: every eligible case" if census else f"\u00b1{_points(row.margin)}",
                     "none: every eligible case" if census else f"\u00b1{_points(row.margin_exact)}",
                     f"{row.points_per_case:.1f} points"))
    confidence = 0.80 if record is None else record.confidence
    return AnnexeTable(f"The samples and the margin of error each achieves ({confidence:.0%} confidence)",
                       ("Sample", "Cases examined", "Eligible cases", "Eligible cases from", "How drawn",
                        "Margin of error (points)", "Exact margin (points)", "One case moves a percentage "
                                                                             "by"),
                       tuple(rows),
                       "The margin is the normal approximation with Cochran's finite-population correction, "
                       "the exact one the hypergeometric interval, for a percentage near 50 (the widest).")


def draw_section(inspection: Inspection, seed: int | None):
    """The illustrative balanced draw (:func:`illustrative_draw`) in words, or None without a seed
    (a real inspection's sample was drawn by the plan, whose workbook records it)."""
    if seed is None:
        return None
    draw = illustrative_draw(inspection.report, seed=seed, populations=inspection.given)
    balance = tuple((domain, variable.replace("_", " "), str(category), str(int(r.population)),
                     f"{r.target:.2f}", str(int(r["sample"])))
                    for (domain, variable, category), r in draw.balance.iterrows())
    groups = tuple((domain, str(group), str(int(r.n)), str(int(r.population)), f"\u00b1{_points(r.margin)}")
                   for (domain, group), r in draw.subgroups.iterrows())
    return AnnexeBlocks((
        AnnexeText("An illustration of a balanced draw", (draw._summary().replace("`", ""),), bullets=False),
        AnnexeTable("Each category's cases: eligible, target and drawn",
                    ("Sample", "Variable", "Category", "Eligible cases", "Target", "Drawn"), balance),
        AnnexeTable("Sub-samples have wider margins: boys and girls in each sample drawn",
                    ("Sample", "Sub-sample", "Cases drawn", "Eligible cases", "Margin of error (points)"),
                    groups)))


# --------------------------------------------------------------------------------------------
# an illustrative draw


@dataclass(frozen=True)
class Draw:
    """A balanced draw of each sample from a synthetic case list of its population (or nothing,
    when no seed was given: a real inspection's sample is drawn by ``python -m sampling plan``)."""

    seed: int | None
    populations: Mapping[str, int]
    samples: Mapping[str, int]
    balance: object = field(repr=False)  # DataFrame: domain, variable, category -> population, target, sample
    subgroups: object = field(repr=False)  # DataFrame: margins of boys and girls in each sample
    balanced: bool = True

    def _summary(self) -> str:
        if self.seed is None:
            return ("No illustrative draw: this inspection's sample was drawn by "
                    "`python -m sampling plan`, whose workbook records the seed and the balance.")
        parts = ", ".join(f"{n} of {self.populations[k]} {_display(k)} cases"
                          for k, n in self.samples.items())
        verdict = ("every category's sample count is the floor or the ceiling of its target"
                   if self.balanced else "some category missed its target by more than a case")
        return f"Synthetic case lists drawn with seed {self.seed}: {parts}; {verdict}."

    def __repr__(self) -> str:
        if self.seed is None:
            return self._summary()
        return "\n\n".join([self._summary(), self.balance.to_string(), self.subgroups.to_string()])

    def _repr_html_(self) -> str:
        if self.seed is None:
            return f"<p>{self._summary()}</p>"
        return (f"<p>{self._summary()}</p>" + self.balance._repr_html_()
                + "<p>Sub-samples have wider margins: boys and girls in each sample drawn.</p>"
                + self.subgroups._repr_html_())


def _synthetic_cases(populations: Mapping[str, int], seed: int):
    """A synthetic case list with exactly ``populations[d]`` cases of each sample d: court and
    out-of-court cases of their own domain; a 2025 children's sample of any domain, kept as its
    ``case_type``; victims' cases as synthetic ids."""
    import pandas as pd

    from .synthetic import case_list

    size = 2 * sum(populations.values()) + 20
    while True:
        cases = case_list(size, rng=seed)
        counts = cases["domain"].value_counts()
        if all(counts.get(d, 0) >= n for d, n in populations.items() if d in ("court", "out_of_court")):
            break
        size *= 2
    parts = []
    for d, n in populations.items():
        if d in ("court", "out_of_court"):
            parts.append(cases[cases["domain"] == d].head(n))
        elif d == "victims":
            parts.append(pd.DataFrame({"case_id": [f"V-{i + 1:05d}" for i in range(n)], "domain": d}))
        else:
            pooled = case_list(n, rng=seed)
            parts.append(pooled.assign(case_type=pooled["domain"], domain=d))
    return pd.concat(parts, ignore_index=True)


def _draw_strata(sample: str) -> tuple[str, ...]:
    """What a sample of the plan is balanced on (as :func:`sampling.plan` balances it)."""
    from .selection import DEFAULT_STRATA

    return {"victims": ("domain",), "children": ("case_type", *DEFAULT_STRATA)}.get(sample, DEFAULT_STRATA)


def illustrative_draw(report, *, seed: int | None, populations=None, reserves: int = 3) -> Draw:
    """Draw each sample of ``report`` that its key questions are judged on from a synthetic case
    list of its population, balanced as :func:`sampling.plan` balances it: court and out-of-court
    samples on the four variables (:func:`sampling.select`), a 2025 children's sample on its case
    type too, a victims' sample at random.

    Parameters
    ----------
    seed : int or None
        A whole number from 0 (the same seed, the same draw); None draws nothing.
    populations : mapping, optional
        As :func:`finite_populations`.
    reserves : int
        Reserves per sample (fewer where the population has fewer cases left).

    Examples
    --------
    >>> draw = illustrative_draw(annexe_report("essex-2018"), seed=2018)
    >>> dict(draw.samples), dict(draw.populations), draw.balanced
    ({'court': 43, 'out_of_court': 28}, {'court': 57, 'out_of_court': 33}, True)
    """
    import pandas as pd

    from .selection import select
    from .size import subgroup_margins

    used = finite_populations(report, populations)
    judged = {report.framework.sample_of(kq.id) for kq in report.key_questions}
    wanted = {d: n for d, n in report.samples.items() if d in judged and d in used}
    used = {d: used[d] for d in wanted}
    if seed is None:
        return Draw(None, used, wanted, pd.DataFrame(), pd.DataFrame())
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SamplingError(f"seed must be a whole number from 0, got {seed!r}")
    cases = _synthetic_cases(used, seed)
    balance, groups, balanced = [], [], True
    for domain, n in wanted.items():
        part = cases[cases["domain"] == domain]
        chosen = select(part, n, strata=_draw_strata(domain), reserves=min(reserves, len(part) - n), rng=seed)
        balanced = balanced and chosen.balanced
        table = chosen.balance[["variable", "category", "population", "target", "sample"]]
        balance.append(table.assign(domain=_display(domain)))
        if "gender" in part.columns and part["gender"].notna().all():
            margins = subgroup_margins(chosen.sample["gender"], part["gender"])
            groups.append(margins.assign(domain=_display(domain)).reset_index())
    balance = pd.concat(balance, ignore_index=True).set_index(["domain", "variable", "category"])
    groups = pd.concat(groups, ignore_index=True).set_index(["domain", "subgroup"])
    return Draw(seed, used, wanted, balance.round(2), groups.round(4), balanced)


# --------------------------------------------------------------------------------------------
# the ratings


#: The inspectorate's own sentences for the youth frameworks' rules (methodology/rating-rules.md
#: gives each one's report: Calderdale 2022 and Nottingham City 2020, Annexe 2).
_BANDS_SENTENCE = ("To score an 'Outstanding' rating, 80 per cent or more of the cases we analyse have to be "
                   "assessed as sufficient. If between 65 per cent and 79 per cent are judged to be "
                   "sufficient, "
                   "then the rating is 'Good' and if between 50 per cent and 64 per cent are judged to be "
                   "sufficient, then a rating of 'Requires improvement' is applied. Finally, if less than 50 "
                   "per cent are sufficient, then we rate this as 'Inadequate'.")
_LOWEST_SENTENCE = ("The rating at the standard level is aligned to the lowest banding at the key question "
                    "level, recognising that each key question is an integral part of the standard. "
                    "Therefore, if we rate three key questions as 'Good' and one as 'Inadequate', the "
                    "overall rating for that standard is 'Inadequate'.")
_SCORE_SENTENCE = ("Each of the 12 standards are scored on a 0\u20133 scale in which 'Inadequate' = 0; "
                   "'Requires improvement' = 1; 'Good' = 2; and 'Outstanding' = 3. Adding these scores "
                   "produces a total score ranging from 0 to 36, which is banded to produce the overall "
                   "rating, as follows: 0\u20136 = Inadequate; 7\u201318 = Requires improvement; 19\u201330 "
                   "= Good; 31\u201336 = Outstanding.")
_QUALITATIVE_2021 = ("Domain one standards, the qualitative standard in domain three (standard 3.4) and the "
                     "resettlement standard (standard 4.1) are judged using predominantly qualitative "
                     "evidence.")
_RESETTLEMENT_SENTENCE = ("The resettlement standard is rated separately, and does not influence the overall "
                          "YOT rating. We apply a limiting judgement, whereby any YOT that receives an "
                          "'Inadequate' rating for the resettlement standard is unable to receive an overall "
                          "'Outstanding' rating, regardless of how they are rated against the core "
                          "standards. Where there are no relevant resettlement cases, we do not apply a "
                          "rating to resettlement work.")


def _article(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def rules_text(report) -> AnnexeText:
    """The rating rules in words, from the report's framework: the inspectorate's own sentences
    where the framework is the published youth one (Calderdale 2022 and Nottingham City 2020,
    Annexe 2), else stated from the framework file.

    >>> print(rules_text(annexe_report("calderdale-2022")).lines[1][:60])
    To score an 'Outstanding' rating, 80 per cent or more of the
    """
    framework = report.framework
    lowers = list(_lower_bounds(framework).items())
    youth_bands = tuple(framework.band_lower_bounds) == _YOUTH_BOUNDS
    lines = ["A key question's percentage is its 'yes' answers out of the cases in which it was relevant, "
             "printed as a whole number rounded half up (62.5 per cent prints as 63); the bands apply to the "
             "printed percentage."]
    if youth_bands:
        lines += [_BANDS_SENTENCE, _LOWEST_SENTENCE]
    else:
        bands = [f"{Rating.INADEQUATE.label} below {lowers[0][1]} per cent"]
        for (rating, low), upper in zip(lowers, [b for _, b in lowers[1:]] + [None], strict=True):
            bands.append(f"{rating.label} {low}\u2013{upper - 1} per cent" if upper
                         else f"{rating.label} {low} per cent and over")
        lines += ["Each key question is banded by its printed percentage: " + "; ".join(bands) + ".",
                  "A standard takes the band of its lowest key question."]
    youth = get_framework("youth-2021")  # the published framework whose sentences the reports print
    qualitative = [s.id for s in framework.standards if s.qualitative]
    if qualitative == [s.id for s in youth.standards if s.qualitative]:
        lines.append(_QUALITATIVE_2021)
    elif qualitative:
        lines.append((f"Standards {_join(qualitative)} are" if len(qualitative) > 1 else "Standard "
                                                                                         f"{qualitative[0]} "
                                                                                         "is")
                     + " judged using predominantly qualitative evidence.")
    score_youth = (framework.overall_method == "score" and tuple(framework.points) == tuple(youth.points)
                   and tuple(map(tuple, framework.score_bands)) == tuple(map(tuple, youth.score_bands))
                   and len(framework.scored_standards) == len(youth.scored_standards))
    if framework.overall_method == "areas":
        lines.append(f"Each area ({_join(framework.areas)}) takes the lowest rating of its rated standards, "
                     "and the overall rating is the lowest area's; no score is formed.")
    elif score_youth:
        lines.append(_SCORE_SENTENCE)
    elif framework.overall_method == "percent":
        lows = ", ".join(f"{rating.label} from {low} per cent" for rating, low in
                         zip(list(Rating)[1:], framework.percent_bounds, strict=True))
        lines.append(f"The overall rating comes from the score as a percentage of the highest possible "
                     f"({framework.max_score}): {lows}.")
    else:
        scores = "; ".join(f"{low}\u2013{high} = {rating.label}" for rating, (low, high)
                           in _score_bands(framework).items())
        lines.append(f"Each scored standard gives {framework.points[0]}\u2013{framework.points[-1]} points; "
                     f"the 0\u2013{framework.max_score} total is banded to produce the overall rating: "
                     f"{scores}.")
    resettlement = [j for j in framework.limiting if j.standard == "4.1"]
    if resettlement and score_youth and youth_bands:
        lines.append(_RESETTLEMENT_SENTENCE)
    else:
        for judgement in framework.limiting:
            lines.append(f"{_article(judgement.when.label).capitalize()} rating of {judgement.standard} "
                         f"({framework.standard(judgement.standard).name}) bars an overall rating above "
                         f"{judgement.cap.label}.")
    if framework.assumptions:
        count = len(framework.assumptions)
        lines.append(f"Where the inspectorate's public record is silent, the framework file "
                     f"({framework.name}) makes {count} assumption{'s' if count > 1 else ''}, listed in the "
                     "file and described in methodology/rating-rules.md.")
    return AnnexeText("The rating rules", tuple(lines), bullets=False)


_DENOMINATOR_WORDS = {"answers": "the answers", "stated": "stated in the report",
                      "sample": "the whole sample (the report does not say)",
                      "assumed": "assumed: the largest that prints the percentage",
                      "inferred": "inferred: the largest that prints the percentage"}


def standard_tables(inspection: Inspection) -> AnnexeBlocks:
    """Annexe 2's key-question tables, one per standard rated from key questions, as the reports
    print them: each key question's words and its percentage 'yes', under the standard's name
    and rating.

    >>> tables = standard_tables(prepare("calderdale-2022")).to_blocks()
    >>> tables[0]["title"], tables[0]["rows"][0][2:4]
    ('2.1 Assessment: Requires improvement', ['8 of 11', '73%'])
    """
    from .answers import key_question_wording

    report = inspection.report
    wording = key_question_wording(report.framework.path or report.framework.name)
    show_origin = any(kq.denominator != "answers" for kq in report.key_questions)
    tables = []
    for standard in report.standards:
        if standard.qualitative or not standard.key_questions:
            continue
        title = f"{standard.id} {report.framework.standard(standard.id).name}: {standard.rating.label}"
        if standard.rating != standard.rule_rating:
            title += f" ({standard.rule_rating.label} by the rules; raised by professional discretion)"
        columns = ("Number", "Key question", "Cases ('yes' of relevant)", "% 'Yes'")
        rows = []
        for kq in standard.key_questions:
            row = (kq.id, wording[kq.id], f"{kq.k} of {kq.n}", f"{kq.percent}%")
            origin = (_DENOMINATOR_WORDS.get(kq.denominator, kq.denominator),) if show_origin else ()
            rows.append(row + origin)
        extra = ("Relevant cases from",) if show_origin else ()
        tables.append(AnnexeTable(title, columns + extra, tuple(rows)))
    return AnnexeBlocks(tuple(tables))


def ratings_table(inspection: Inspection) -> AnnexeTable:
    """Every standard's rating in words: how it is rated and, for a published report, the published
    rating and why it differs from the rules'.

    >>> table = ratings_table(prepare("calderdale-2022"))
    >>> table.columns
    ('Standard', 'Name', 'Rating by the rules', 'Published rating', 'How it is rated')
    """
    report, table = inspection.report, inspection.table
    framework = report.framework
    rows = []
    by_id = {s.id: s for s in report.standards}
    for row in table.rows:
        standard = by_id[row.id]
        if standard.qualitative:
            how = ("from qualitative evidence, as the inspectors rated it" if inspection.unpublished
                   else "from qualitative evidence, as published")
        else:
            lowest = min(standard.key_questions, key=lambda q: q.percent)
            how = f"its lowest key question, {lowest.id}, at {lowest.percent}%"
        if not inspection.unpublished and row.reason and row.published_rating != row.rule_rating:
            how += f"; raised by professional discretion: {row.reason}"
        if inspection.unpublished:
            rows.append((row.id, row.name, row.rule_rating.label, how))
        else:
            rows.append((row.id, row.name, row.rule_rating.label, row.published_rating.label, how))
    for sid, name, reason in report.not_rated:
        rows.append((sid, name, "not rated", reason) if inspection.unpublished
                    else (sid, name, "not rated", "not rated", reason))
    del framework
    columns = (("Standard", "Name", "Rating", "How it is rated") if inspection.unpublished
               else ("Standard", "Name", "Rating by the rules", "Published rating", "How it is rated"))
    return AnnexeTable("Each standard's rating", columns, tuple(rows))


def key_question_table(report):
    """One row per key question: its wording, yes, relevant cases, printed %, band, and where its
    denominator came from ("answers", "stated", "sample", "assumed" or "inferred").

    >>> table = key_question_table(annexe_report("nottingham-city-2020"))
    >>> table.loc["2.4.3", ["yes", "relevant", "percent", "band", "denominator"]].astype(str).tolist()
    ['5', '11', '45', 'Inadequate', 'stated']
    """
    import pandas as pd

    from .answers import key_question_wording

    wording = key_question_wording(report.framework.path or report.framework.name)
    rows = [{"key_question": kq.id, "standard": s.id, "question": wording[kq.id], "yes": kq.k,
             "relevant": kq.n, "percent": kq.percent, "band": report.framework.band(kq.percent).label,
             "denominator": kq.denominator}
            for s in report.standards for kq in s.key_questions]
    return pd.DataFrame(rows).set_index("key_question")


def _position(score: int, framework) -> str:
    bands = _score_bands(framework)
    rating = next(r for r, (low, high) in bands.items() if low <= score <= high)
    low, high = bands[rating]
    if score == low:
        return f"the lowest score that is {rating.label} ({low}-{high})"
    if score == high:
        return f"the highest score that is {rating.label} ({low}-{high})"
    return f"{score - low} above the lowest and {high - score} below the highest {rating.label} score"


def _area_lines(report, ratings) -> list[str]:
    """Each area's rating (the lowest of its rated standards) and the standards not rated."""
    framework = report.framework
    lines = []
    for area in framework.areas:
        rated = [ratings[s.id] for s in framework.standards if s.area == area and s.id in ratings]
        why = [reason for sid, _, reason in report.not_rated if framework.standard(sid).area == area]
        lines.append(f"{area}: **{min(rated).label}**" if rated
                     else f"{area}: not rated" + (f" ({why[0]})" if why else ""))
    return lines


def score_summary(table) -> AnnexeText:
    """The score (or, for a framework rated by areas, each area's rating) and the overall rating,
    by the rules and as published (a :class:`RatingTable`)."""
    report, top = table.report, table.report.framework.max_score
    framework = report.framework
    unpublished = report.published == "unpublished"
    rules = {s.id: s.rule_rating for s in report.standards}
    if _scored(framework):
        where = _position(table.rule_score, framework)
        lines = [f"Score by the rules: **{table.rule_score}/{top}**, {where}."]
    else:
        lines = ["Areas by the rules: " + "; ".join(_area_lines(report, rules)) + "."]
    lines.append(f"Overall rating by the rules: **{table.rule_overall.label}**.")
    if unpublished:
        lines.append("Every quantitative standard is rated by the rules from the case answers; "
                     "qualitative standards as the inspectors rated them.")
    else:
        published = (f"Published: {table.published_score}/{top}, " if _scored(framework) else "Published: ")
        printed = ((f" (printed score {report.score}/{top})" if report.score is not None else
                    " (the report prints no score; the published ratings sum to it)") if _scored(framework)
                   else "")
        lines += [published + f"**{table.published_overall.label}**" + printed + ".",
                  "Every published rating follows from the rules or from a reason the report states: "
                  + ("yes." if table.reproduced else "NO: see the standards whose rating differs.")]
    if report.not_rated:
        lines.append("Not rated: " + "; ".join(f"{name} ({reason})" for _, name, reason in report.not_rated)
                     + ".")
    title = "Score and overall rating" if _scored(framework) else "Areas and overall rating"
    return AnnexeText(title, tuple(lines))


def certainty_table(report, populations: Mapping[str, int] | None = None):
    """Per standard rated from key questions: the rules' rating, P(each band) under process
    uncertainty, P(that same rating) under process and finite uncertainty, and the cases that
    must change for the band above and below (:func:`sampling.cases_to_boundary`).

    >>> import pandas as pd
    >>> table = certainty_table(annexe_report("calderdale-2022"))
    >>> row = table.loc["2.3"]
    >>> row.rating, int(row.cases_up), row.cases_down is pd.NA   # Inadequate: no band below
    ('Inadequate', 1, True)
    """
    import pandas as pd

    from .uncertainty import cases_to_boundary

    process, finite = (dist.standards for dist in _distributions(report, populations))
    rows = []
    for standard in report.standards:
        if standard.qualitative:
            continue
        rating = standard.rule_rating.label
        reach = cases_to_boundary(standard)
        rows.append({"standard": standard.id, "rating": rating,
                     **{f"P({label})": float(process.loc[standard.id, label]) for label in _LABELS},
                     "p_rating_process": float(process.loc[standard.id, rating]),
                     "p_rating_finite": float(finite.loc[standard.id, rating]),
                     "cases_up": reach.up, "cases_down": reach.down})
    return pd.DataFrame(rows).set_index("standard").astype({"cases_up": "Int64", "cases_down": "Int64"})


# --------------------------------------------------------------------------------------------
# how sure is each rating, in words


def _chance(p: float) -> str:
    """A probability as a reader's percentage: "21%", "<1%", ">99%", "0%" and "100%" only when exact."""
    if p <= 0:
        return "0%"
    if p >= 1:
        return "100%"
    if p < 0.005:
        return "<1%"
    if p > 0.995:
        return ">99%"
    return f"{100 * p:.0f}%"


def _judgements(count) -> str:
    return "1 judgement" if count == 1 else f"{count} judgements"


def band_chances(inspection: Inspection) -> AnnexeTable:
    """Per standard rated from key questions: its rating by the rules and the chance of each band
    if the service's practice were known, as percentages.

    >>> band_chances(prepare("calderdale-2022")).rows[2]
    ('2.3', 'Inadequate', '79%', '20%', '1%', '<1%')
    """
    frame = certainty_table(inspection.report, inspection.given)
    rows = tuple((sid, row.rating, *(_chance(float(row[f"P({label})"])) for label in _LABELS))
                 for sid, row in frame.iterrows())
    return AnnexeTable("The chance of each band if the service's practice were known",
                       ("Standard", "Rating by the rules", *_LABELS), rows)


def certainty_words(inspection: Inspection) -> AnnexeTable:
    """Per standard rated from key questions, in words: its rating by the rules, the chance of that
    rating if the service's practice were known and if every eligible case were inspected, and the
    judgements that must change to move it a band.

    >>> table = certainty_words(prepare("calderdale-2022"))
    >>> table.rows[2][0], table.rows[2][-1]
    ('2.3', 'none: already the lowest band')
    """
    import pandas as pd

    frame = certainty_table(inspection.report, inspection.given)
    rows = []
    for sid, row in frame.iterrows():
        up, down = row.cases_up, row.cases_down
        rows.append((sid, row.rating, _chance(float(row.p_rating_process)),
                     _chance(float(row.p_rating_finite)),
                     "none: already the highest band" if pd.isna(up) else _judgements(int(up)),
                     "none: already the lowest band" if pd.isna(down) else _judgements(int(down))))
    return AnnexeTable("How sure is each standard's rating",
                       ("Standard", "Rating by the rules", "Chance of this rating if practice were known",
                        "Chance of this rating if every eligible case were inspected",
                        "Judgements to change for the band above", "Judgements to change for the band below"),
                       tuple(rows))


def certainty_section(inspection: Inspection) -> AnnexeBlocks:
    """How sure each standard's rating is: :func:`certainty_words`, then :func:`band_chances`."""
    return AnnexeBlocks((certainty_words(inspection), band_chances(inspection)))


def _new_axes(size):
    """Axes of a new figure drawn without pyplot (whose import, and the kernel's inline backend,
    the annexe does not need: its figures are rendered once, to PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    FigureCanvasAgg(figure)  # its layout measures text with the Agg renderer, without drawing to a file
    return figure.subplots()


def ladder_figure(inspection: Inspection) -> AnnexeFigure:
    """Each key question's printed percentage and its interval over the coloured bands, titled in
    words (:func:`sampling.plots.band_ladder`)."""
    from .plots import band_ladder

    rows = sum(len(s.key_questions) for s in inspection.report.standards)
    fig = band_ladder(inspection.report, ax=_new_axes((8, 0.32 * rows + 1.5)))  # band_ladder's own size
    fig.axes[0].set_title("Each key question: its printed percentage (dot) and 80% interval (line)",
                          fontsize=10)
    return AnnexeFigure.of(fig, "each key question's percentage and its interval over the bands")


def score_figure(inspection: Inspection) -> AnnexeFigure:
    """The score's exact distribution if practice were known (:func:`sampling.plots.score_distribution`),
    titled in words: "this inspection" where it is not yet published."""
    from .plots import score_distribution

    process = inspection.process
    fig = score_distribution(process, ax=_new_axes((8, 3.2)))  # score_distribution's own size
    rating = inspection.table.published_overall.label
    what = "score" if _scored(inspection.report.framework) else "overall rating"
    fig.axes[0].set_title(f"The {what}'s distribution if practice were known: chance of {rating} "
                          f"{_chance(float(process.overall[rating]))}", fontsize=10)
    return AnnexeFigure.of(fig, f"the {what}'s distribution")


#: The correlation of the shared case quality the annexe's simulation uses: the value
#: methodology/professional-discretion.md compares the rules at.
CASE_CORRELATION = 0.5
#: Simulated inspections per simulation in the annexe (a seed fixes them).
SIMULATED = 20_000


def overall_words(inspection: Inspection) -> AnnexeBlocks:
    """The overall rating's chances: exact, standards treated as independent (both views), the one
    sentence on what independence leaves out, and beside it simulated inspections with and without
    the key questions of a case sharing its quality (:func:`sampling.simulate`, ``case_correlation``)."""
    from .discretion import simulate

    report = inspection.report
    rows = []
    for label, dist in (("If the service's practice were known", inspection.process),
                        ("If every eligible case were inspected", inspection.finite)):
        rows.append((label, *(_chance(float(dist.overall[r])) for r in _LABELS)))
    exact = AnnexeTable("The chance of each overall rating, standards taken as independent",
                        ("View", *_LABELS), tuple(rows))
    scored = _scored(report.framework)
    total = f"the 0\u2013{report.framework.max_score} total" if scored else "the areas' ratings"
    words = AnnexeText("", (
        f"These chances convolve the standards as if they were independent. A domain's standards are "
        f"judged on the same cases, so their ratings tend to move together and the spread of {total} is "
        "wider than shown: the chance of the rating above or below is understated. Inside a standard the "
        "same assumption errs the other way: key questions that move together are less likely than "
        "independent ones to put one of them in a lower band, so the lowest-band rule's risk is, if "
        "anything, overstated.",), bullets=False)
    if not scored:
        note = AnnexeText("", ("The toolkit's simulation of inspections forms the overall rating from a "
                               "score, which this framework does not have; it is not run here.",),
                          bullets=False)
        return AnnexeBlocks((exact, words, note))
    try:
        result = simulate(report, case_correlation=CASE_CORRELATION, reps=SIMULATED, rng=2024)
        column = result.overall["without rule"]
        simulated = [(f"A case's key questions correlated ({CASE_CORRELATION:g})",
                      *(_chance(float(column[r])) for r in _LABELS))]
    except SamplingError as error:
        note = AnnexeText("", (f"Simulated inspections are not run for this framework: {error}.",),
                          bullets=False)
        return AnnexeBlocks((exact, words, note))
    if inspection.judgement_error:
        error = inspection.judgement_error
        judged = simulate(report, case_correlation=CASE_CORRELATION, judgement_error=error, reps=SIMULATED,
                          rng=2025).overall["without rule"]
        simulated.append((f"And each judgement wrong with probability {inspection.judgement_error:.3f} "
                          "(measured by double-marking)", *(_chance(float(judged[r])) for r in _LABELS)))
    sim = AnnexeTable(f"Simulated inspections: the chance of each overall rating ({SIMULATED:,} inspections)",
                      ("Simulation", *_LABELS), tuple(simulated),
                      "Each simulated inspection draws its cases afresh with the printed proportions as the "
                      "service's true rates, and the key questions of one case share its quality (a Gaussian "
                      "copula with correlation 0.5, as methodology/professional-discretion.md describes). "
                      "Each standard's cases are still drawn apart, so the simulation shows what sharing "
                      "inside a standard does, not the sharing between a domain's standards.")
    if inspection.judgement_error:
        said = AnnexeText("", (
            "The last row uses the judgement error measured for this inspection by double-marking "
            f"({inspection.judgement_error:.3f}: the chance that a reader's yes or no is wrong, as the "
            "agreement between two readers implies if they err independently, and so a lower bound if they "
            "share mistakes).",), bullets=False)
        return AnnexeBlocks((exact, words, sim, said))
    return AnnexeBlocks((exact, words, sim))


def overall_table(process, finite):
    """P(each overall rating) under both kinds of uncertainty (two :class:`RatingDistribution`)."""
    import pandas as pd

    rows = []
    for dist in (process, finite):
        pops = ", ".join(f"{_display(k)} {v}" for k, v in (dist.populations or {}).items())
        rows.append({"uncertainty": dist.mode, **{label: float(dist.overall[label]) for label in _LABELS},
                     "populations": pops or "(underlying practice)"})
    return pd.DataFrame(rows).set_index("uncertainty")


def discretion_assessment(report):
    """:func:`sampling.assess_discretion` of the report, or None where its framework bands key
    questions other than at 50, 65 and 80 % (the candidate rules are written for those bands).

    Parameters
    ----------
    report : Report
        The report (:func:`annexe_report`).

    Returns
    -------
    DiscretionAssessment or None
        None where the framework's bands are not the youth bands.

    Examples
    --------
    >>> discretion_assessment(annexe_report("calderdale-2022")).applied[0].id
    '2.3'
    """
    from .discretion import assess_discretion

    if tuple(report.framework.band_lower_bounds) != _YOUTH_BOUNDS:
        return None
    return assess_discretion(report)


def discretion_table(assessment):
    """The assessment's table, rounded to three places; empty without one.

    Parameters
    ----------
    assessment : DiscretionAssessment or None
        From :func:`discretion_assessment`.

    Returns
    -------
    pandas.DataFrame
        ``assessment.to_frame()`` rounded, or an empty frame for None.

    Examples
    --------
    >>> discretion_table(None).empty
    True
    """
    import pandas as pd

    return pd.DataFrame() if assessment is None else assessment.to_frame().round(3)


def rule_words(name: str) -> str:
    """A candidate discretion rule's name in words.

    >>> rule_words("within_points(5)"), rule_words("cases(1)")
    ('within 5 points of the boundary', 'within 1 changed judgement of the band above')
    """
    found = re.fullmatch(r"(\w+)\((.*)\)", name)
    kind, value = (found.group(1), found.group(2)) if found else (name, "")
    if kind == "strict":
        return "never (the rules alone)"
    if kind == "within_points":
        return f"within {value} points of the boundary"
    if kind == "cases":
        return f"within {_judgements(int(value)).replace('judgement', 'changed judgement')} of the band above"
    if kind == "interval":
        return f"the band above inside the {float(value):.0%} interval"
    if kind == "posterior":
        return f"a chance of at least {float(value):g} that the true band is higher"
    from .rules import parse

    return parse(name).description


def discretion_text(report, assessment) -> AnnexeText:
    """The report's own reasons for each discretion decision, then, per standard within reach of
    the band above under a candidate rule, the facts in words."""
    unpublished = report.published == "unpublished"
    lines = [f"{s.id} ({s.name}): the report's reason: \u201c{s.discretion}\u201d"
             for s in report.standards if s.discretion]
    if assessment is None:
        bounds = ", ".join(map(str, report.framework.band_lower_bounds))
        youth = ", ".join(map(str, _YOUTH_BOUNDS))
        lines.append(f"The candidate discretion rules are written for the youth bands ({youth} per cent); "
                     f"{report.framework.name} bands key questions from {bounds} per cent, so they are not "
                     "assessed here.")
        return AnnexeText("", tuple(lines))
    if unpublished:
        lines.append("No discretion was used: every rating of this inspection is the rules' (qualitative "
                     "standards as the inspectors rated them). The standards a candidate rule would make "
                     "eligible to be raised:")
    reached = 0
    for row in assessment.rows:
        rules = [rule_words(rule) for rule in assessment.rules if row.eligible[rule]]
        if not rules and row.published_rating == row.rule_rating:
            continue
        reached += 1
        distance = (f"{_judgements(row.cases_to_next)} from the band above, a {_chance(row.p_higher)} chance "
                    "that its true band is higher")
        if row.published_rating != row.rule_rating:
            line = (f"{row.id}: raised by discretion from {row.rule_rating.label} to "
                    f"{row.published_rating.label} "
                    f"({distance}); eligible under " + (_join(rules) if rules else "no candidate rule"))
            if row.cited_rule:
                line += f"; the report's reason is the rule {rule_words(row.cited_rule)}"
            lines.append(line + ".")
        else:
            lines.append(f"{row.id}: {row.rule_rating.label} as the rules give ({distance}); eligible under "
                         f"{_join(rules)}" + ("." if unpublished else "; not raised."))
    lines += _what_if_lines(report, assessment)
    if not reached:
        lines.append("No standard was within reach of the band above under any candidate rule"
                     + ("." if unpublished else ", and no discretion was used."))
    return AnnexeText("", tuple(lines))


def discretion_words(assessment) -> AnnexeTable | None:
    """The assessment as a table in words (None without one): per standard, its ratings, the
    judgements to the band above, the chance its true band is higher, and the candidate rules
    under which it would be eligible to be raised (named in words, or "none")."""
    if assessment is None:
        return None
    rows = []
    for row in assessment.rows:
        rules = [rule_words(rule) for rule in assessment.rules if row.eligible[rule]]
        rows.append((row.id, row.rule_rating.label, row.published_rating.label,
                     _judgements(row.cases_to_next) if row.cases_to_next is not None
                     else "none: the highest band",
                     _chance(row.p_higher), "; ".join(rules) if rules else "none"))
    return AnnexeTable("Each standard against the candidate discretion rules",
                       ("Standard", "Rating by the rules", "Rating given", "Judgements to the band above",
                        "Chance the true band is higher", "Eligible to be raised under"),
                       tuple(rows))


def _what_if_lines(report, assessment) -> list[str]:
    """The score (or overall rating) if each candidate rule raised every standard it makes eligible."""
    rows = {row.id: row for row in assessment.rows}
    if not rows:
        return []
    outcomes = []
    for rule in assessment.rules:
        ratings = {s.id: s.rating for s in report.standards}
        ratings.update({sid: Rating(int(row.rule_rating) + int(row.eligible[rule]))
                        for sid, row in rows.items()})
        overall = _overall_of(report, ratings).label
        outcomes.append(f"{rule_words(rule)}, {_score_of(report, ratings)} ({overall})"
                        if _scored(report.framework) else f"{rule_words(rule)}, {overall}")
    what = "the score" if _scored(report.framework) else "the overall rating"
    return [f"Had each candidate rule raised every standard it makes eligible, and no other, {what} "
            "would be: " + "; ".join(outcomes) + "."]


# --------------------------------------------------------------------------------------------
# what to notice


def _unrounded_band(k: int, n: int, framework) -> Rating:
    """The band of the share k / n itself, not of its printed percentage (integer arithmetic)."""
    result = Rating.INADEQUATE
    for rating, lower in _lower_bounds(framework).items():
        if 100 * k >= lower * n:
            result = rating
    return result


def _rounding_facts(report) -> list[str]:
    framework = report.framework
    lines, unrounded, changed = [], {}, False
    for standard in report.standards:
        if standard.qualitative:
            unrounded[standard.id] = standard.rating
            continue
        unrounded[standard.id] = min(_unrounded_band(kq.k, kq.n, framework) for kq in standard.key_questions)
        for kq in standard.key_questions:
            share = _unrounded_band(kq.k, kq.n, framework)
            if share < framework.band(kq.percent):
                changed = True
                lines.append(f"{kq.id}: {kq.k} of {kq.n} is {100 * kq.k / kq.n:.2f} %, printed {kq.percent} "
                             f"% and so {framework.band(kq.percent).label}; the unrounded share is "
                             f"{share.label}. The bands apply to the printed percentage.")
            if round(100 * kq.k / kq.n) != kq.percent:
                lines.append(f"{kq.id}: {kq.k} of {kq.n} is exactly {100 * kq.k / kq.n:.1f} %, printed "
                             f"{kq.percent} % (half up); Python's round() would print "
                             f"{round(100 * kq.k / kq.n)} %.")
    if changed:
        rules = {s.id: s.rule_rating for s in report.standards}
        if _scored(framework):
            before = f"{_score_of(report, rules)} ({_overall_of(report, rules).label})"
            after = f"{_score_of(report, unrounded)} ({_overall_of(report, unrounded).label})"
        else:
            before, after = _overall_of(report, rules).label, _overall_of(report, unrounded).label
        what = "score" if _scored(framework) else "overall rating"
        if before != after:
            lines.append(f"Had the bands applied to unrounded shares, the {what} would be {after} rather "
                         f"than {before}.")
        else:
            lines.append(f"Had the bands applied to unrounded shares, the {what} would still be {before}.")
    return lines


def _denominator_facts(report) -> list[str]:
    from .reports import feasible_denominators

    lines, fewer = [], []
    for kq in report.key_questions:
        sample_name = report.framework.sample_of(kq.id)
        sample = report.samples.get(sample_name)
        if kq.denominator == "answers":
            if sample and kq.n < sample:
                fewer.append(f"{kq.id} ({kq.n} of {sample})")
            continue
        if kq.denominator == "sample" or sample is None:
            continue
        feasible = feasible_denominators(kq.percent, sample)
        whole = (f"{kq.percent} % cannot come from the {_display(sample_name)} sample of {sample}"
                 if sample not in feasible else f"the {_display(sample_name)} sample is {sample}")
        origin = {"stated": "the report states the denominator",
                  "assumed": "the file assumes the largest denominator that prints it (an analyst's "
                             "assumption, not the report's figure)",
                  "inferred": "the toolkit inferred the largest denominator that prints it"}[kq.denominator]
        lines.append(f"{kq.id}: {kq.k} of {kq.n}; {whole} (denominators up to {sample} that print "
                     f"{kq.percent} %: {', '.join(map(str, feasible))}); {origin}.")
    if fewer:
        lines.append("Key questions judged on fewer cases than their sample (the rest not relevant): "
                     + ", ".join(fewer) + ".")
    return lines


def _sample_facts(report, populations) -> list[str]:
    table = sample_table(report, populations)
    rated = {_display(report.framework.sample_of(kq.id)) for kq in report.key_questions}
    lines = []
    for name, row in table[table.index.isin(rated)].iterrows():
        lines.append(f"One case of the {name} sample of {row.n} moves a key question by "
                     f"{row.points_per_case:.1f} percentage points (more where fewer cases are relevant).")
        if row.census:
            lines.append(f"The {name} sample of {row.n} is the whole eligible population "
                         f"({row.population_from}): there is no finite uncertainty about those cases, "
                         "only process uncertainty about the service's practice.")
    return lines


def _discretion_margin_facts(report, populations) -> list[str]:
    from .size import margin_of_error
    from .uncertainty import interval

    used = finite_populations(report, populations)
    lines = []
    for standard in report.standards:
        if standard.qualitative or standard.rating <= standard.rule_rating:
            continue
        kq = min(standard.key_questions, key=lambda q: q.percent)
        sample_name = report.framework.sample_of(kq.id)
        found = interval(kq.k, kq.n)
        n, big_n = report.samples[sample_name], used[sample_name]
        design = (f"the whole {_display(sample_name)} sample's design margin at {big_n} eligible cases is "
                  f"\u00b1{100 * margin_of_error(n, big_n):.1f} points" if n < big_n else
                  f"the {_display(sample_name)} sample is a census of the {big_n} eligible cases it implies")
        lines.append(f"{standard.id} was raised from {standard.rule_rating.label} to "
                     f"{standard.rating.label}. Its lowest key question, {kq.id} ({kq.k} of {kq.n}), has "
                     f"a {found.method.capitalize()} interval at {found.confidence:.0%} confidence"
                     f"{' on average' if found.method == 'wilson' else ''} from "
                     f"{100 * found.low:.1f} to {100 * found.high:.1f} %, "
                     f"{100 * (found.high - found.low):.1f} points wide, for the service's practice; "
                     f"{design}.")
    return lines


def notable_facts(report, populations: Mapping[str, int] | None = None) -> AnnexeText:
    """What is particular to this report or inspection, found from its figures: where rounding
    decides a band, denominators that are not the sample, what one case is worth, census samples,
    where the score sits in its band, and discretion decisions against the margins.

    >>> facts = notable_facts(annexe_report("cambridgeshire-2023"))
    >>> print(facts.lines[0])  # doctest: +ELLIPSIS
    2.1.2: 11 of 17 is 64.71 %, printed 65 % and so Good; the unrounded share is Requires improvement. ...
    """
    table = _rated(report)
    lines = _rounding_facts(report) + _denominator_facts(report) + _sample_facts(report, populations)
    if _scored(report.framework):
        lines.append(f"The score by the rules, {table.rule_score}, is "
                     f"{_position(table.rule_score, report.framework)}.")
    else:
        rules = {s.id: s.rule_rating for s in report.standards}
        lines.append(f"The overall rating by the rules, {table.rule_overall.label}, is the lowest of the "
                     "areas' "
                     "ratings: " + "; ".join(x.replace("**", "") for x in _area_lines(report, rules)) + ".")
    lines += _discretion_margin_facts(report, populations)
    return AnnexeText("", tuple(lines))


def conclusion(report, populations: Mapping[str, int] | None = None) -> AnnexeText:
    """The annexe's conclusion, in figures: the rating, how likely the rules would give it with
    full knowledge, the standards one case from another band, and what discretion changed."""
    from .uncertainty import cases_to_boundary

    table = _rated(report)
    rated = table.published_overall
    process, finite = _distributions(report, populations)
    if _scored(report.framework):
        headline = (f"**{rated.label}**, score {table.published_score}/{report.framework.max_score}"
                    + ("" if table.rule_score == table.published_score
                       else f" ({table.rule_score} by the rules)")
                    + ".")
    else:
        published = {s.id: s.rating for s in report.standards}
        headline = (f"**{rated.label}** overall: "
                    + "; ".join(x.replace("**", "") for x in _area_lines(report, published)) + ".")
    lines = [headline,
             f"The probability that the rules would give {rated.label} if the service's underlying practice "
             f"were known is {float(process.overall[rated.label]):.2f} (process uncertainty); if every "
             f"eligible case were inspected, {float(finite.overall[rated.label]):.2f} (finite uncertainty).",
             ]
    near = []
    for standard in report.standards:
        reach = None if standard.qualitative else cases_to_boundary(standard)
        moves = [word for word, count in (("up", reach and reach.up), ("down", reach and reach.down))
                 if count == 1]
        if moves:
            near.append(f"{standard.id} ({' or '.join(moves)})")
    if near:
        lines.append("One changed judgement would move the band of: " + ", ".join(near) + ".")
    assessment = _memo("discretion", report, None, lambda: discretion_assessment(report))
    applied = () if assessment is None else assessment.applied
    if applied:
        changed = "changes" if table.rule_overall is not table.published_overall else "does not change"
        lines.append(f"Professional discretion raised {', '.join(r.id for r in applied)}; it {changed} the "
                     f"overall rating ({table.rule_overall.label} by the rules).")
    return AnnexeText("", tuple(lines), bullets=False)


# --------------------------------------------------------------------------------------------
# executing the template


def _notebook_tools():
    try:
        import sys

        # nbformat validates notebooks with jsonschema, whose format checkers import an IRI grammar
        # (rfc3987_syntax, where installed) that takes 1-2 s to build and that no notebook needs:
        # it is kept out while nbformat is first imported, then importable again as before
        blocked = "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules
        if blocked:
            sys.modules["rfc3987_syntax"] = None  # an import of it raises ImportError, which jsonschema skips
        try:
            import nbformat
            from nbclient import NotebookClient
        finally:
            if blocked and sys.modules.get("rfc3987_syntax", 0) is None:
                del sys.modules["rfc3987_syntax"]
    except ImportError:
        raise SamplingError("the annexe needs nbformat, nbclient and ipykernel: "
                            "pip install 'inspection-sampling[annexe]'") from None
    return nbformat, NotebookClient


def _sections(notebook) -> list[str | None]:
    """Each cell's section: the last level-2 Markdown heading above it (the first cells: the
    inspection's figures)."""
    current, sections = "the inspection's figures", []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    current = line[3:].strip()
        sections.append(current)
    return sections


class _Progress:
    """One line per section on a stream: "annexe: Annexe 1: Methodology… done"."""

    def __init__(self, write, sections):
        self.write, self.sections, self.current = write, sections, None

    def start(self, name: str) -> None:
        self.finish()
        self.current = name
        self.write(f"annexe: {name}\u2026 ")

    def finish(self, word: str = "done") -> None:
        if self.current is not None:
            self.write(f"{word}\n")
            self.current = None

    def on_cell_start(self, cell=None, cell_index=None, **_):
        name = self.sections[cell_index]
        if name != self.current:
            self.start(name)


def _with_parameters(nbformat, template, parameters: Mapping[str, object]):
    """The template (or another notebook) with a cell tagged ``injected-parameters`` after its
    cell tagged ``parameters``, holding ``parameters``."""
    path = Path(template) if template is not None else template_path()
    notebook = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    if not tagged:
        raise SamplingError(f"{path.name}: no cell tagged 'parameters'; the template needs one")
    index = tagged[0]
    injected = copy.deepcopy(notebook.cells[index])
    injected.metadata["tags"] = ["injected-parameters"]
    injected["id"] = "injected-parameters"
    injected.source = _parameter_lines(parameters)
    injected.outputs, injected.execution_count = [], None
    notebook.cells.insert(index + 1, injected)
    return notebook


def _parameter_lines(parameters: Mapping[str, object]) -> str:
    lines = ["# Parameters injected for this run"]
    lines += [f"{name} = {value!r}" for name, value in parameters.items()]
    return "\n".join(lines) + "\n"


def execute_annexe(source, *, service: str | None = None, populations: Mapping[str, int] | None = None,
                   draw_seed: int | None = None, timeout: int = 600, template=None, progress=None,
                   check=None, judgement_error: float | None = None):
    """The annexe template executed for ``source``, as an nbformat notebook.

    The template's cell tagged ``parameters`` is followed by a copy of it tagged
    ``injected-parameters`` holding this run's values (papermill's convention), and the notebook
    is executed with nbclient in a kernel of the current Python environment.

    Parameters
    ----------
    source : str or Path
        A bundled report id, a report .toml file or an answers workbook (.xlsx). Paths are made
        absolute.
    service : str, optional
        The service's name (answers workbooks).
    populations : mapping, optional
        Eligible cases per sample for the finite analyses (default: implied by the samples).
    draw_seed : int, optional
        Seed of the illustrative synthetic draw; None (default) draws nothing.
    judgement_error : float, optional
        The judgement error measured by double-marking, simulated beside the exact chances.
    timeout : int, default 600
        Seconds each cell may run before nbclient stops it.
    template : str or Path, optional
        Another notebook to execute in place of the bundled template (:func:`template_path`);
        it needs a cell tagged ``parameters``.
    progress : callable(str), optional
        Called with the text of one line per section ("annexe: Annexe 1: Methodology… done"), in
        pieces as the section starts and ends (``sys.stderr.write``); None says nothing.
    check : callable(), optional
        Called once the kernel is starting and before any cell runs, so that checking the
        inputs overlaps the kernel's start; what it raises stops the kernel and is raised.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, the injected cell after the ``parameters`` cell.

    Raises
    ------
    SamplingError
        If nbformat, nbclient or ipykernel is not installed (the ``annexe`` extra),
        or the template has no cell tagged ``parameters``.
    nbclient.exceptions.CellExecutionError
        When a cell of the notebook raises (the error is the cell's).

    Examples
    --------
    The bundled template takes a while to run; a two-cell template shows what is injected:

    >>> import tempfile
    >>> from pathlib import Path
    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> folder = Path(tempfile.mkdtemp())
    >>> nbformat.write(new_notebook(cells=[
    ...     new_code_cell("source = None", metadata={"tags": ["parameters"]}),
    ...     new_code_cell("print(source)")]), folder / "tiny.ipynb")
    >>> done = execute_annexe("calderdale-2022", template=folder / "tiny.ipynb", timeout=60)
    >>> print(done.cells[1].source)
    # Parameters injected for this run
    source = 'calderdale-2022'
    service = None
    populations = None
    draw_seed = None
    judgement_error = None
    <BLANKLINE>
    >>> print(done.cells[2].outputs[0]["text"].strip())
    calderdale-2022
    """
    try:
        from jupyter_client.manager import AsyncKernelManager  # what nbclient starts its kernels with
        from jupyter_core.utils import run_sync
        from traitlets.config import Config
    except ImportError:
        raise SamplingError("the annexe needs nbformat, nbclient and ipykernel: "
                            "pip install 'inspection-sampling[annexe]'") from None
    config = Config()
    # the kernel talks over local IPC sockets (files readable by this user only), not TCP on the
    # loopback: nothing to eavesdrop, and so no warning from ipykernel about encryption
    config.KernelManager.transport = "ipc"
    # no IPython history: nothing written to the user's ~/.ipython, and a faster start
    # and the heavy libraries imported as the kernel starts, while this process reads the template
    # and checks the inputs (two cores: the two overlap), rather than in the first cells
    arguments = ["--HistoryManager.enabled=False",
                 "--IPKernelApp.exec_lines=['import pandas, scipy.special, matplotlib.figure, "
                 "matplotlib.backends.backend_agg, sampling.annexe']"]
    steps = None
    with tempfile.TemporaryDirectory(prefix="sampling-annexe-") as folder:
        # the kernel is started first, so that it imports while the notebook is read and the inputs
        # checked; nbclient runs the cells in it and stops it at once after the last
        manager = AsyncKernelManager(kernel_name="python3", config=config)
        manager.connection_file = str(Path(folder) / "kernel.json")  # its IPC sockets beside it
        run_sync(manager.start_kernel)(cwd=folder, extra_arguments=arguments)
        try:
            nbformat, client = _notebook_tools()
            notebook = _with_parameters(nbformat, template, {
                "source": str(Path(source).resolve()) if str(source).lower().endswith((".toml", ".xlsx"))
                else str(source), "service": service,
                "populations": dict(populations) if populations else None, "draw_seed": draw_seed,
                "judgement_error": judgement_error})
            hooks = {}
            if progress is not None:
                steps = _Progress(progress, _sections(notebook))
                hooks["on_cell_start"] = steps.on_cell_start
            runner = client(notebook, timeout=timeout, kernel_name="python3", config=config,
                            shutdown_kernel="immediate", resources={"metadata": {"path": folder}},
                            extra_arguments=arguments, **hooks)
            runner.km = manager  # nbclient owns it from here: it stops the kernel when done
            if check is not None:
                check()  # a problem with the inputs is said before any progress line
            if steps is not None:
                steps.start("starting the kernel")
            runner.execute()
        except BaseException:
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)
            if steps is not None:
                steps.finish("failed")
            raise
        if steps is not None:
            steps.finish()
    return notebook


#: The page's styles, on screen and on A4 paper: tables the width of the page and never cut,
#: rows kept whole across pages, figures no wider than the page.
PRINT_CSS = """<style>
body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; color: #111;
  max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 1.6em; } h3 { font-size: 1.1em; }
table.annexe { border-collapse: collapse; width: 100%; margin: 0.3em 0 1em; font-size: 0.85em; }
table.annexe th, table.annexe td { border: 1px solid #bbb; padding: 3px 5px; text-align: left;
  vertical-align: top; overflow-wrap: break-word; hyphens: auto; }
table.annexe thead th { background: #eee; }
p.annexe-caption { margin: 1em 0 0.2em; }
p.annexe-note { font-size: 0.8em; color: #444; }
figure { margin: 0.5em 0; } img { max-width: 100%; height: auto; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10pt; max-width: none; margin: 0; padding: 0; }
  table, table.annexe { width: 100% !important; font-size: 8pt; }
  thead { display: table-header-group; }
  tr, td, th, figure, img { page-break-inside: avoid; break-inside: avoid; }
  h1, h2, h3, p.annexe-caption { page-break-after: avoid; break-after: avoid; }
}
</style>
"""


def annexe_title(report) -> str:
    """The document's title: the service's name and "methodology annexe"."""
    return f"{report.service} methodology annexe"


def _notebook_title(notebook) -> str:
    return str(notebook.metadata.get("title") or "Methodology annexe")


def annexe_html(notebook, *, title: str | None = None) -> str:
    """An executed annexe notebook as one self-contained HTML page without its code.

    Made from the notebook's outputs (:func:`annexe_blocks`, as the Word document is): the
    template's headings and paragraphs, every section's text and tables, and the figures as
    embedded base64 PNG images; nothing is loaded from the web. The ``<title>`` is ``title``
    (default the notebook's ``title`` metadata, which :func:`write_annexe` sets to the service's
    name and "methodology annexe"); every string is escaped. The styles (:data:`PRINT_CSS`) lay
    it out on A4 when printed.
    """
    name = title if title is not None else _notebook_title(notebook)
    body = _blocks_html(annexe_blocks(notebook))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta name=\"generator\" content=\"inspection-sampling\">\n<title>{html.escape(name)}</title>\n"
            f"{PRINT_CSS}</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def _markdown_blocks(source: str) -> list[dict]:
    """The Markdown of the template's own cells as blocks: headings, paragraphs and bullets (the
    subset the template uses; its text is the template's, never a user's)."""
    blocks, paragraph, bullets = [], [], []

    def flush():
        if paragraph:
            blocks.append({"kind": "paragraph", "text": " ".join(paragraph)})
            paragraph.clear()
        if bullets:
            blocks.append({"kind": "bullets", "items": list(bullets)})
            bullets.clear()

    for line in source.splitlines():
        text = line.strip()
        found = re.match(r"(#{1,6})\s+(.*)", text)
        if found:
            flush()
            blocks.append({"kind": "heading", "level": len(found.group(1)), "text": found.group(2).strip()})
        elif not text:
            flush()
        elif text.startswith(("- ", "* ")):
            if paragraph:
                flush()
            bullets.append(text[2:])
        elif bullets:
            bullets[-1] += " " + text
        else:
            paragraph.append(text)
    flush()
    return [_markdown_emphasis(block) for block in blocks]


def _markdown_emphasis(block: dict) -> dict:
    """Single ``*emphasis*`` and code quotes of the template's Markdown as plain text."""
    def plain(text):
        return re.sub(r"(?<!\*)\*(?!\*)([^*]+)\*(?!\*)", r"\1", text).replace("`", "")

    if "text" in block:
        return {**block, "text": plain(block["text"])}
    if "items" in block:
        return {**block, "items": [plain(item) for item in block["items"]]}
    return block


def annexe_blocks(notebook) -> list[dict]:
    """The executed annexe as one list of blocks, in order: the Markdown cells' headings and
    paragraphs, every output's blocks (:data:`MIMETYPE`) and its PNG figures (``{"kind": "image",
    "png": base64}``). What the Word document is made of; the HTML shows the same outputs."""
    blocks = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            blocks += _markdown_blocks(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if MIMETYPE in data:
                    blocks += list(data[MIMETYPE]["blocks"])
                elif "image/png" in data:
                    png = data["image/png"]
                    blocks.append({"kind": "image", "png": png if isinstance(png, str) else "".join(png),
                                   "alt": str(data.get("text/plain", ""))})
    return blocks


def _stable_zip(data: bytes) -> bytes:
    """A .docx archive with its times :func:`sampling._files.now` (:func:`sampling._files.stable_zip`),
    so that the same annexe is the same bytes."""
    from ._files import stable_zip

    return stable_zip(data)


def _docx_runs(paragraph, text: str) -> None:
    for part, bold in _runs(text):
        paragraph.add_run(part).bold = bold or None


def _docx_table(document, block: dict, points) -> None:
    """A table block in a Word document: its title in bold, a header row in bold, then its rows."""
    if block.get("title"):
        caption = document.add_paragraph()
        caption.add_run(_plain(block["title"])).bold = True
        caption.paragraph_format.keep_with_next = True
    columns = block["columns"]
    table = document.add_table(rows=1 + len(block["rows"]), cols=len(columns))
    table.style = "Table Grid"
    size = points(8) if len(columns) > 5 else points(9)
    for r, values in enumerate([columns, *block["rows"]]):
        for c, value in enumerate(values):
            run = table.cell(r, c).paragraphs[0].add_run(str(value))
            run.font.size = size
            run.bold = True if r == 0 else None
    if block.get("note"):
        note = document.add_paragraph()
        note.add_run(_plain(block["note"])).font.size = points(8)


def annexe_docx(notebook, *, title: str | None = None) -> bytes:
    """An executed annexe notebook as a Word document (python-docx), from the same outputs as the
    HTML (:func:`annexe_blocks`): the same headings, paragraphs and tables (a header row, then
    the same rows), figures as PNG images, on A4.

    Raises
    ------
    SamplingError
        If python-docx is not installed.
    """
    try:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.shared import Cm, Pt
    except ImportError:
        raise SamplingError("the Word annexe needs python-docx: pip install python-docx") from None
    import base64
    import io

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin = section.bottom_margin = Cm(1.6)
    document.styles["Normal"].font.size = Pt(10)
    name = title if title is not None else _notebook_title(notebook)
    document.core_properties.title = name
    document.core_properties.author = "inspection-sampling"
    width = section.page_width - section.left_margin - section.right_margin
    for block in annexe_blocks(notebook):
        kind = block["kind"]
        if kind == "heading":
            document.add_heading(_plain(block["text"]), level=min(int(block["level"]), 9))
        elif kind == "paragraph":
            _docx_runs(document.add_paragraph(), block["text"])
        elif kind == "bullets":
            for item in block["items"]:
                _docx_runs(document.add_paragraph(style="List Bullet"), item)
        elif kind == "table":
            _docx_table(document, block, Pt)
        elif kind == "image":
            document.add_picture(io.BytesIO(base64.b64decode(block["png"])), width=width)
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


@dataclass(frozen=True)
class AnnexeResult:
    """What :func:`write_annexe` wrote, and the ratings in it.

    Each parameter is also an attribute.

    Parameters
    ----------
    path : str
        The annexe written (.html or .docx).
    toml : str or None
        The report file written too, if any.
    report : str
        The report's id.
    service : str
        The service's name.
    ratings : mapping of str to str
        Each standard's rating (the rules', and published where published), by id.
    score : int or None
        The score (None where the framework rates by areas, forming no score).
    overall : str
        The overall rating.
    areas : mapping of str to str, default {}
        Each area's rating, or "not rated" (frameworks rated by areas).

    Examples
    --------
    :func:`write_annexe` fills it from the report's rating table, as here:

    >>> from sampling import rate_report
    >>> table = rate_report("calderdale-2022")
    >>> result = AnnexeResult("annexe.html", None, table.report.id, table.report.service,
    ...                       {row.id: row.published_rating.label for row in table.rows},
    ...                       table.published_score, table.published_overall.label)
    >>> result.ratings["2.3"], result.score, result.overall
    ('Requires improvement', 18, 'Requires improvement')
    """

    path: str
    toml: str | None
    report: str
    service: str
    ratings: Mapping[str, str]  # standard id -> rating (the rules', and published where published)
    score: int | None  # None where the framework rates by areas (no score is formed)
    overall: str
    areas: Mapping[str, str] = field(default_factory=dict)  # area -> rating, or "not rated"

    def to_dict(self) -> dict:
        """What was written, as ``--json`` prints it (``areas`` only where there are areas).

        Returns
        -------
        dict
            ``path``, ``toml``, ``report``, ``service``, ``ratings``, ``score``, ``overall`` and,
            for a framework rated by areas, ``areas``.

        Examples
        --------
        >>> result = AnnexeResult("annexe.html", None, "calderdale-2022", "Calderdale Youth Justice Service",
        ...                       {"2.3": "Requires improvement"}, 18, "Requires improvement")
        >>> result.to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'path': 'annexe.html', 'toml': None, 'report': 'calderdale-2022',
         'service': 'Calderdale Youth Justice Service', 'ratings': {'2.3': 'Requires improvement'},
         'score': 18, 'overall': 'Requires improvement'}
        """
        data = {"path": self.path, "toml": self.toml, "report": self.report, "service": self.service,
                "ratings": dict(self.ratings), "score": self.score, "overall": self.overall}
        if self.areas:
            data["areas"] = dict(self.areas)
        return data


def _check_target(path, suffix: str, option: str, force: bool, inputs=()) -> Path | None:
    if path is None:
        return None
    from ._files import output_path

    return output_path(path, option=option, suffixes=(suffix,), force=force, inputs=inputs)


def _write_text(path: Path, text: str) -> None:
    from ._files import write_bytes

    write_bytes(path, text.encode("utf-8"))


def write_annexe(source, out, *, service: str | None = None, populations: Mapping[str, int] | None = None,
                 toml=None, force: bool = False, timeout: int = 600, progress=None,
                 judgement_error=None) -> AnnexeResult:
    """Check the source, execute the annexe template for it, and write the annexe: an HTML page
    (``out`` ending in .html) or a Word document (.docx), both from the same executed template.

    Parameters
    ----------
    source : str, Path or Report
        An answers workbook (.xlsx, :func:`sampling.answers.read_answers`), a report .toml file or
        a bundled report id.
    out : str or Path
        The file to write: .html (one self-contained page, :func:`annexe_html`) or .docx (a Word
        document, :func:`annexe_docx`).
    service : str, optional
        The service's name, for an answers workbook.
    populations : mapping of str to int, optional
        Eligible cases per sample, e.g. ``{"court": 57, "out-of-court": 33}``; default the
        populations the samples imply (the annexe says which it used).
    judgement_error : float, str or Path, optional
        The judgement error double-marking measured (a number, or the JSON ``agreement --json``
        wrote): the section on how sure each rating is simulates it beside the exact chances,
        and says so.
    toml : str or Path, optional
        Also write the report as a report file (:func:`sampling.answers.report_toml`).
    force : bool, default False
        Overwrite ``out`` and ``toml`` if they exist.
    timeout : int, default 600
        Seconds each cell of the template may run (:func:`execute_annexe`).
    progress : callable(str), optional
        Told of each section as it runs, and of the writing (``sys.stderr.write``); None says
        nothing.

    Returns
    -------
    AnnexeResult
        The files written, the report's id and service, and the ratings in the annexe.

    Raises
    ------
    SamplingError
        Before anything is written: every problem of an answers workbook at once
        (:class:`~sampling.AnswersError`), bad populations, an output that exists without
        ``force``.

    Examples
    --------
    Writing an annexe executes the whole template in a kernel (:func:`execute_annexe`), which
    takes a while; everything that can be wrong with the inputs is refused first, and nothing is
    written:

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> try:
    ...     write_annexe("calderdale-2022", folder / "annexe.html", populations={"court": 5})
    ... except SamplingError as error:
    ...     print(error)
    populations: court = 5 must be a whole number of eligible cases, at least its sample of 11
    >>> list(folder.iterdir())
    []
    """
    from .answers import report_toml
    from .reports import rate_report

    inputs = [source] if isinstance(source, str | Path) else []
    suffix = ".docx" if str(out).lower().endswith(".docx") else ".html"
    from ._files import output_path

    out_path = output_path(out, option="--out", suffixes=(".html", ".docx"), force=force, inputs=inputs)
    toml_path = _check_target(toml, ".toml", "--toml", force, [*inputs, out])
    checked = {}

    error = judgement_error_of(judgement_error)  # refused at once, before any work

    def check():
        checked["report"] = annexe_report(source, service=service)
        if populations or checked["report"].populations:  # (implied ones are the kernel's to find)
            finite_populations(checked["report"], populations)

    if not isinstance(source, str | Path):  # a report or answers in memory: checked before the kernel
        check()
    with tempfile.TemporaryDirectory(prefix="sampling-annexe-") as folder:
        run = source
        if hasattr(source, "report") and hasattr(source, "path"):  # sampling.answers.Answers
            run = source.path
        elif not isinstance(source, str | Path):  # a Report built in memory
            run = Path(folder) / f"{checked['report'].id}.toml"
            run.write_text(report_toml(checked["report"]), encoding="utf-8")
        try:
            notebook = execute_annexe(run, service=service, populations=populations, timeout=timeout,
                                      judgement_error=error,
                                      progress=progress, check=None if checked else check)
        except Exception as error:  # a problem the template found (a population no sample implies)
            if getattr(error, "ename", None) in {"SamplingError", "ReportError", "AnswersError"}:
                raise SamplingError(str(getattr(error, "evalue", error))) from None
            raise
    report = checked["report"]
    title = annexe_title(report)
    notebook.metadata["title"] = title
    if progress is not None:
        progress(f"annexe: writing {out_path.name}\u2026 ")
    if suffix == ".docx":
        from ._files import write_bytes

        write_bytes(out_path, annexe_docx(notebook, title=title))
    else:
        _write_text(out_path, annexe_html(notebook, title=title))
    if toml_path is not None:
        _write_text(toml_path, report_toml(report))
    if progress is not None:
        progress("done\n")
    table = rate_report(report)
    ratings = {row.id: row.published_rating.label for row in table.rows}
    scored = _scored(report.framework)
    published = {s.id: s.rating for s in report.standards}
    areas = {} if scored else {line.split(": ", 1)[0]: line.split(": ", 1)[1].replace("**", "").split(" (")[0]
                               for line in _area_lines(report, published)}
    return AnnexeResult(str(out_path), None if toml_path is None else str(toml_path), report.id,
                        report.service, ratings, table.published_score if scored else None,
                        table.published_overall.label, areas)


#: The glossary's terms the annexe's words use, in the order a reader meets them.
ANNEXE_TERMS = ("confidence level", "margin of error", "achieved margin", "census", "implied population",
                "balanced", "key question", "half-up rounding", "lowest-band rule", "professional discretion",
                "process uncertainty", "finite uncertainty", "band probability", "cases up", "independence",
                "case correlation", "judgement error")


def terms_text(inspection: Inspection | None = None) -> AnnexeText:
    """What the annexe's words mean: the glossary's entry (``python -m sampling explain TERM``)
    for each term it uses: "judgement error" only where one was measured, "implied population"
    only where the populations are not the plan's.

    >>> text = terms_text()
    >>> text.lines[0].startswith("**confidence level**")
    True
    """
    from .glossary import lookup

    measured = inspection is not None and inspection.judgement_error
    planned = inspection is not None and bool(inspection.report.populations)  # no population implied
    terms = [t for t in ANNEXE_TERMS
             if not (t == "judgement error" and not measured) and not (t == "implied population" and planned)]
    lines = tuple(f"**{lookup(term).term}**: {lookup(term).entry}" for term in terms)
    return AnnexeText("", lines)
