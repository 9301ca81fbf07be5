"""linnet_geometry: exact critical loci of neural-network losses.

The public API is curated here; see the module docstrings for the mathematics
(keys such as ``TKB2020`` refer to the bibliography in
:mod:`linnet_geometry.references`).
"""

__version__ = "0.1.0"

from . import exceptions
from .exceptions import LinnetError

__all__ = ["__version__", "exceptions", "LinnetError"]

# --- subsystem exports (each block added by the module it belongs to) ---
