"""zonemap: land ledger, validation and shareable maps for an industrial zone.

Examples
--------
>>> import zonemap
>>> zone = zonemap.open(zonemap.sample_path())
>>> zone.name
'示例工业集中区'
"""

from zonemap.errors import ZonemapError
from zonemap.zone import Zone, open, sample_path

__all__ = ["Zone", "ZonemapError", "open", "sample_path"]
