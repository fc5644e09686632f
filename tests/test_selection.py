"""Stratified selection: the balance guarantee, randomness within it, reserves, recency, domains,
and every bad input. All case lists here are synthetic."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sampling import BalanceWarning, CaseListError, SamplingError
from sampling.caselists import read_cases
from sampling.selection import DEFAULT_STRATA, Recency, _draw, select, select_by_domain
from sampling.synthetic import case_list


def _within(selection) -> bool:
    b = selection.balance
    return bool(((np.floor(b.target + 1e-9) <= b["sample"]) & (b["sample"] <= np.ceil(b.target - 1e-9))).all())


@st.composite
def populations(draw):
    """Random case lists: 1 to 4 variables of 1 to 4 categories, skewed shares, N up to 120."""
    size = draw(st.integers(1, 120))
    variables = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    data = {"case_id": [f"c{i}" for i in range(size)]}
    for j in range(variables):
        levels = draw(st.integers(1, 4))
        shares = rng.dirichlet(np.full(levels, 0.7))
        data[f"v{j}"] = rng.choice([f"l{k}" for k in range(levels)], size=size, p=shares)
    n = draw(st.integers(1, size))
    return pd.DataFrame(data), n, tuple(f"v{j}" for j in range(variables)), seed


def _exists_balanced(frame, n, strata) -> bool:
    """Independent check with scipy's milp: does any sample of n meet every [floor, ceiling]?"""
    from scipy.optimize import Bounds, LinearConstraint, milp

    cells = frame.groupby(list(strata)).size()
    keys = list(cells.index) if len(strata) > 1 else [(k,) for k in cells.index]
    rows, lows, highs = [np.ones(len(keys))], [n], [n]
    for j, v in enumerate(strata):
        for category, count in frame[v].value_counts().items():
            target = n * count / len(frame)
            rows.append(np.array([1.0 if key[j] == category else 0.0 for key in keys]))
            lows.append(np.floor(target + 1e-9))
            highs.append(np.ceil(target - 1e-9))
    result = milp(np.zeros(len(keys)), constraints=LinearConstraint(np.array(rows), lows, highs),
                  integrality=np.ones(len(keys)), bounds=Bounds(0, cells.to_numpy(dtype=float)))
    return result.status == 0


@settings(max_examples=120, deadline=None)
@given(populations())
def test_balance_guarantee_over_random_populations(case):
    frame, n, strata, seed = case
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chosen = select(frame, n, strata=strata, rng=seed)
    assert len(chosen.sample) == n and chosen.sample["case_id"].is_unique
    if _exists_balanced(frame, n, strata):
        assert _within(chosen) and chosen.balanced
        assert not any(issubclass(w.category, BalanceWarning) for w in caught)
    else:
        # none exists: the closest is returned, the misses listed, and a warning given
        assert not chosen.balanced and len(chosen.misses) > 0
        assert any(issubclass(w.category, BalanceWarning) for w in caught)


@pytest.mark.parametrize("n", [1, 2, 59, 60])
def test_awkward_small_cases(n):
    cases = case_list(60, rng=2)
    cases.loc[0, "gender"] = "unknown"  # a category of one case
    chosen = select(cases, n, rng=3)
    assert chosen.balanced and len(chosen.sample) == n
    if n == 60:
        assert set(chosen.sample.case_id) == set(cases.case_id)  # n = N is a census


@pytest.mark.parametrize(
    ("population", "n", "seed"),
    # the reports' own sampling situations: Essex 2018's court sample of 43 implies N = 57 and its
    # out-of-court sample of 28 implies N = 33 (methodology/sample-size.md, section 4)
    [(57, 43, 1), (33, 28, 2)],
)
def test_inclusion_frequencies_close_to_n_over_N(population, n, seed):
    # Every case's inclusion frequency over many seeds is within 10 % of n / N (the toolkit's stated bar).
    # 2,000 draws: the Monte Carlo standard error of a frequency near 0.8 is about 1 % of it.
    cases = case_list(population, rng=seed)
    reps = 2000
    rng = np.random.default_rng(2024)
    counts = np.zeros(len(cases))
    for _ in range(reps):
        counts[_draw(cases, list(DEFAULT_STRATA), n, None, rng)] += 1
    ratio = counts / reps / (n / len(cases))
    assert ratio.min() >= 0.90 and ratio.max() <= 1.10, (ratio.min(), ratio.max())


