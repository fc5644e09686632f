"""Draw the figures of methodology/sample-size.md into methodology/figures/.

    PYTHONPATH=$PWD python scripts/make_size_figures.py

Every figure is drawn by a function of ``sampling.plots``; this script only lays them out and
saves them (about a minute: the size-by-population figure scans every population up to 400).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from sampling import band_accuracy  # noqa: E402
from sampling.plots import band_accuracy_curve, exact_coverage_curve, exact_size_curve  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "methodology" / "figures"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    fig, axes = plt.subplots(2, 1, figsize=(8, 7))
    exact_coverage_curve(102, ax=axes[0])
    exact_coverage_curve(None, ax=axes[1])
    fig.tight_layout()
    fig.savefig(OUT / "exact-coverage-sawtooth.png", dpi=120)

    fig = exact_size_curve(range(2, 401))
    fig.savefig(OUT / "exact-size-by-population.png", dpi=120)

    fig, axes = plt.subplots(3, 1, figsize=(8, 10))
    band_accuracy_curve(band_accuracy(43, 57), ax=axes[0])
    band_accuracy_curve(band_accuracy(38, 57), ax=axes[1])
    band_accuracy_curve(band_accuracy(111), ax=axes[2])
    fig.tight_layout()
    fig.savefig(OUT / "band-accuracy-57.png", dpi=120)
    for path in sorted(OUT.glob("*.png")):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
