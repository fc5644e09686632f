"""What the discretion modules share."""

from __future__ import annotations

from .._errors import SamplingError
from ..framework import BAND_LOWER_BOUNDS, Rating
from ..rules import resolve as as_rules
from ..rules import resolve_one as as_rule

LABELS = Rating.labels()

__all__ = ["LABELS", "as_rules", "as_rule", "check_youth_bands"]


def check_youth_bands(report) -> None:
    """Refuse a report whose framework bands key questions other than at 50, 65 and 80 %.

    The candidate rules (:mod:`sampling.rules`) and their exact operating characteristics are
    written for the youth frameworks' bands (Essex 2018, Annex 1); rather than weigh another
    framework's evidence against the wrong boundaries, they say so.
    """
    bounds, youth = tuple(report.framework.band_lower_bounds), tuple(BAND_LOWER_BOUNDS.values())
    if bounds != youth:
        raise SamplingError(
            f"framework {report.framework.name!r} bands key questions from "
            f"{', '.join(map(str, bounds))} %: "
            f"the discretion rules are written for the youth bands ({', '.join(map(str, youth))} %) and are "
            "not computed for other bands; rate the report (rate_report) and its uncertainty "
            "(rating_distribution) instead")
