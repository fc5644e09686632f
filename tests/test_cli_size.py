"""``python -m sampling size``: the three sizes side by side, policies, and the band criterion."""

from __future__ import annotations

import json

import pytest

from sampling import sample_size, sample_size_for_bands
from sampling.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_three_sizes_side_by_side(capsys):
    code, out, err = run(capsys, "size", "--population", "102")
    assert code == 0 and err == "" and len(out.strip().splitlines()) == 1
    # 102 cases: the Cochran form gives 64, the simple form 63, the exact size 70 (the issue)
    assert [sample_size(102).n, sample_size(102, correction="simple").n] == [64, 63]
    assert out.startswith("n = 64 from 102 cases")
    assert out.rstrip().endswith("side by side: cochran 64, simple 63, exact 70 cases")


def test_json_keeps_the_old_keys_and_adds_the_sizes(capsys):
    code, out, _ = run(capsys, "size", "--population", "57", "--json")
    data = json.loads(out)
    assert code == 0
    assert {"n", "population", "confidence", "margin", "method", "correction", "achieved_margin"} <= set(data)
    assert (data["n"], data["n_cochran"], data["n_simple"], data["n_exact"]) == (43, 43, 43, 45)
    assert data["margin_exact"] == pytest.approx(sample_size(57, method="exact").achieved_margin)
    _, out, _ = run(capsys, "size", "--population", "57", "--method", "exact", "--json")
    data = json.loads(out)
    assert data["n"] == 45 and data["method"] == "exact" and "every sample of 45 to 57" in data["note"]


def test_policy(capsys):
    code, out, _ = run(capsys, "size", "--population", "1000", "--policy", "hmip-2025-children")
    assert code == 0 and out.startswith("n = 91 from 1000 cases") and "wider than the 5-point target" in out
    _, out, _ = run(capsys, "size", "--population", "1000", "--policy", "hmip-2025-children", "--json")
    data = json.loads(out)
    assert (data["n"], data["policy"], data["minimum"], data["maximum"]) == (91, "hmip-2025-children", 14, 91)
    assert data["within_margin"] is False and round(data["achieved_margin"] * 100, 2) == 6.41
    code, out, _ = run(capsys, "size", "--list-policies")
    assert code == 0 and len(out.strip().splitlines()) == 4 and "hmip-2025-victims: victims' cases, 9 to 24" in out


def test_band_criterion(capsys):
    code, out, _ = run(capsys, "size", "--population", "57", "--criterion", "bands", "--json")
    data = json.loads(out)
    assert code == 0
    assert {"n", "population", "accuracy", "distance", "worst_rate", "worst_accuracy", "model"} <= set(data)
    assert (data["n"], data["population"], data["accuracy"], data["distance"], data["model"]) == (38, 57, 0.8, 5.0,
                                                                                                   "finite")
    assert data["worst_accuracy"] == pytest.approx(sample_size_for_bands(57).worst_accuracy)
    _, out, _ = run(capsys, "size", "--population", "57", "--criterion", "bands", "--model", "process", "--json")
    data = json.loads(out)
    assert data["n"] is None and data["reachable"] is False
    code, out, _ = run(capsys, "size", "--population", "inf", "--criterion", "bands", "--accuracy", "0.8",
                       "--distance", "5")
    assert code == 0 and out.startswith("process view: 111 cases")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["size", "--population", "57", "--policy", "nope"], "unknown policy 'nope'"),
        (["size", "--population", "57", "--policy", "hmip-2025-children", "--method", "exact"], "fixes method"),
        (["size", "--population", "57", "--criterion", "bands", "--distance", "0.3"], "distance must be more than 0.5"),
        (["size", "--population", "inf", "--criterion", "bands", "--model", "finite"], "needs a population"),
        (["size", "--population", "57", "--criterion", "bands", "--accuracy", "80"], "accuracy must be between 0 and 1"),
        (["size", "--population", "57", "--criterion", "rating"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and fragment in err


def test_help_shows_percent_signs_once(capsys):
    with pytest.raises(SystemExit):
        main(["size", "--help"])
    text = capsys.readouterr().out
    assert "%%" not in text and "80%" in text and "--criterion" in text and "--policy" in text
