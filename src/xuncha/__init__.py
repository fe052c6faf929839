"""xuncha (巡察): recusal screening, team formation and data comparison for inspection offices."""

__version__ = "0.1.0"
