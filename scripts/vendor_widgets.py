"""Fetch the Jupyter widgets' HTML manager and RequireJS from npm into docs/_static/widgets/, so that
the site's lessons draw their sliders without a network.

    python scripts/vendor_widgets.py

The site renders each lesson's saved widget state (myst-nb's ``nb_ipywidgets_js``, set in
docs/conf.py). By default myst-nb loads the two scripts that read that state from a content network;
the site serves the copies this script writes instead, and they are committed:

- ``embed-amd.js``: ``dist/embed-amd.js`` of the npm package ``@jupyter-widgets/html-manager``
  (the version below: the html-manager of ipywidgets 8, whose saved models it draws), with the
  font files of its stylesheet (``dist/*.woff2``, ``dist/*.woff``), which it loads from beside
  itself;
- ``require.js``: ``require.js`` of the npm package ``requirejs``, which embed-amd.js needs.

It runs ``npm pack`` (npm's registry only; nothing else is fetched) in a temporary folder, copies
the files and writes ``VERSIONS.txt`` beside them (each package's version and licence, from
its package.json). To update, change the versions and run it again;
tests/test_site_browser.py then checks that every lesson's sliders appear with no request leaving
127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "_static" / "widgets"

HTML_MANAGER = "@jupyter-widgets/html-manager@1.0.15"
REQUIREJS = "requirejs@2.3.8"


def pack(spec: str, folder: Path) -> Path:
    """``npm pack SPEC`` into ``folder``, unpacked: the package's folder."""
    out = subprocess.run(["npm", "pack", "--silent", spec], cwd=folder, check=True, capture_output=True,
                         text=True).stdout.split()[-1]
    unpacked = folder / spec.replace("/", "_").replace("@", "_")
    with tarfile.open(folder / out) as archive:
        archive.extractall(unpacked, filter="data")
    return unpacked / "package"


def main() -> int:
    if shutil.which("npm") is None:
        print("vendor_widgets: npm is needed (apt-get install npm)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        manager = pack(HTML_MANAGER, tmp)
        requirejs = pack(REQUIREJS, tmp)
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.mkdir(parents=True)
        dist = manager / "dist"
        files = [dist / "embed-amd.js", *sorted(dist.glob("*.woff2")), *sorted(dist.glob("*.woff"))]
        for source in files:
            shutil.copyfile(source, TARGET / source.name)
        shutil.copyfile(requirejs / "require.js", TARGET / "require.js")
        licences = {name: json.loads((folder / "package.json").read_text(encoding="utf-8"))["license"]
                    for name, folder in ((HTML_MANAGER, manager), (REQUIREJS, requirejs))}
    (TARGET / "VERSIONS.txt").write_text(
        f"{HTML_MANAGER} (dist/embed-amd.js and its fonts; licence {licences[HTML_MANAGER]})\n"
        f"{REQUIREJS} (require.js; licence {licences[REQUIREJS]})\n"
        "written by scripts/vendor_widgets.py; do not edit\n", encoding="utf-8")
    print(f"vendor_widgets: {len(files) + 1} files in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
