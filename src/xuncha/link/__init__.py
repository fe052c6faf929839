"""Entity resolution: link every departmental row that names a person to a person key.

Exact on ID numbers, near numbers as candidates for review, and Splink (DuckDB backend)
with comparisons built for Chinese names, dates and places for rows without a usable number.
"""

from xuncha.link.model import LinkResult
from xuncha.link.run import link

__all__ = ["LinkResult", "link"]
