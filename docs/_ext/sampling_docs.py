"""The parts of the site that the code itself writes, made at build start into docs/_generated/.

Pages include these files rather than copies of what the code says, so that they cannot drift:

- ``reproduce.txt``: what ``python -m sampling reproduce`` prints (getting started), and its first
  report (``reproduce-first.txt``) and closing lines (``reproduce-last.txt``);
- ``reference-summary.rst``: the reference index's summary table, one line per name of
  ``sampling.__all__`` with its docstring's first line, grouped by the page that documents it (the
  build fails when a public name is on no page);
- ``headings.md``: every case-list heading the reader recognises, from
  ``sampling.caselists.HEADINGS``, and ``disposal-domains.md``, from ``DISPOSAL_DOMAINS`` and
  ``DOMAIN_WORDS``;
- ``caselist-example.csv``, ``plan-example.md``, ``answers-example.md``, ``answers-filled.md`` and
  ``answers-report.toml``: a synthetic export, the plan workbook made from it, the answers workbook
  for that plan (blank, then answered by a seeded draw), read back sheet by sheet, and the report
  file those answers give.

A file is rewritten only when its text changes, so an unchanged page is not read again.

It also resolves a cross-reference that names a public object by its defining module
(``sampling.size.sample_size``) to the object's one entry (``sampling.sample_size``), and
registers the bibliography's author-year labels.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import tempfile
from pathlib import Path

#: The example export: synthetic cases (``sampling.synthetic``), never a real child's.
EXAMPLE_CASES = 160
EXAMPLE_SEED = 7


def _write(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _cell(value) -> str:
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()  # a date cell, as Excel shows it
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows, headings) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in headings) + " |",
             "|" + "---|" * len(headings)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def reproduce_output() -> str:
    from sampling.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["reproduce"])
    if status != 0:
        raise RuntimeError(f"python -m sampling reproduce exited {status}: the site shows only a "
                           "reproduction")
    return out.getvalue()


def headings_table() -> str:
    from sampling.caselists import FIELDS, HEADINGS

    rows = [(f"`{field}`", ", ".join(f"`{h}`" for h in HEADINGS[field])) for field in FIELDS]
    return _table(rows, ("field", "headings recognised, best first (as compared: lower case, no spaces or "
                                  "punctuation, `&` as `and`)"))


def disposal_domains_table() -> str:
    from sampling.caselists import DISPOSAL_DOMAINS, DOMAIN_WORDS

    def grouped(mapping):
        domains = dict.fromkeys(mapping.values())
        return [(f"`{d}`", ", ".join(f"`{k}`" for k, v in mapping.items() if v == d)) for d in domains]

    return ("**A domain column's values** (`sampling.caselists.DOMAIN_WORDS`):\n\n"
            + _table(grouped(DOMAIN_WORDS), ("domain", "values recognised"))
            + "\n**Disposal types, when there is no domain column** "
              "(`sampling.caselists.DISPOSAL_DOMAINS`):\n\n"
            + _table(grouped(DISPOSAL_DOMAINS), ("domain", "disposal types recognised")))


def _sheets(path: Path, head: int) -> str:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    parts = []
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        if not rows:
            continue
        headings, body = rows[0], rows[1:]
        shown = body if sheet.title in {"audit", "balance", "qualitative", "instructions"} else body[:head]
        more = len(body) - len(shown)
        parts.append(f"**Sheet `{sheet.title}`** ({len(body)} rows"
                     + (f"; the first {len(shown)} shown" if more else "") + "):\n\n"
                     + _table(shown, [h or "" for h in headings]))
    book.close()
    return "\n".join(parts)


def _fill_answers(path: Path, seed: int) -> None:
    """Answer every row of an answers workbook as an inspector might (synthetic: a seeded draw),
    and rate each qualitative standard Good."""
    import numpy as np
    from openpyxl import load_workbook

    rng = np.random.default_rng(seed)
    book = load_workbook(path)
    answers = book["answers"]
    column = [c.value for c in answers[1]].index("answer") + 1
    for row in range(2, answers.max_row + 1):
        answer = rng.choice(["yes", "no", "not relevant"], p=[0.7, 0.25, 0.05])
        answers.cell(row, column).value = str(answer)
    qualitative = book["qualitative"]
    column = [c.value for c in qualitative[1]].index("rating") + 1
    for row in range(2, qualitative.max_row + 1):
        qualitative.cell(row, column).value = "Good"
    book.save(path)


def workbook_examples(folder: Path) -> dict[str, str]:
    import sampling
    from sampling.synthetic import messy_case_list, write_export

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        export = tmp / "export.csv"
        write_export(messy_case_list(EXAMPLE_CASES, rng=EXAMPLE_SEED), export)
        command = f"python -m sampling plan export.csv --seed {EXAMPLE_SEED} --out plan.xlsx"
        plan = sampling.plan(export, seed=EXAMPLE_SEED, command=command)
        plan.write(tmp / "plan.xlsx")
        sampling.answers_template(tmp / "plan.xlsx", tmp / "answers.xlsx")
        blank = _sheets(tmp / "answers.xlsx", head=12)
        _fill_answers(tmp / "answers.xlsx", EXAMPLE_SEED)
        report = sampling.read_answers(tmp / "answers.xlsx").report(service="Example Youth Justice Service")
        return {
            "caselist-example.csv": "\n".join(export.read_text(encoding="utf-8").splitlines()[:11]) + "\n",
            "plan-example.md": _sheets(tmp / "plan.xlsx", head=8),
            "answers-example.md": blank,
            "answers-filled.md": _sheets(tmp / "answers.xlsx", head=12),
            "answers-report.toml": sampling.report_toml(report),
        }


#: The reference pages whose entries the summary table lists, in the order of the reference index.
REFERENCE_PAGES = ("sizes", "selection", "reports", "uncertainty", "discretion", "across", "errors")
_DIRECTIVE = re.compile(r"^\.\. auto(function|class|exception|data|module)::\s+(?:sampling\.)?(\S+)\s*$")
_ROLES = {"function": "func", "class": "class", "exception": "exc", "data": "data", "module": "mod"}


def _first_line(obj) -> str:
    """The first paragraph of an object's docstring, on one line."""
    import inspect

    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n", 1)[0].split())


