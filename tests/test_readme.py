"""Everything the README shows runs (style.md, convention 12)."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_quick_start_has_exactly_the_two_commands():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.strip() for line in quick.splitlines() if line.startswith("    ")]
    assert commands == ['python -m pip install -e ".[dev]" && python -m sampling reproduce', "python -m pytest"]


def test_python_tour_runs():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert len(blocks) >= 2
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README's own code
    assert namespace["table"].rule_score == 17 and namespace["chosen"].balanced


def test_cli_tour_commands_parse():
    from sampling.cli import _build_parser

    parser = _build_parser()
    lines = [line.strip() for line in README.split("### Command line", 1)[1].split("##", 1)[0].splitlines()
             if line.strip().startswith("python -m sampling")]
    assert len(lines) >= 10
    import shlex

    for line in lines:
        argv = shlex.split(line.split("#", 1)[0])[3:]
        parser.parse_args(argv)  # every command and option shown exists