def test_one_or_two_variables_give_exact_inclusion():
    # With two variables every vertex is integral (totally unimodular constraints), so the design
    # is exactly n / N: the frequencies match within Monte Carlo error (3 standard errors).
    cases = case_list(60, rng=1)
    n, reps = 20, 4000
    rng = np.random.default_rng(7)
    counts = np.zeros(len(cases))
    for _ in range(reps):
        counts[_draw(cases, ["gender", "rosh"], n, None, rng)] += 1
    p = n / len(cases)
    assert np.abs(counts / reps - p).max() <= 4 * np.sqrt(p * (1 - p) / reps)


def test_select_uses_the_same_draw():
    # select() is _draw() plus bookkeeping: the public function's sample is the sampler's
    cases = case_list(80, rng=5)
    chosen = select(cases, 25, rng=11)
    index = _draw(cases, list(DEFAULT_STRATA), 25, None, np.random.default_rng(11))
    assert set(chosen.sample.case_id) == set(cases.loc[index, "case_id"])


def test_determinism_and_audit():
    cases = case_list(150, rng=9)
    first = select(cases, 30, reserves=4, rng=42)
    second = select(cases, 30, reserves=4, rng=42)
    assert first.sample.equals(second.sample) and first.reserves.equals(second.reserves)
    other = select(cases, 30, reserves=4, rng=43)
    assert not first.sample.equals(other.sample)
    audit = first.audit()
    assert audit["seed"] == 42 and audit["n"] == 30 and audit["population"] == 150
    assert audit["input_sha256_16"] == second.audit()["input_sha256_16"]
    changed = cases.copy()
    changed.loc[0, "gender"] = "female" if changed.loc[0, "gender"] == "male" else "male"
    assert select(changed, 30, rng=42).input_hash != first.input_hash


def test_sample_keeps_every_input_column():
    cases = case_list(100, rng=1).assign(extra="x")
    chosen = select(cases, 20, rng=1)
    assert list(chosen.sample.columns) == list(cases.columns)


def test_reserves_keep_the_balance_when_swapped_in():
    cases = case_list(200, rng=3)
    chosen = select(cases, 43, reserves=10, rng=8)
    assert list(chosen.reserves.reserve_rank) == list(range(1, 11))
    assert set(chosen.reserves.case_id).isdisjoint(chosen.sample.case_id)
    variables = list(DEFAULT_STRATA)
    reserve_cells = {tuple(row) for row in chosen.reserves[variables].to_numpy()}
    covered = [row.case_id for row in chosen.sample.itertuples()
               if tuple(getattr(row, v) for v in variables) in reserve_cells]
    assert len(covered) >= 10  # the reserves follow the sample's cells
    current = chosen
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no BalanceWarning: each swap keeps every count
        for case_id in covered[:4]:
            if tuple(current.sample.loc[current.sample.case_id == case_id, variables].iloc[0]) not in \
                    {tuple(r) for r in current.reserves[variables].to_numpy()}:
                continue  # its cell's reserve was used by an earlier swap
            current = current.replace(case_id)
            assert case_id not in set(current.sample.case_id)
            assert len(current.sample) == 43 and current.balanced
    assert len(current.replaced) >= 1
    assert len(current.reserves) == 10 - len(current.replaced)
    with pytest.raises(SamplingError, match="is not in the sample"):
        current.replace("nobody")


def test_replacement_without_a_fitting_reserve_warns():
    cases = case_list(200, rng=3)
    chosen = select(cases, 43, reserves=1, rng=8)
    variables = list(DEFAULT_STRATA)
    reserve_cell = tuple(chosen.reserves[variables].iloc[0])
    other = next(row.case_id for row in chosen.sample.itertuples()
                 if tuple(getattr(row, v) for v in variables) != reserve_cell)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        updated = chosen.replace(other)
    assert len(updated.sample) == 43
    assert updated.balanced or any(issubclass(w.category, BalanceWarning) for w in caught)


def test_replacement_prefers_the_named_reserve_then_the_same_cell():
    cases = case_list(300, rng=4)
    chosen = select(cases, 40, reserves=15, rng=2)
    variables = list(DEFAULT_STRATA)
    ways = {"named": 0, "same cell": 0}
    for out in chosen.sample.itertuples():
        named = chosen.reserves[chosen.reserves.replaces == out.case_id]
        cell = pd.Series({v: getattr(out, v) for v in variables})
        same = chosen.reserves[(chosen.reserves[variables] == cell).all(axis=1)]
        if len(named):
            expected, way = named.iloc[0].case_id, "named"
        elif len(same):
            expected, way = same.iloc[0].case_id, "same cell"
        else:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", BalanceWarning)
            assert chosen.replace(out.case_id).replaced[-1][1] == expected
        ways[way] += 1
    assert ways["named"] == 15 and ways["same cell"] > 0, ways


