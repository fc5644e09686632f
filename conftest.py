"""Loaded by pytest before any test or notebook runs (the repository root's conftest).

matplotlib prints "Matplotlib is building the font cache" to stderr the first time it is imported
on a fresh machine. Inside a notebook kernel that line would become an output nbval does not
expect, so the cache is built here, in the pytest process, before any kernel starts.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.font_manager  # noqa: E402,F401  (building the cache is the point)
