"""Check the built documentation site: every public name, command, methodology page and notebook
has its page, notebook figures are images, search works, no page shows raw source, and no page or
stylesheet fetches a script, stylesheet or font from an http(s) address (the site works offline).

    python docs/check_site.py docs/_build/html

Exits 0 when the site is whole, 1 with one line per problem otherwise. It reads the built site
and the repository (run it from anywhere: the repository is this file's parent folder).
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: Text that must never appear in a rendered page: directives that were not run (a fence or an
#: autodoc directive shown as text), a help string's unformatted "%%", a default without a repr.
RAW = (
    re.compile(r"```\s*\{"),  # a MyST directive fence left as text
    re.compile(r"\{eval-rst\}"),
    re.compile(r"^\s*\.\. (auto\w+|argparse|toctree|include|bibliography)::", re.M),
    re.compile(r"\{(py:\w+|doc|cite(:\w+)?|ref)\}`"),  # a role left as text
    re.compile(r"\d%%"),
    re.compile(r"<object object at"),
)


def page_text(path: Path) -> str:
    """The visible text of a page's main content: scripts, styles and tags removed, entities
    decoded."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"<main\b.*?</main>", text, flags=re.S)
    text = match.group(0) if match else text
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def inventory(site: Path) -> dict:
    from sphinx.util.inventory import InventoryFile

    with (site / "objects.inv").open("rb") as stream:
        return InventoryFile.load(stream, "", posixpath.join)


def check_names(site: Path, objects: dict) -> list[str]:
    import sampling

    documented = {name for entries in objects.values() for name in entries}
    return [f"objects.inv: sampling.{name} (in sampling.__all__) has no reference entry"
            for name in sampling.__all__ if f"sampling.{name}" not in documented]


def check_commands(site: Path, objects: dict) -> list[str]:
    import argparse

    from sampling.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    problems = []
    cli = site / "reference" / "cli.html"
    text = cli.read_text(encoding="utf-8") if cli.exists() else ""
    commands = objects.get("commands:command", {})
    for name in sub.choices:
        if f'id="python-m-sampling-{name}"' not in text:
            problems.append(f"reference/cli.html: no section for the command {name!r}")
        if f"python -m sampling {name}" not in commands:
            problems.append(f"objects.inv: no entry for the command 'python -m sampling {name}'")
    return problems


def methodology_pages() -> dict[str, str]:
    """methodology/X.md -> the page that renders it (its stub under docs/methodology/)."""
    pages = {}
    for source in sorted((ROOT / "methodology").glob("*.md")):
        stub = "index" if source.stem == "README" else source.stem
        pages[f"methodology/{source.name}"] = f"methodology/{stub}.html"
    return pages


def notebook_pages() -> dict[str, tuple[str, int]]:
    """notebooks/F/X.ipynb -> (its rendered page, the number of figures in its stored outputs)."""
    pages = {}
    for folder in ("teaching", "reports"):
        for source in sorted((ROOT / "notebooks" / folder).glob("*.ipynb")):
            notebook = json.loads(source.read_text(encoding="utf-8"))
            figures = sum(1 for cell in notebook["cells"] for output in cell.get("outputs", [])
                          if {"image/png", "image/svg+xml"} & set(output.get("data", {})))
            pages[f"notebooks/{folder}/{source.name}"] = (f"_notebooks/{folder}/{source.stem}.html", figures)
    return pages


def check_pages(site: Path) -> list[str]:
    problems = []
    for source, page in methodology_pages().items():
        if not (site / page).exists():
            problems.append(f"{page}: missing (the rendered page of {source})")
    for source, (page, figures) in notebook_pages().items():
        path = site / page
        if not path.exists():
            problems.append(f"{page}: missing (the rendered page of {source})")
            continue
        images = len(re.findall(r"<img\b", path.read_text(encoding="utf-8")))
        if images < figures:
            problems.append(f"{page}: {images} <img> for the {figures} figures stored in {source}")
    for page in ("course/trainers-guide.html", "changelog.html", "bibliography.html", "reference/cli.html",
                 "getting-started.html"):
        if not (site / page).exists():
            problems.append(f"{page}: missing")
    return problems


