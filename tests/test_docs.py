"""The documentation site's sources, checked without building it (standard library and repository
files only: the docs extra need not be installed). The built site is checked by docs/check_site.py.
"""

from __future__ import annotations

import ast
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
GUIDE = DOCS / "guide"
REFERENCE = DOCS / "reference"


def _public_names() -> list[str]:
    """sampling.__all__, read from the source (nothing imported)."""
    tree = ast.parse((ROOT / "sampling" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError("sampling/__init__.py has no __all__")


def _conf_constant(name: str):
    """A constant assigned in docs/conf.py, read without running it (running it copies notebooks)."""
    tree = ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AnnAssign) and any(getattr(t, "id", None) == name for t in targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"docs/conf.py does not set {name}")


def _includes(page: Path) -> list[Path]:
    """The files a MyST page includes, resolved from the page's folder."""
    text = page.read_text(encoding="utf-8")
    return [(page.parent / target).resolve() for target in re.findall(r"```\{include\}\s+(\S+)", text)]


def _reference_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(REFERENCE.rglob("*")) if p.suffix in {".rst", ".md"})


@pytest.mark.parametrize("source", sorted((ROOT / "methodology").glob("*.md")), ids=lambda p: p.name)
def test_every_methodology_page_has_its_include_stub(source):
    stub = DOCS / "methodology" / ("index.md" if source.stem == "README" else source.name)
    assert stub.exists(), f"{source.name} has no stub {stub.relative_to(ROOT)}"
    assert source.resolve() in _includes(stub), f"{stub.relative_to(ROOT)} does not include {source.name}"
    # a stub, never a copy: nothing but the include (and, for the index, its toctree)
    prose = re.sub(r"```\{(include|toctree)\}.*?```", "", stub.read_text(encoding="utf-8"), flags=re.S)
    assert not prose.strip(), f"{stub.relative_to(ROOT)} holds text of its own: {prose.strip()[:60]!r}"


def test_methodology_pages_keep_their_figures_when_included():
    for stub in (DOCS / "methodology").glob("*.md"):
        for source in _includes(stub):
            if re.search(r"!\[[^\]]*\]\((?!https?:)", source.read_text(encoding="utf-8")):
                assert ":relative-images:" in stub.read_text(encoding="utf-8"), stub.name


def test_every_committed_notebook_is_copied_and_in_a_toctree():
    patterns = _conf_constant("NOTEBOOKS")
    notebooks = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    assert len(notebooks) >= 11
    toctrees = (DOCS / "course" / "index.md").read_text(encoding="utf-8") + (
        DOCS / "annexes" / "index.md").read_text(encoding="utf-8")
    for notebook in notebooks:
        folder = notebook.parent.name
        assert any(folder == f and fnmatch(notebook.name, p) for f, p in patterns), notebook
        assert f"_notebooks/{folder}/{notebook.stem}>" in toctrees, f"{notebook.name} is in no toctree"


def test_the_lessons_text_twins_are_not_copied_as_notebooks():
    twins = sorted((ROOT / "notebooks" / "teaching").glob("*.md"))
    assert twins
    for _folder, pattern in _conf_constant("NOTEBOOKS"):
        for twin in twins:
            assert not fnmatch(twin.name, pattern), f"{pattern} would copy {twin.name}"


def test_every_public_name_has_a_reference_entry():
    sources = _reference_sources()
    directive = re.compile(r"^\.\. (?:auto(?:function|class|exception|data|module))::\s+(\S+)", re.M)
    documented = set(directive.findall(sources))
    missing = [n for n in _public_names() if n not in documented and f"sampling.{n}" not in documented]
    assert not missing, f"no reference entry for {missing}"
    assert len(_public_names()) >= 98


def test_every_public_plot_has_a_reference_entry():
    tree = ast.parse((ROOT / "sampling" / "plots.py").read_text(encoding="utf-8"))
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    plots = (REFERENCE / "plots.rst").read_text(encoding="utf-8")
    missing = [f for f in functions if f".. autofunction:: {f}\n" not in plots + "\n"]
    assert functions and not missing, f"sampling.plots functions without an entry: {missing}"


_USED = re.compile(r"\b(?:sampling|rules|synthetic)\.([A-Za-z_][A-Za-z0-9_]*)\b|\b(main)\(")


def _roles(text: str) -> set[str]:
    """The last part of every Python role's target on a page: {py:func}`~sampling.band` -> band."""
    return {target.rsplit(".", 1)[-1] for target in re.findall(r"\{py:\w+\}`~?([\w.]+)`", text)}


@pytest.mark.parametrize("page", sorted(p for p in GUIDE.glob("*.md") if p.name != "index.md"), ids=lambda p: p.name)
def test_guide_pages_run_examples_and_link_every_function_they_use(page):
    text = page.read_text(encoding="utf-8")
    code = "\n".join(line[4:] for line in text.splitlines() if line.startswith((">>> ", "... ")))
    assert code.count("\n") >= 5, f"{page.name} has too few >>> examples"
    used = {a or b for a, b in _USED.findall(code)} - {"cli", "rules", "synthetic", "plots"}  # modules
    missing = sorted(used - _roles(text))
    assert not missing, f"{page.name} uses {missing} without a {{py:...}} link to their reference entry"