def test_every_reserve_names_a_sampled_case_of_its_cell_where_one_exists():
    # replaces: distinct sampled cases while there are more sampled cases than reserves, the
    # reserve's own cell whenever a sampled case of that cell is still unnamed (brute force here)
    cases = case_list(400, rng=12)
    chosen = select(cases, 50, reserves=30, rng=3)
    variables = list(DEFAULT_STRATA)
    sample_cells = {row.case_id: tuple(getattr(row, v) for v in variables) for row in chosen.sample.itertuples()}
    assert chosen.reserves.replaces.is_unique and set(chosen.reserves.replaces) <= set(sample_cells)
    named = set()
    for row in chosen.reserves.itertuples():
        cell = tuple(getattr(row, v) for v in variables)
        unnamed_same = [c for c, sc in sample_cells.items() if sc == cell and c not in named]
        if unnamed_same:
            assert sample_cells[row.replaces] == cell
        named.add(row.replaces)
    same = sum(sample_cells[r.replaces] == tuple(getattr(r, v) for v in variables) for r in chosen.reserves.itertuples())
    assert same >= 20  # the reserves follow the sample's cells


def test_more_reserves_than_cases_left_are_all_of_them_and_said():
    cases = case_list(30, rng=1)
    chosen = select(cases, 25, reserves=10, rng=1)
    assert len(chosen.reserves) == 5 and chosen.reserves_asked == 10
    assert chosen.short_of_reserves == ("10 reserves asked for but only 5 case(s) are left outside the sample "
                                        "of 25 from 30; all of them are reserves")
    assert select(cases, 25, reserves=5, rng=1).short_of_reserves is None


@pytest.mark.parametrize("seed", [-1, "7", 2.0, True])
def test_a_seed_is_a_whole_number_from_zero(seed):
    with pytest.raises(SamplingError, match="seed"):
        select(case_list(30, rng=1), 5, rng=seed)


def test_recency_share_is_balanced():
    cases = case_list(300, rng=6)
    recency = Recency("start_date", "2023-08-07", months=(6, 9), share=0.6)
    chosen = select(cases, 43, recency=recency, rng=1)
    recent = chosen.balance[chosen.balance.variable == "recent"].set_index("category")
    assert recent.loc[True, "target"] == pytest.approx(25.8)  # 60 % of 43 (Essex 2018, Annex 1)
    assert recent.loc[True, "sample"] in (25, 26)
    assert chosen.balanced


def test_a_recency_share_beyond_the_window_still_gives_n_balanced_cases():
    # 60 % of 91 is 54.6 cases, but only 50 of 199 fall in the window: the raked cell targets ask
    # some cells for more cases than they hold. The sample still has n cases, every other ratio is
    # within a case, and the recency miss is listed and warned about.
    cases = case_list(199, rng=3)
    window = Recency("start_date", "2023-08-07", months=(6, 9), share=0.6)
    recent = window.flags(cases, "start_date").sum()
    n = 91
    assert recent < 0.6 * n
    for seed in range(5, 10):  # seeds 6 and 9 gave 87 cases before the fix
        with pytest.warns(BalanceWarning, match="recent=True"):
            chosen = select(cases, n, recency=window, rng=seed)
        assert len(chosen.sample) == n and chosen.sample.case_id.is_unique
        assert set(chosen.misses.variable) == {"recent"}
        assert chosen.balance.set_index(["variable", "category"]).loc[("recent", True), "sample"] == recent


def test_domains_split_by_allocate():
    cases = case_list(300, rng=4)
    chosen = select_by_domain(cases, 28, rng=5)
    court = (cases.domain == "court").sum()
    assert {k: len(v.sample) for k, v in chosen.items()} == {
        "court": round(28 * court / 300), "out_of_court": 28 - round(28 * court / 300)}
    assert all(s.balanced for s in chosen.values())
    assert set(chosen["court"].sample.domain) == {"court"}
    # the seed is recorded in every domain's audit (it drew them all, in this order)
    assert {name: s.audit()["seed"] for name, s in select_by_domain(cases, 28, rng=2024).items()} == {
        "court": 2024, "out_of_court": 2024}


