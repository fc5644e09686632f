"""The engine behind the exact and band-accuracy sample sizes (private; see ``sampling.size``).

Two criteria, each judged at a sample of ``n`` cases drawn without replacement from ``N``
(hypergeometric; binomial for an unlimited population, the "process" view):

* margin: the coverage ``min over K of P(|X/n - K/N| <= margin)``;
* bands: the band accuracy ``min over eligible K of P(printed band of X/n = band of K/N)``,
  eligible meaning at least ``distance`` points from every band boundary.

And one construction, the same for both, that makes a size that cannot go backwards:

* ``stable_size(N)``: the smallest n such that *every* n' from n up to N meets the criterion;
* ``exact_size(N)``: the largest stable size over all populations up to N (non-decreasing in N).

How it is computed without visiting every population, and what that relies on, is written in
``methodology/sample-size.md`` section 3 and in :func:`_steps`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from .framework import BAND_LOWER_BOUNDS, band_indices, band_of_proportion, percents, proportion_cutoffs

#: |p-hat - P| <= margin is decided with this slack (0.05 is not exact in binary).
WINDOW_TOL = 1e-9
#: A coverage or accuracy meets its target when it is at least target - PROB_TOL.
PROB_TOL = 1e-12
#: log C(a, b) comes from a table of log-factorials for a below this, from Stirling's series above.
_TABLE_LIMIT = 1024
_LOG_FACTORIALS = np.zeros(0)


def _log_falling(a, b):
    """log(a! / (a - b)!) for large a (a - b >= 100): Stirling's series for log-gamma, with the
    difference of the two large terms taken through log1p so that nothing cancels:
    (a + 1/2) log1p(b / (a - b + 1)) + b log(a - b + 1) - b + c(a + 1) - c(a - b + 1), where
    c(z) = 1/(12 z) - 1/(360 z^3) + 1/(1260 z^5) (error below 1e-17 for z >= 100)."""
    a = a.astype(float)
    b = b.astype(float)
    rest = a - b + 1

    def correction(z):
        inverse = 1 / z
        return inverse * (1 / 12 - inverse * inverse * (1 / 360 - inverse * inverse / 1260))

    return ((a + 0.5) * np.log1p(b / rest) + b * np.log(rest) - b
            + correction(a + 1) - correction(rest))


def _log_comb(a, b):
    """log C(a, b) for integer arrays with 0 <= b <= a, to about 1e-13 absolute for any a."""
    global _LOG_FACTORIALS
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    if _LOG_FACTORIALS.size == 0:
        from scipy.special import gammaln

        _LOG_FACTORIALS = gammaln(np.arange(_TABLE_LIMIT, dtype=float) + 1.0)
    small = a < _TABLE_LIMIT
    b = np.minimum(b, a - b)  # C(a, b) = C(a, a - b): the smaller one
    if small.all():
        return _LOG_FACTORIALS[a] - _LOG_FACTORIALS[b] - _LOG_FACTORIALS[a - b]
    from scipy.special import gammaln

    table = np.where(small, _LOG_FACTORIALS[np.where(small, a, 0)] - _LOG_FACTORIALS[np.where(small, b, 0)]
                     - _LOG_FACTORIALS[np.where(small, a - b, 0)], 0.0)
    large = _log_falling(np.where(small, 200, a), np.where(small, 0, b)) - gammaln(b + 1.0)
    return np.where(small, table, large)


def hypergeom_interval(population, k, n, low, high):
    """P(low <= X <= high) for X ~ Hypergeometric(population, k, n), element by element.

    ``population``, ``k``, ``n``, ``low`` and ``high`` broadcast together. The sum starts at the point
    of the window nearest the mean (the largest term, so it never underflows) and walks out both
    ways by the ratio of successive terms, so each element costs one log-binomial and a few
    multiplications per case in the window. Checked against ``scipy.stats.hypergeom`` in
    ``tests/test_size.py``.
    """
    population, k, n, low, high = np.broadcast_arrays(*(np.asarray(v, dtype=np.int64)
                                                        for v in (population, k, n, low, high)))
    low = np.maximum(low, np.maximum(0, n - (population - k)))
    high = np.minimum(high, np.minimum(n, k))
    ok = high >= low
    start = np.clip((n * k) // np.maximum(population, 1), low, high)
    start = np.where(ok, start, 0)
    # terms further than ``reach`` from the mean sum to less than 2 exp(-2 reach^2 / n) < 1e-15
    # (Hoeffding 1963, which holds without replacement), so the walk stops there
    reach = math.ceil(math.sqrt(18 * int(n.max(initial=1)))) + 2
    low = np.maximum(low, start - reach)
    high = np.minimum(high, start + reach)
    kk = np.where(ok, k, 0)
    mm = np.where(ok, population, n)
    log_p = (_log_comb(kk, np.minimum(start, kk)) + _log_comb(mm - kk, np.clip(n - start, 0, mm - kk))
             - _log_comb(mm, n))
    first = np.exp(log_p)
    total = first.copy()
    kf, rest = kk.astype(float), (mm - kk - n).astype(float)
    term, x = first.copy(), start.astype(float)
    for _ in range(int(np.max(high - start, initial=0))):  # upwards: p(x+1)/p(x)
        term = term * ((kf - x) * (n - x)) / ((x + 1) * (rest + x + 1))
        x = x + 1
        total += np.where(x <= high, term, 0.0)
    term, x = first.copy(), start.astype(float)
    for _ in range(int(np.max(start - low, initial=0))):  # downwards: p(x-1)/p(x)
        term = term * (x * (rest + x)) / ((kf - x + 1) * (n - x + 1))
        x = x - 1
        total += np.where(x >= low, term, 0.0)
    return np.where(ok, np.minimum(total, 1.0), 0.0)


def binom_interval(n: int, p, low, high):
    """P(low <= X <= high) for X ~ Binomial(n, p), element by element (scipy.special.bdtr)."""
    from scipy.special import bdtr

    p, low, high = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (p, low, high)))
    low = np.maximum(low, 0)
    high = np.minimum(high, n)
    upper = np.where(high >= 0, bdtr(np.maximum(high, 0), n, p), 0.0)
    lower = np.where(low >= 1, bdtr(np.maximum(low - 1, 0), n, p), 0.0)
    return np.where(high >= low, np.clip(upper - lower, 0.0, 1.0), 0.0)


# --------------------------------------------------------------------------------------------
# the margin criterion


def margin_coverage(n: int, populations, margin: float):
    """min over K of P(|X/n - K/N| <= margin) for each population N in ``populations`` (N > n).

    The window of x is constant between break points in K, and on such a stretch the
    probability of a fixed window is unimodal in K (Karlin 1968, ch. 3), so only the stretch
    ends are evaluated: K just before and after each point where the window's low end
    ceil(n (K/N - e)) or high end floor(n (K/N + e)) moves, for K up to N/2 (coverage(K) =
    coverage(N - K)). That is about 2n values of K whatever N.
    """
    pops = np.asarray(populations, dtype=np.int64).reshape(-1, 1)
    j_low = np.arange(0, math.floor(n * (0.5 - margin)) + 2)
    j_high = np.arange(0, math.floor(n * (0.5 + margin)) + 2)
    # last K whose low end is <= j, and first K whose high end is >= j
    a = np.floor(pops * (j_low / n + margin) + WINDOW_TOL * pops).astype(np.int64)
    b = np.ceil(pops * (j_high / n - margin) - WINDOW_TOL * pops).astype(np.int64)
    half = pops // 2
    k = np.clip(np.concatenate([np.zeros_like(pops), half, a, a + 1, b - 1, b], axis=1), 0, half)
    share = k / pops
    low = np.ceil(n * (share - margin) - WINDOW_TOL).astype(np.int64)
    high = np.floor(n * (share + margin) + WINDOW_TOL).astype(np.int64)
    return hypergeom_interval(pops, k, n, low, high).min(axis=1)


def binomial_margin_coverage(n: int, margin: float) -> float:
    """inf over P in [0, 1] of P(|X/n - P| <= margin), X ~ Binomial(n, P).

    The window is constant between the break points P = x/n +- margin; the infimum is the
    limit at a break point from the side where x has just left the window (or has not yet
    entered it), so it is evaluated at the break point with that x left out.
    """
    x = np.arange(n + 1)
    above = x / n + margin  # just above: x has left the window at the bottom
    keep = above <= 1 + WINDOW_TOL
    p_above = np.clip(above[keep], 0, 1)
    low_above = x[keep] + 1
    high_above = np.floor(n * (p_above + margin) + WINDOW_TOL)
    below = x / n - margin  # just below: x has not yet entered the window at the top
    keep = below >= -WINDOW_TOL
    p_below = np.clip(below[keep], 0, 1)
    low_below = np.ceil(n * (p_below - margin) - WINDOW_TOL)
    high_below = x[keep] - 1
    values = binom_interval(n, np.concatenate([p_above, p_below]), np.concatenate([low_above, low_below]),
                            np.concatenate([high_above, high_below]))
    return float(values.min(initial=1.0))


# --------------------------------------------------------------------------------------------
# the band criterion


def band_x_ranges(n: int):
    """For each band index r: the sample counts x whose printed percentage of n is in band r."""
    low, high = band_x_bounds([n])
    return [(int(lo), int(hi)) for lo, hi in zip(low[0], high[0], strict=True)]


def band_x_bounds(ns):
    """Arrays (len(ns), bands) of the lowest and highest count x printed in each band, for each
    sample size n (``framework.percents`` then ``framework.band_indices``; empty: low > high)."""
    ns = np.asarray(ns, dtype=np.int64).reshape(-1, 1)
    x = np.arange(int(ns.max()) + 1)[None, :]
    inside = x <= ns
    idx = np.where(inside, band_indices(percents(np.minimum(x, ns), ns)), -1)
    bands = np.arange(len(BAND_LOWER_BOUNDS) + 1)
    below = ((idx[:, :, None] < bands) & inside[:, :, None]).sum(axis=1)
    upto = ((idx[:, :, None] <= bands) & inside[:, :, None]).sum(axis=1)
    return below, upto - 1


def _exact(value: float, limit: int = 1000) -> Fraction:
    return Fraction(value).limit_denominator(limit)


def _band_edges(distance: Fraction):
    """The eligible true rates as closed pieces [lower edge, upper edge], one per band, as
    exact fractions of 100 points: from 0 to the first boundary less ``distance``, from each
    boundary plus ``distance`` to the next less it, and from the last plus it to 100. With
    ``distance`` over half a point no band cut-off falls inside a piece, so each piece has the
    one band that ``framework.band_of_proportion`` gives its lower edge (a piece may be empty).
    """
    bounds = [Fraction(b) for b in BAND_LOWER_BOUNDS.values()]
    lowers = [Fraction(0)] + [b + distance for b in bounds]
    uppers = [b - distance for b in bounds] + [Fraction(100)]
    bands = [int(band_of_proportion(float(low) / 100)) if low <= 100 else -1 for low in lowers]
    return lowers, uppers, bands


def band_pieces_finite(populations, distance: Fraction):
    """Per population: (K1, K2) of each band's eligible true counts, whole cases, inclusive.

    K is eligible when |100 K - b N| >= distance x N for every band boundary b, computed in
    integers (a rate exactly ``distance`` points away is included: 45 of 100 is 5 points from 50).
    Returns arrays K1, K2 of shape (len(populations), 4) and the band index of each piece.
    """
    lowers, uppers, bands = _band_edges(distance)
    pops = np.asarray(populations, dtype=np.int64).reshape(-1, 1)
    q = math.lcm(*(f.denominator for f in lowers + uppers))
    lo = np.array([int(f * q) for f in lowers], dtype=np.int64)  # edges in 1/q points
    up = np.array([int(f * q) for f in uppers], dtype=np.int64)
    k1 = -((-lo * pops) // (100 * q))  # ceil(edge x N / 100)
    k2 = (up * pops) // (100 * q)  # floor
    return k1, np.minimum(k2, pops), bands


def band_accuracy_finite(n, populations, distance: Fraction):
    """Worst band accuracy over the eligible K of each population, and the K where it is worst.

    ``n`` is one sample size, or an array of them the length of ``populations`` (or of which
    ``populations`` is a single population). On a piece the true band, hence the set of counts x
    printed in it, is fixed, and the probability of a fixed set of x is unimodal in K (Karlin
    1968), so its minimum is at one of the piece's two ends.
    """
    ns = np.atleast_1d(np.asarray(n, dtype=np.int64))
    pops = np.asarray(populations, dtype=np.int64).reshape(-1, 1)
    k1, k2, bands = band_pieces_finite(pops, distance)
    x_low, x_high = band_x_bounds(ns)
    pieces = np.maximum(np.array(bands), 0)
    x_low = np.where(np.array(bands) >= 0, x_low[:, pieces], 1)
    x_high = np.where(np.array(bands) >= 0, x_high[:, pieces], 0)
    ks = np.concatenate([k1, k2], axis=1)
    empty = np.concatenate([k1 > k2, k1 > k2], axis=1)
    both_low, both_high = np.concatenate([x_low, x_low], axis=1), np.concatenate([x_high, x_high], axis=1)
    values = hypergeom_interval(pops, np.clip(ks, 0, pops), ns[:, None], both_low, both_high)
    values = np.where(empty, np.inf, values)
    worst = np.argmin(values, axis=1)
    rows = np.arange(values.shape[0])
    lowest = values[rows, worst]
    ks = np.broadcast_to(ks, values.shape)
    return np.where(np.isinf(lowest), 1.0, lowest), np.where(np.isinf(lowest), -1, ks[rows, worst])


def band_accuracy_process(n: int, distance: Fraction):
    """(worst accuracy, worst rate) over the eligible true rates, binomial model: the same
    pieces as proportions, the minimum over each at its ends (unimodal in P)."""
    ranges = band_x_ranges(n)
    lowers, uppers, bands = _band_edges(distance)
    ps, x_low, x_high = [], [], []
    for low, up, b in zip(lowers, uppers, bands, strict=True):
        if low > up:
            continue
        for edge in {low, up}:
            ps.append(float(edge) / 100)
            x_low.append(ranges[b][0])
            x_high.append(ranges[b][1])
    values = binom_interval(n, np.array(ps), np.array(x_low), np.array(x_high))
    i = int(np.argmin(values))
    return float(values[i]), ps[i]


def rounding_points() -> Fraction:
    """How far below a band's lower bound its printed band begins, in points: the half point by
    which printing rounds (the framework's bounds less its proportion cut-offs)."""
    return max(Fraction(b) - _exact(c, 10**6) * 100
               for b, c in zip(BAND_LOWER_BOUNDS.values(), proportion_cutoffs(), strict=True))


def widest_distance() -> Fraction:
    """The largest distance (points) a true rate can be from every band boundary: from 0 or 100
    to the nearest boundary."""
    bounds = list(BAND_LOWER_BOUNDS.values())
    return Fraction(max(min(bounds), 100 - max(bounds)))


def band_deviation(distance: Fraction) -> float:
    """The smallest move of p-hat that changes the printed band of an eligible true rate:
    distance less the half point by which printing rounds (the framework's cut-offs)."""
    return float((distance - rounding_points()) / 100)


# --------------------------------------------------------------------------------------------
# the two criteria behind one interface


@dataclass(frozen=True)
class Criterion:
    """A criterion of the stable-size construction: "margin" (coverage of +-margin at
    ``target`` confidence) or "bands" (band accuracy ``target`` at ``distance`` points)."""

    kind: str
    target: float
    margin: float = 0.0  # for "margin"
    distance: Fraction = Fraction(0)  # for "bands"

    @property
    def deviation(self) -> float:
        """A miss needs p-hat to move at least this far from the true rate."""
        return self.margin if self.kind == "margin" else band_deviation(self.distance)

    def finite(self, n: int, populations) -> np.ndarray:
        populations = np.asarray(populations, dtype=np.int64).reshape(-1)
        if self.kind == "margin":
            return margin_coverage(n, populations, self.margin)
        return band_accuracy_finite(n, populations, self.distance)[0]

    def finite_sizes(self, ns, population: int) -> np.ndarray:
        """The criterion at one population for each sample size in ``ns``."""
        if self.kind == "margin":
            return np.array([margin_coverage(int(n), [population], self.margin)[0] for n in ns])
        return band_accuracy_finite(np.asarray(ns), [population], self.distance)[0]

    def process(self, n: int) -> float:
        if self.kind == "margin":
            return binomial_margin_coverage(n, self.margin)
        return band_accuracy_process(n, self.distance)[0]

    def meets(self, value) -> np.ndarray:
        return np.asarray(value) >= self.target - PROB_TOL

    def certain(self, population: int | None) -> int:
        """The smallest n from which the criterion holds for every n' >= n by a tail bound.

        A miss needs |p-hat - P| >= t (t = ``deviation``), which has probability at most
        2 exp(-2 n t^2 / (1 - (n - 1)/N)) (Serfling 1974, Corollary 1.1; Hoeffding 1963 for an
        unlimited population), decreasing in n. Without replacement n = N always meets it.
        """
        t = self.deviation
        log_term = math.log(2 / (1 - self.target)) / 2
        if population is None:
            return max(1, math.ceil(log_term / (t * t) + 1e-9))
        bound = log_term * (1 + 1 / population) / (t * t + log_term / population)
        return min(population, max(1, math.ceil(bound + 1e-9)))

    @property
    def search_sizes(self) -> int:
        """The most sample sizes a stable-size search walks, each costing about n operations: the
        unlimited population's tail bound (:meth:`certain`), which every search computes first
        (:func:`process_values`) whatever the population. A cheap a-priori measure of the work,
        compared with :data:`SEARCH_LIMITS` before any search starts."""
        return self.certain(None)

    @property
    def searchable(self) -> bool:
        """Whether a stable size is computed in seconds: :attr:`search_sizes` within the limit."""
        return self.search_sizes <= SEARCH_LIMITS[self.kind]


#: The largest :attr:`Criterion.search_sizes` searched, per criterion: beyond it the search takes
#: from several seconds to hours (it grows faster than the square of the tail bound), and every
#: command answers within seconds. Measured by ``benchmarks/bench_exact_bound.py`` (cold, one
#: process per design, medians of 3) on a shared 2-core machine under a load of about 6: the exact
#: size took 2.1 s (unlimited) and 3.9 s (N = 1000) at 1,000 sizes, 4.8 s and 11.4 s at 1,500,
#: 16 s at 2,000; the band-accuracy size about 5 s at 5,100 unloaded. The limits leave room for
#: such load: 1,200 (80 % confidence: margins from 3.10 points; 95 %: from 3.93) and 3,000
#: (80 % accuracy: distances from 2.46 points).
SEARCH_LIMITS = {"margin": 1200, "bands": 3000}


def smallest_deviation(kind: str, target: float) -> float:
    """The smallest deviation (a proportion) whose search is within :data:`SEARCH_LIMITS`:
    ``certain(None) = ceil(log(2 / (1 - target)) / (2 t^2))`` is at most the limit L from
    t = sqrt(log(2 / (1 - target)) / (2 L)) (Hoeffding 1963, as in :meth:`Criterion.certain`)."""
    log_term = math.log(2 / (1 - target)) / 2
    return math.sqrt(log_term / (SEARCH_LIMITS[kind] - 1e-6))


# --------------------------------------------------------------------------------------------
# stable sizes


@lru_cache(maxsize=64)
def process_values(criterion: Criterion) -> tuple[float, ...]:
    """The criterion in the unlimited population for n = 1 .. (tail bound - 1)."""
    return tuple(criterion.process(n) for n in range(1, criterion.certain(None)))


@lru_cache(maxsize=64)
def process_failures(criterion: Criterion) -> tuple[int, tuple[int, ...], tuple[float, ...]]:
    """(the stable unlimited-population size, the n below it that fail, their shortfalls)."""
    values = process_values(criterion)
    failing = [n for n, v in enumerate(values, start=1) if not criterion.meets(v)]
    stable = (failing[-1] + 1) if failing else 1
    shortfall = [criterion.target - values[n - 1] for n in failing]
    return stable, tuple(failing), tuple(shortfall)


@lru_cache(maxsize=256)
def stable_size(criterion: Criterion, population: int | None, floor: int = 1) -> int:
    """The smallest n such that every n' from n up to ``population`` meets the criterion there
    (or ``floor``, if that is larger: n' below ``floor`` are not examined).

    n' at or above the tail bound (:meth:`Criterion.certain`) meet it without computation. So
    does an n' whose unlimited-population value exceeds the target by more than (n' - 1)/(N - 1):
    the hypergeometric is that close to the binomial in total variation (Ehm 1991), so no
    population count K can bring it below the target. The rest are computed exactly, from the
    top down, until the first that fails.
    """
    if population is None:
        return max(floor, process_failures(criterion)[0])
    values = process_values(criterion)
    top = min(population, criterion.certain(population)) - 1
    candidates = []
    for n in range(top, floor - 1, -1):
        slack = values[n - 1] - criterion.target if n <= len(values) else 1.0
        if population == 1 or slack <= (n - 1) / (population - 1) + PROB_TOL:
            candidates.append(n)
    for start in range(0, len(candidates), 32):  # from the top down, 32 sizes at a time
        chunk = np.array(candidates[start:start + 32])
        bad = np.flatnonzero(~criterion.meets(criterion.finite_sizes(chunk, population)))
        if bad.size:
            return int(chunk[bad[0]]) + 1
    return max(floor, 1)


def first_failure_bound(criterion: Criterion, n: int, shortfall: float) -> int:
    """A population M at and beyond which n certainly fails, for an n that fails in the limit.

    At the worst rate P* of the unlimited population the probability falls short by
    ``shortfall``. A population M has a K with K/M within 1/M of P* on the failing side; the
    binomial probability of a fixed window moves by at most n |dP| (its derivative is n times a
    difference of two probabilities), and the hypergeometric is within (n - 1)/(M - 1) of the
    binomial in total variation (Ehm 1991). So n fails at every M with
    n/M + (n - 1)/(M - 1) < shortfall.
    """
    if shortfall <= PROB_TOL:
        return 2**62
    return math.ceil((2 * n - 1) / (shortfall - PROB_TOL)) + 2


def scan_first_failure(criterion: Criterion, n: int, start: int, stop: int) -> int | None:
    """The first population M in [start, stop) at which n fails the criterion, or None."""
    batch = 16
    while start < stop:
        populations = np.arange(start, min(start + batch, stop))
        bad = np.flatnonzero(~criterion.meets(criterion.finite(n, populations)))
        if bad.size:
            return int(populations[bad[0]])
        start += populations.size
        batch = min(batch * 2, 128)
    return None


def compute_steps(criterion: Criterion, upto: int | None = None):
    """The populations at which the exact size rises: ((M, size), ...), and whether a bound stood in.

    ``exact_size(N) = 1 + max{n : n fails at some population M <= N}``. Write F(n) for the first
    population at which n fails. Working down from the largest n that fails in the unlimited
    population, each F(n) is looked for only below the smallest F found so far (a larger F
    cannot change the maximum); :func:`first_failure_bound` caps the search. n that meet the
    criterion in the unlimited population are taken never to fail at a finite one (the
    finite-population correction only helps); ``scripts/make_exact_tables.py --certify`` proves
    this for the tabulated designs.

    With ``upto``, populations above it are not searched: the steps are exact up to ``upto``,
    and an n whose F was not found there is given F = its bound, the population from which the
    binomial limit says it fails (the second value returned is then True).
    """
    _, failing, shortfalls = process_failures(criterion)
    horizon, found, bounded = 2**62, {}, False
    for n, shortfall in sorted(zip(failing, shortfalls, strict=True), reverse=True):
        bound = first_failure_bound(criterion, n, shortfall)
        stop = min(horizon, bound)
        if upto is not None and stop > upto + 1:
            hit = scan_first_failure(criterion, n, n + 1, upto + 1) if n < upto else None
            if hit is None:
                hit, bounded = stop, bounded or stop < horizon
        else:
            hit = scan_first_failure(criterion, n, n + 1, stop)
            if hit is None and stop < horizon:
                # the bound says n fails at ``stop``; confirm, and search on if it does not
                hit = scan_first_failure(criterion, n, stop, min(horizon, stop + 4096))
                bounded = bounded or hit is None
        if hit is not None and hit < horizon:
            horizon = hit
            found[n] = hit
    steps, best = [], 0
    for n, population in sorted(found.items(), key=lambda item: item[1]):
        if n + 1 > best:
            best = n + 1
            steps.append((population, best))
    return tuple(steps), bounded


def lookup(steps, population: int) -> int:
    """1 + the largest n failing at some population up to ``population``, from the steps."""
    size = 1
    for at, value in steps:
        if at > population:
            break
        size = value
    return size


def exact_margin(n: int, population: int | None, confidence: float) -> float:
    """The smallest margin e with worst-case coverage ``min_K P(|X/n - K/N| <= e) >= confidence``.

    For each K the smallest such e is a distance |x/n - K/N|: the one at which the probability of
    the x nearest K/N, taken nearest first, first reaches ``confidence``; the margin is the largest
    over K. Small populations are done that way for every K at once; larger ones (and the
    unlimited population) by bisection on e, the coverage being non-decreasing in e.
    """
    if population is not None and n >= population:
        return 0.0
    if population is not None and (population // 2 + 1) * (n + 1) <= 2_000_000:
        k = np.arange(population // 2 + 1)[:, None]
        x = np.arange(n + 1)[None, :]
        valid = (x <= k) & (n - x <= population - k)
        xs, ks = np.where(valid, x, 0), np.broadcast_to(k, (k.size, n + 1))
        log_p = (_log_comb(ks, np.minimum(xs, ks))
                 + _log_comb(population - ks, np.clip(n - xs, 0, population - ks))
                 - _log_comb(np.full_like(ks, population), np.full_like(ks, n)))
        pmf = np.where(valid, np.exp(log_p), 0.0)
        distance = np.abs(x / n - k / population)
        order = np.argsort(distance, axis=1, kind="stable")
        cumulative = np.cumsum(np.take_along_axis(pmf, order, axis=1), axis=1)
        first = np.argmax(cumulative >= confidence - PROB_TOL, axis=1)
        nearest = np.take_along_axis(distance, order, axis=1)
        return float(np.take_along_axis(nearest, first[:, None], axis=1).max())
    low, high = 0.0, 1.0
    for _ in range(50):  # bisection to about 1e-15
        mid = (low + high) / 2
        value = (binomial_margin_coverage(n, mid) if population is None
                 else float(margin_coverage(n, [population], mid)[0]))
        if value >= confidence - PROB_TOL:
            high = mid
        else:
            low = mid
    return high