def reference_summary(reference: Path) -> str:
    """The reference index's summary table: one line per name of ``sampling.__all__``, grouped by
    the reference page and section that document it, with the first line of its docstring.
    Raises when a public name is on no reference page, so that the build fails."""
    import sampling

    public = [name for name in sampling.__all__ if name != "__version__"]
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    seen: set[str] = set()
    for stem in REFERENCE_PAGES:
        lines = (reference / f"{stem}.rst").read_text(encoding="utf-8").splitlines()
        title, section, module = stem, None, None
        for i, line in enumerate(lines):
            underline = lines[i + 1] if i + 1 < len(lines) else ""
            heading = bool(line.strip()) and len(underline) >= len(line.strip())
            if heading and set(underline) == {"="}:
                title = line.strip()
            elif heading and set(underline) == {"-"}:
                section = line.strip()
            elif line.startswith(".. currentmodule::"):
                module = line.split("::", 1)[1].strip()
            match = _DIRECTIVE.match(line)
            documents = match and (module == "sampling" or match.group(1) == "module")
            if documents and match.group(2) in public and match.group(2) not in seen:
                heading = title if section is None else f"{title}: {section}"
                if not groups or groups[-1][0] != heading:
                    groups.append((heading, []))
                groups[-1][1].append((match.group(1), match.group(2)))
                seen.add(match.group(2))
    missing = [name for name in public if name not in seen]
    if missing:
        raise RuntimeError(f"the reference summary has no line for {missing}: document each on one of the "
                           f"pages {', '.join(REFERENCE_PAGES)} (docs/reference/)")
    out = []
    for heading, names in groups:
        out += [f".. rubric:: {heading}", "", ".. list-table::", "   :widths: 30 70", ""]
        for kind, name in names:
            summary = _first_line(getattr(sampling, name)) if kind != "data" else ""
            out += [f"   * - :{_ROLES[kind]}:`~sampling.{name}`", f"     - {summary}"]
        out.append("")
    return "\n".join(out)