def test_synthetic_case_list_is_plausible():
    cases = case_list(2000, rng=1)
    assert cases.case_id.is_unique
    assert 0.8 < (cases.gender == "male").mean() < 0.9  # "mostly boys"
    assert (cases.rosh.isin(["high", "very high"])).mean() < 0.2  # few high-ROSH cases
    assert set(cases.domain) == {"court", "out_of_court"}
    assert pd.to_datetime(cases.start_date).max() <= pd.Timestamp("2023-08-07")


def test_columns_match_regardless_of_case_and_spacing():
    cases = case_list(80, rng=2).rename(columns={"case_id": "Case ID", "gender": " Gender ",
                                                 "safety_wellbeing": "Safety Wellbeing"})
    chosen = select(cases, 20, rng=1)
    assert chosen.balanced and "Case ID" in chosen.sample.columns


@pytest.mark.parametrize(
    ("mutate", "n", "message"),
    [
        (lambda f: f.drop(columns="rosh"), 10, r"missing case list column 'rosh'; columns found: case_id, domain"),
        (lambda f: f.assign(case_id=["x"] * len(f)), 10, r"case id 'x' appears more than once"),
        (lambda f: f.assign(gender=[None] + list(f.gender[1:])), 10, r"column 'gender' is blank for case 'S00001'"),
        (lambda f: f, 0, r"n must be at least 1 case, got 0"),
        (lambda f: f, 51, r"n = 51 is more than the 50 cases in the list"),
        (lambda f: f, 2.5, r"n must be a whole number of cases, got 2.5"),
    ],
)
def test_bad_case_lists(mutate, n, message):
    with pytest.raises(SamplingError, match=message):
        select(mutate(case_list(50, rng=1)), n, rng=1)


def test_bad_dates_and_files(tmp_path):
    cases = case_list(50, rng=1)
    cases.loc[3, "start_date"] = "31/02/2023x"
    with pytest.raises(CaseListError, match=r"the date '31/02/2023x' does not parse"):
        select(cases, 10, recency=Recency("start_date", "2023-08-07"), rng=1)
    with pytest.raises(SamplingError, match="fieldwork date 'soon' does not parse"):
        select(case_list(50, rng=1), 10, recency=Recency("start_date", "soon"), rng=1)
    with pytest.raises(CaseListError, match="no such file"):
        read_cases(tmp_path / "none.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CaseListError, match="the file is empty"):
        read_cases(empty)
    odd = tmp_path / "cases.txt"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(CaseListError, match="unknown file type '.txt'"):
        read_cases(odd)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a spreadsheet")
    with pytest.raises(CaseListError, match="not a case list workbook"):
        read_cases(broken)


def test_excel_round_trip(tmp_path):
    path = tmp_path / "cases.xlsx"
    case_list(60, rng=3).to_excel(path, index=False)
    cases = read_cases(path)
    assert len(cases) == 60 and select(cases, 15, rng=2).balanced


def test_infeasible_balance_warns_and_lists_misses():
    # Two variables that coincide except for one case; n = 2 of 4 with targets 1 and 1 on each:
    # g = (a, a, b, b), h = (x, y, y, y): h needs 0.5 -> 0 or 1 of x, and y 1.5 -> 1 or 2. Force
    # infeasibility with a third variable equal to g but needing exact halves of a different split.
    frame = pd.DataFrame({"case_id": list("pqrs"), "g": list("aabb"), "h": list("abab"), "k": list("abba")})
    # n = 2: each of g, h, k needs exactly one 'a' and one 'b'. {p, s} = (a,a,a),(b,b,a): k has two a.
    # Every pair either repeats a g or an h or a k category, so no balanced pair exists.
    with pytest.warns(BalanceWarning, match="no sample of 2 meets every ratio"):
        chosen = select(frame, 2, strata=("g", "h", "k"), rng=1)
    assert not chosen.balanced and chosen.misses["miss"].max() == 1


def test_balance_table_of_any_sample():
    from sampling.selection import balance_table

    cases = case_list(100, rng=1)
    chosen = select(cases, 20, rng=3)
    assert balance_table(cases, chosen.sample).equals(chosen.balance)
    srs = cases.sample(20, random_state=0)
    table = balance_table(cases, srs)
    counts = srs.gender.value_counts()
    assert table.loc[table.variable == "gender", "sample"].tolist() == [counts.get("female", 0), counts.get("male", 0)]


def test_replaceable_cases_keep_the_balance():
    chosen = select(case_list(120, rng=7), 43, reserves=5, rng=1)
    ids = chosen.replaceable()
    assert ids and set(ids) <= set(chosen.sample.case_id)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert chosen.replace(ids[0]).balanced
