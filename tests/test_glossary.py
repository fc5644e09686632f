"""The glossary (sampling/data/glossary.toml, sampling.glossary, ``python -m sampling explain``): every
term the outputs show has an entry, every spelling finds its entry, every example's figures are what
the package computes, and methodology/glossary.md is the data file's page."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import sampling
from sampling import rules, synthetic
from sampling.cli import main
from sampling.glossary import _key, entries, lookup, markdown

ROOT = Path(__file__).resolve().parents[1]

#: Terms the outputs print, as a reader would type them; each must find an entry.
NAMED = ["cochran", "normal", "simple", "finite population correction", "exact", "hypergeometric",
         "Clopper-Pearson", "Clopper–Pearson", "Wilson", "Jeffreys interval", "Agresti-Coull",
         "implied population", "census", "achieved margin", "margin of error", "confidence level",
         "balanced", "reserve", "process uncertainty", "finite uncertainty", "P(higher)", "P(lower)",
         "P(band changed)", "P(published)", "cases up", "cases down", "kappa", "AC1", "judgement error",
         "Jeffreys prior", "credible interval", "settled", "open", "coverage", "band probability",
         "empirical prior", "funnel", "dispersion", "agreement", "Newcombe", "key question", "score",
         "lowest-band rule", "half-up", "professional discretion", "band accuracy", "policy", "n0",
         "false upgrade", "operating characteristic", "case correlation", "independence"]

#: Spellings that must find one particular entry (the brief's examples among them).
SPELLINGS = {
    "ac1": "AC1", "AC1": "AC1", "Gwet": "AC1", "Gwet's AC1": "AC1", "gwet’s ac1": "AC1",
    "cochran": "cochran", "Cochran": "cochran", "kappa": "kappa", "Cohen's kappa": "kappa",
    "KAPPA": "kappa", "clopper pearson": "Clopper-Pearson", "fpc": "finite population correction",
    "within_points(3)": "within_points", "cases(2)": "cases(1)", "interval(0.9)": "interval(0.8)",
    "interval(0.8, wilson)": "interval(0.8)", "posterior(0.7)": "posterior(0.5)", "cases down": "cases up",
    "open": "settled", "interval": "confidence interval", "jeffreys": "Jeffreys prior",
}


def test_every_named_term_has_an_entry():
    for name in NAMED:
        assert lookup(name), name


def test_every_rule_name_the_rules_print_has_an_entry():
    names = {rule.name for direction in ("up", "down") for rule in rules.default_rules(direction)}
    names |= {rules.interval(0.8, "wilson").name, rules.within_points(3).name, rules.cases(2).name,
              rules.custom(lambda evidence: True, name="mine").name.replace("mine", "custom")}
    assert names >= {"strict", "within_points(5)", "cases(1)", "interval(0.8)", "posterior(0.5)"}
    found = {name: lookup(name).term for name in names}
    assert found["strict"] == "strict" and found["cases(2)"] == "cases(1)", found
    assert found["interval(0.8, wilson)"] == "interval(0.8)", found
    assert lookup("boundary_in_interval").term == "interval(0.8)"


@pytest.mark.parametrize("spelling, term", SPELLINGS.items())
def test_common_spellings(spelling, term):
    assert lookup(spelling).term == term


def test_each_alias_resolves_to_its_own_entry_and_no_spelling_is_shared():
    owners = {}
    for item in entries():
        for name in (item.term, *item.aliases):
            assert lookup(name) is item, f"{name!r} finds {lookup(name).term!r}, not {item.term!r}"
            assert owners.setdefault(_key(name), item.term) == item.term, \
                f"{name!r} is a spelling of both {owners[_key(name)]!r} and {item.term!r}"


def test_every_entry_is_short_and_has_an_example():
    for item in entries():
        sentences = [s for s in item.entry.replace("e.g.", "eg").split(". ") if s.strip()]
        assert 1 <= len(sentences) <= 3, (item.term, sentences)
        assert item.example and item.example_code, item.term


@pytest.mark.parametrize("item", entries(), ids=[item.term for item in entries()])
def test_every_example_prints_what_the_package_computes(item):
    with warnings.catch_warnings():  # an example across the 2018 and 2021 frameworks is warned of, rightly
        warnings.simplefilter("ignore", sampling.SamplingWarning)
        value = eval(item.example_code, {"sampling": sampling, "synthetic": synthetic})  # noqa: S307 - our data
    values = value if isinstance(value, tuple) else (value,)
    for shown in values:
        assert str(shown) in item.example, f"{item.term}: the package gives {shown!r}; the example says " \
                                           f"{item.example!r}"


def test_the_methodology_page_is_the_data_files_page():
    page = (ROOT / "methodology" / "glossary.md").read_text(encoding="utf-8")
    assert page == markdown(), "run: python -m sampling explain --markdown > methodology/glossary.md"
    for item in entries():
        assert f"**{item.term}**" in page and item.entry in page and item.example in page, item.term


def test_the_site_includes_the_page():
    stub = (ROOT / "docs" / "methodology" / "glossary.md").read_text(encoding="utf-8")
    assert "../../methodology/glossary.md" in stub
    assert "\nglossary\n" in (ROOT / "docs" / "methodology" / "index.md").read_text(encoding="utf-8")


def test_explain_prints_an_entry(capsys):
    assert main(["explain", "Gwet's", "AC1"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("AC1 (also: ") and "Example: " in out


def test_explain_json_is_the_entry(capsys):
    assert main(["explain", "cochran", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"term", "aliases", "entry", "example"}
    assert data["term"] == "cochran" and data["example"] == lookup("cochran").example


def test_explain_without_a_term_lists_every_term(capsys):
    assert main(["explain"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert [line.strip() for line in lines] == [item.term for item in entries()]


def test_an_unknown_term_exits_2_with_one_line_of_the_known_ones(capsys):
    assert main(["explain", "nonsense"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "unknown term 'nonsense'" in err
    assert all(item.term in err for item in entries())
