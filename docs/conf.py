"""Sphinx configuration of the documentation site.

Build it from the repository root (offline: nothing is fetched):

    python -m pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python docs/check_site.py docs/_build/html

The site is built from the repository as it is. Its sources are under docs/, and three things are
made at build start, never committed (all gitignored):

- docs/_notebooks/: copies of the committed notebooks (notebooks/teaching/*.ipynb,
  notebooks/reports/*.ipynb), rendered with their stored outputs (never executed here);
- docs/_generated/: what the code itself says, so that no page can drift from it: the output of
  ``python -m sampling reproduce``, the case-list headings and disposal types the reader
  recognises, and real example workbooks (see docs/_ext/sampling_docs.py).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # autodoc documents this checkout, not an installed copy
sys.path.insert(0, str(DOCS / "_ext"))

from sampling._version import __version__  # noqa: E402

# -- the notebooks: copied in, rendered with their stored outputs ---------------------------------

#: The committed notebooks the site renders, as (folder under notebooks/, glob). Only .ipynb: the
#: lessons' jupytext twins (notebooks/teaching/*.md) are not notebooks to render.
NOTEBOOKS = (("teaching", "*.ipynb"), ("reports", "*.ipynb"))
NOTEBOOK_COPIES = DOCS / "_notebooks"


def copy_notebooks() -> list[Path]:
    """Copy the committed notebooks into docs/_notebooks/ (only those that changed, keeping their
    times, so that an unchanged notebook is not read again) and remove copies of deleted ones."""
    copied = []
    for folder, pattern in NOTEBOOKS:
        target = NOTEBOOK_COPIES / folder
        target.mkdir(parents=True, exist_ok=True)
        sources = sorted((ROOT / "notebooks" / folder).glob(pattern))
        for source in sources:
            copy = target / source.name
            if not copy.exists() or copy.read_bytes() != source.read_bytes():
                shutil.copy2(source, copy)
            copied.append(copy)
        names = {source.name for source in sources}
        for stale in target.glob("*.ipynb"):
            if stale.name not in names:
                stale.unlink()
    return copied


copy_notebooks()

# -- project --------------------------------------------------------------------------------------

project = "Inspection sampling toolkit"
author = "Inspection sampling toolkit contributors"
copyright = "the Inspection sampling toolkit contributors (MIT licence)"
release = __version__
version = __version__

extensions = [
    "myst_nb",  # MyST markdown and notebooks (it loads myst_parser itself)
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served from the site itself: formulas render offline too
    "numpydoc",
    "sphinxarg.ext",
    "sphinxcontrib.bibtex",
    "sampling_docs",  # docs/_ext: the pages made from the code at build start
]

root_doc = "index"
exclude_patterns = [
    "_build",
    "_generated",  # included by pages, not pages of their own
    "**/.ipynb_checkpoints",
    "check_site.py",
]
# curly quotes and ellipses, but "--" stays two hyphens: options such as --method are written in prose
smartquotes_action = "qe"

# Every cross-reference must resolve: a role naming a function, class or page that the site does not
# document is an error (with -W), so a dead internal link fails the build. Objects of other
# libraries cannot resolve offline (no intersphinx), and are not checked.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|pandas|pd|scipy|statsmodels|matplotlib|openpyxl|nbformat|nbclient|datetime|pathlib"
               r"|collections|typing|os|enum)(\..*)?"),
    (r"py:.*", r"(int|float|str|bool|bytes|dict|list|tuple|set|frozenset|object|None|callable|iterable"
               r"|sequence|mapping|optional|array_like|array-like|path-like|file-like)"),
]

# -- MyST and notebooks ---------------------------------------------------------------------------

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3  # "[Samples](#samples)" in methodology/report-format.md
myst_dmath_double_inline = True
nb_execution_mode = "off"  # the notebooks are rendered with their stored outputs, never executed here
nb_merge_streams = True
# The report notebooks are executions of the annexe template: each section's output carries, beside
# its HTML and Markdown, the annexe's own JSON (application/vnd.sampling.annexe+json, from which the
# Word file is written), which the site has no use for; and the sections' Markdown headings start at
# level 2 under the notebook's title. Neither is a fault of the site.
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]
# The lessons' sliders are drawn from their saved widget state by the Jupyter widgets' HTML manager
# and RequireJS, served from the site itself (docs/_static/widgets/, fetched from npm by
# scripts/vendor_widgets.py and committed) rather than from a content network: the sliders appear
# offline too (tests/test_site_browser.py), and docs/check_site.py fails on any remote script.
nb_ipywidgets_js = {
    "widgets/require.js": {},
    "widgets/embed-amd.js": {},
}

# -- API reference --------------------------------------------------------------------------------

autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"  # signatures show the defaults; the numpydoc sections say the types
autodoc_preserve_defaults = True  # "0.80", not "0.8"; sentinels by name
add_module_names = False
numpydoc_show_class_members = False  # methods are documented in full under their class (:members:)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- sources --------------------------------------------------------------------------------------

bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "authoryear"  # docs/_ext/sampling_docs.py: labels "Cochran 1977"
bibtex_reference_style = "author_year"

# -- HTML -----------------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"Inspection sampling toolkit {__version__}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False
# pages with no sub-pages need no section navigation
html_sidebars = {page: [] for page in ("index", "getting-started", "changelog", "bibliography")}
html_context = {"default_mode": "light"}