def check_search(site: Path) -> list[str]:
    index = site / "searchindex.js"
    if not index.exists() or "sample_size" not in index.read_text(encoding="utf-8"):
        return ["searchindex.js: missing, or 'sample_size' is not in it"]
    return []


def check_raw_text(site: Path) -> list[str]:
    problems = []
    for path in sorted(site.rglob("*.html")):
        if "_static" in path.parts or "_sources" in path.parts:
            continue
        text = page_text(path)
        for pattern in RAW:
            match = pattern.search(text)
            if match:
                where = path.relative_to(site)
                problems.append(f"{where}: shows raw source {match.group(0).strip()!r}")
    return problems


#: A tag that makes the browser fetch a script, a stylesheet or a font, and the address it fetches.
FETCHING_TAGS = re.compile(r"<(script|link)\b[^>]*>", re.I)
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.I)
#: A stylesheet's reference to another file (@import, url() of a font or image).
CSS_REFERENCE = re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)|url\(\s*['\"]?([^'\")]+)", re.I)


def _attribute(tag: str, name: str) -> str | None:
    match = re.search(rf"\b{name}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", tag, re.I)
    return None if match is None else html.unescape(next(g for g in match.groups() if g is not None))


def remote_references(text: str, css: bool = False) -> list[str]:
    """The http(s) (or protocol-relative) addresses a page or stylesheet would fetch a script, a
    stylesheet or a font from. Links to read (``<a href>``) are not fetched and not counted."""
    found = []
    if not css:
        for match in FETCHING_TAGS.finditer(text):
            tag, kind = match.group(0), match.group(1).lower()
            if kind == "script":
                address = _attribute(tag, "src")
            else:
                rel = (_attribute(tag, "rel") or "").lower().split()
                fetched = {"stylesheet", "preload", "modulepreload", "prefetch", "font"}
                address = _attribute(tag, "href") if fetched & set(rel) else None
            if address and REMOTE.match(address):
                found.append(address)
        styles = " ".join(re.findall(r"<style\b[^>]*>(.*?)</style>", text, flags=re.S | re.I))
    else:
        styles = text
    styles = re.sub(r"/\*.*?\*/", " ", styles, flags=re.S)  # a commented-out @import fetches nothing
    for match in CSS_REFERENCE.finditer(styles):
        address = match.group(1) or match.group(2)
        if address and REMOTE.match(address):
            found.append(address)
    return found


def check_offline(site: Path) -> list[str]:
    """No page fetches a script, stylesheet or font from the network: the site works offline."""
    problems = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css") or "_sources" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for address in remote_references(text, css=path.suffix == ".css"):
            problems.append(f"{path.relative_to(site)}: fetches {address} from the network "
                            "(serve it from the site)")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python docs/check_site.py BUILT_SITE (e.g. docs/_build/html)", file=sys.stderr)
        return 2
    site = Path(argv[0])
    if not (site / "objects.inv").exists():
        print(f"{site}: not a built site (no objects.inv); build it with "
              "python -m sphinx -W --keep-going -b html docs docs/_build/html", file=sys.stderr)
        return 1
    objects = inventory(site)
    problems = (check_names(site, objects) + check_commands(site, objects) + check_pages(site)
                + check_search(site) + check_raw_text(site) + check_offline(site))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check_site: {len(problems)} problem(s) in {site}", file=sys.stderr)
        return 1
    import sampling

    print(f"check_site: {site} is whole: {len(sampling.__all__)} public names, every command, "
          f"{len(methodology_pages())} methodology pages and {len(notebook_pages())} notebooks have their "
          "pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