def test_every_page_that_runs_examples_is_collected_by_the_tests():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "docs/guide" in options["testpaths"]
    assert "--doctest-glob=*.md" in options["addopts"].split()
    # pages outside docs/guide are not collected, so they hold no >>> example that would go unrun
    for page in DOCS.rglob("*.md"):
        if GUIDE not in page.parents and "_" not in page.parts[len(DOCS.parts)][:1]:
            assert ">>> " not in page.read_text(encoding="utf-8"), f"{page.relative_to(ROOT)}: examples never run"


def test_the_guide_examples_can_fail(tmp_path):
    """A page whose example prints something else fails (the doctest runner really compares)."""
    import doctest

    page = GUIDE / "size-a-sample.md"
    wrong = page.read_text(encoding="utf-8").replace("(22, 21)", "(22, 22)", 1)
    assert wrong != page.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(wrong, {}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.REPORT_ONLY_FIRST_FAILURE)
    result = runner.run(test, out=lambda text: None)
    assert result.failed == 1 and result.attempted > 10


def _bib_keys() -> dict[str, str]:
    text = (DOCS / "references.bib").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"@\w+\{([^,]+),(.*?)\n\}", text, flags=re.S)}


def test_bibliography_holds_the_required_sources():
    entries = _bib_keys()
    required = {  # key: words its entry must hold
        "cochran1977": ("Sampling Techniques", "Third", "1977"),
        "brown2001": ("Statistical Science", "16", "101--133", "2001"),
        "deville2004": ("Biometrika", "91", "893--912", "2004"),
        "newcombe1998single": ("Statistics in Medicine", "17", "857--872", "1998"),
        "spiegelhalter2005funnel": ("Statistics in Medicine", "24", "1185--1202", "2005"),
        "gwet2008": ("British Journal of Mathematical and Statistical Psychology", "61", "29--48", "2008"),
    }
    for key, words in required.items():
        assert key in entries, key
        for word in words:
            assert word in entries[key], (key, word)


def _plain(text: str) -> str:
    """A name without TeX braces and accents: Till{\\'e} and Tillé -> Tille."""
    text = re.sub(r"\\['`^\"~]", "", text).replace("{", "").replace("}", "")
    return text.translate(str.maketrans("éèóöü", "eeoou"))


def _bib_authors_and_years() -> set[tuple[str, str]]:
    found = set()
    for body in _bib_keys().values():
        authors = re.search(r"author\s*=\s*\{(.*?)\},?\n", body, flags=re.S)
        year = re.search(r"year\s*=\s*\{(\d{4})\}", body)
        if authors and year:
            for person in authors.group(1).split(" and "):
                found.add((_plain(person.split(",")[0].strip()), year.group(1)))
    return found


def test_every_source_a_methodology_page_lists_is_in_the_bibliography():
    """Each numbered or bulleted source with an author and a (year) is an entry of references.bib
    (software versions, statutes and the inspectorate's reports are cited by name instead)."""
    known = _bib_authors_and_years()
    missing, checked = [], 0
    for page in sorted((ROOT / "methodology").glob("*.md")):
        parts = re.split(r"^## (?:Sources|References)\s*$", page.read_text(encoding="utf-8"), flags=re.M)
        if len(parts) < 2:
            continue
        for line in parts[1].splitlines():
            match = re.match(r"^(?:\d+\.|-)\s+([A-Z][^\s,.(]+)[^()]*?\((\d{4})\)", line)
            if match:
                checked += 1
                if (_plain(match.group(1)), match.group(2)) not in known:
                    missing.append(f"{page.name}: {line.strip()[:70]}")
    assert checked >= 25 and not missing, missing


def test_guide_citations_are_in_the_bibliography():
    keys = set(_bib_keys())
    for page in sorted(DOCS.rglob("*.md")):
        for cited in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", page.read_text(encoding="utf-8")):
            for key in cited.split(","):
                assert key.strip() in keys, f"{page.relative_to(ROOT)} cites {key.strip()!r}, not in references.bib"


def test_build_outputs_are_ignored_and_ci_builds_and_checks_the_site():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    for folder in ("docs/_build/", "docs/_notebooks/", "docs/_generated/"):
        assert folder in ignored
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    build = "python -m sphinx -W --keep-going"
    assert '".[docs]"' in ci and build in ci and "docs/check_site.py" in ci
    assert ci.index("python -m pytest") < ci.index(build) < ci.index("docs/check_site.py")
    rtd = (ROOT / ".readthedocs.yaml").read_text(encoding="utf-8")
    assert "docs/conf.py" in rtd and "docs" in rtd.split("extra_requirements", 1)[1]


def test_changelog_follows_keep_a_changelog_from_the_first_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    version = re.search(r'__version__ = "([^"]+)"', (ROOT / "sampling" / "_version.py").read_text()).group(1)
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.M)
    assert headings[0] == "Unreleased" and version in headings
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, flags=re.M)
    assert (DOCS / "changelog.md").read_text(encoding="utf-8").count("../CHANGELOG.md") == 1


def test_a_public_object_named_by_its_module_links_to_its_one_entry():
    """docs/_ext resolves sampling.size.sample_size to the entry of sampling.sample_size, but only
    when the two names are the same object (sampling.rules.interval is not sampling.interval)."""
    import sys

    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from sampling_docs import public_alias
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    assert public_alias("sampling.size.sample_size") == "sampling.sample_size"
    assert public_alias("sampling.reports.Report.evidence") == "sampling.Report.evidence"
    assert public_alias("sampling.rules.interval") is None
    assert public_alias("sampling.framework.proportion_cutoffs") is None  # not exported by sampling
    assert public_alias("sampling.sample_size") is None
