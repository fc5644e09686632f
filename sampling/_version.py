"""The toolkit's version, in one place (read by the package and recorded in every audit)."""

__version__ = "0.1.0"
