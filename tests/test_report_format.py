"""methodology/report-format.md documents exactly what the report loader accepts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from sampling import ReportError, load_report, rate_report

PAGE = (Path(__file__).resolve().parents[1] / "methodology" / "report-format.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = PAGE.index(f"## {title}")
    end = PAGE.find("\n## ", start + 1)
    return PAGE[start: end if end > 0 else None]


def _documented_keys(title: str) -> set[str]:
    """The keys in the first column of the section's first table."""
    return set(re.findall(r"^\| `([a-z_]+)` \|", _section(title), flags=re.M))


def _example() -> str:
    return re.search(r"```toml\n(.*?)```", _section("A complete example"), flags=re.S).group(1)


def _listed_keys(message: str) -> set[str]:
    listed = message.rsplit("are ", 1)[1].split(" (see ", 1)[0]  # the loader may point to this page
    return set(listed.split(", "))


def test_the_complete_example_loads_and_rates(tmp_path):
    path = tmp_path / "example.toml"
    path.write_text(_example(), encoding="utf-8")
    report = load_report(path)
    kq = report.key_question("2.3.2")
    assert (kq.k, kq.n, kq.denominator) == (5, 11, "stated")
    table = rate_report(report)
    # Calderdale 2022's figures: 17 by the rule, 18 published, one discretion decision with its reason
    assert (table.rule_score, table.published_score, table.reproduced) == (17, 18, True)


@pytest.mark.parametrize("title, where", [("Top level", None), ("Standards", "2.1")])
def test_every_key_the_loader_accepts_is_documented(tmp_path, title, where):
    data = tomllib.loads(_example())
    if where is None:
        data["bogus"] = 1
    else:
        data["standards"][where]["bogus"] = 1
    text = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in data.items() if not isinstance(v, dict))
    text += "\n[samples]\n" + "\n".join(f"{k} = {v}" for k, v in data["samples"].items())
    for sid, table in data["standards"].items():
        text += f'\n[standards."{sid}"]\n'
        for key, value in table.items():
            if isinstance(value, dict):
                value = "{ " + ", ".join(f'"{k}" = {v}' for k, v in value.items()) + " }"
            elif isinstance(value, str):
                value = '"' + value + '"'
            text += f"{key} = {value}\n"
    path = tmp_path / "bogus.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReportError, match="bogus: unknown key") as error:
        load_report(path)
    assert _listed_keys(str(error.value)) == _documented_keys(title)