def generate(app) -> None:
    folder = Path(app.srcdir) / "_generated"
    folder.mkdir(exist_ok=True)
    output = reproduce_output()
    _write(folder / "reproduce.txt", output)
    lines = output.splitlines()
    separators = [i for i, line in enumerate(lines) if line.startswith("=====")]
    _write(folder / "reproduce-first.txt", "\n".join(lines[:separators[1]]) + "\n")
    _write(folder / "reproduce-last.txt", "\n".join(lines[separators[-1]:]) + "\n")
    _write(folder / "headings.md", headings_table())
    _write(folder / "disposal-domains.md", disposal_domains_table())
    _write(folder / "reference-summary.rst", reference_summary(Path(app.srcdir) / "reference"))
    for name, text in workbook_examples(folder).items():
        _write(folder / name, text)


def _author_year_style():
    """A pybtex style whose labels are "Cochran 1977", "Brown et al. 2001", "Newcombe 1998a": the
    bibliography reads as the pages cite, author and year."""
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle

    def names(entry) -> str:
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [" ".join(p.last_names) for p in people] or [entry.fields.get("title", "?")]
        last = [name.replace("{", "").replace("}", "") for name in last]
        if len(last) == 1:
            return last[0]
        return f"{last[0]} and {last[1]}" if len(last) == 2 else f"{last[0]} et al."

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            entries = list(sorted_entries)
            plain = [f"{names(e)} {e.fields.get('year', 'n.d.')}" for e in entries]
            seen: dict[str, int] = {}
            for label in plain:
                if plain.count(label) == 1:
                    yield label
                else:  # the same authors and year: 1998a, 1998b, in the order of the list
                    seen[label] = seen.get(label, 0) + 1
                    yield label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]

    class AuthorYearStyle(PlainStyle):
        default_label_style = AuthorYearLabels

    return AuthorYearStyle


def public_alias(target: str) -> str | None:
    """``sampling.size.sample_size`` -> ``sampling.sample_size`` when the two names are the same
    object: docstrings may name a public object by the module that defines it, and the reference
    documents it once, under ``sampling``. None when the target is no such alias."""
    import importlib

    import sampling

    parts = target.split(".")
    if len(parts) < 3 or parts[0] != "sampling":
        return None
    for split in range(len(parts) - 1, 1, -1):
        try:
            module = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        name = parts[split]
        public = getattr(sampling, name, None)
        if public is not None and getattr(module, name, None) is public:
            return ".".join(["sampling", *parts[split:]])
        return None
    return None


def _candidates(node) -> list[str]:
    """Where a short name in a docstring may live: the module the reference sits in, and each
    enclosing scope of the object whose docstring it is (``sampling.plans.plan`` -> sampling.plans,
    sampling), as Python itself would find the name there."""
    target, module = node.get("reftarget", ""), node.get("py:module")
    found = [target]
    if target.startswith("sampling."):
        return found
    if module:
        found.append(f"{module}.{target}")
    owner = re.search(r"docstring of ([\w.]+)", node.source or "")
    if owner:
        parts = owner.group(1).split(".")
        found += [".".join([*parts[:i], target]) for i in range(len(parts) - 1, 0, -1)]
    return found


def _resolve_alias(app, env, node, contnode):
    """A reference the Python domain could not resolve: try the enclosing scopes of the docstring
    it is in, and the one entry of a public object named by its defining module."""
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    for candidate in _candidates(node):
        for name in (candidate, public_alias(candidate)):
            if name and name != node.get("reftarget"):
                resolved = domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], name, node,
                                               contnode)
                if resolved is not None:
                    return resolved
    return None


def setup(app):
    from pybtex.plugin import register_plugin

    app.connect("missing-reference", _resolve_alias)

    register_plugin("pybtex.style.formatting", "authoryear", _author_year_style())
    app.connect("builder-inited", generate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
