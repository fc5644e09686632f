"""What the discretion modules share."""

from __future__ import annotations

from ..framework import Rating
from ..rules import resolve as as_rules
from ..rules import resolve_one as as_rule

LABELS = Rating.labels()

__all__ = ["LABELS", "as_rules", "as_rule"]
