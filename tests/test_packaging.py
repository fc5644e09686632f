"""The package's shape: environment.yml matches pyproject.toml, import stays light."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_name(r) for r in extra}
    conda, pip, section = set(), set(), None
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if re.match(r"^[a-z]", line):
            section = line.split(":")[0]
        match = re.match(r"^\s{2}- ([A-Za-z0-9_.\-]+)", line)  # conda's own dependencies
        if match and section == "dependencies":
            conda.add(_name(match.group(1)))
        match = re.match(r"^\s{6}- ([A-Za-z][A-Za-z0-9_.\-]*)", line)  # pip's, for what conda-forge lacks
        if match and section == "dependencies":
            pip.add(_name(match.group(1)))
    conda -= {"python", "pip"}
    assert not conda & pip, f"named twice: {sorted(conda & pip)}"
    assert conda | pip == wanted
    assert "- -e ." in (ROOT / "environment.yml").read_text()  # installs the project with pip


def test_docs_extra_holds_the_site_and_no_runtime_dependency_needs_it():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    docs = {_name(r) for r in project["optional-dependencies"]["docs"]}
    assert {"sphinx", "pydata-sphinx-theme", "myst-nb", "myst-parser", "numpydoc", "sphinx-argparse",
            "sphinxcontrib-bibtex"} <= docs
    assert not docs & {_name(r) for r in project["dependencies"]}


def test_python_version_floor():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"


def test_import_is_light():
    code = ("import sys, sampling; "
            "print(sorted(m for m in ('statsmodels', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_are_exported():
    import sampling

    for name in sampling.__all__:
        assert hasattr(sampling, name), name
