"""Positive-dimensional chart ideals (non-generic data): see :mod:`linnet_geometry.critical.general._components`.

Kept so that ``linnet_geometry.critical._components`` stays importable; the implementation lives in the
``general`` subpackage, next to the chart solvers it uses.
"""

from ..exceptions import DegenerateDataError, ProblemTooLargeError  # noqa: F401
from .general._components import (  # noqa: F401
    _POSITIVE, _SLICE_SEEDS, MAX_DELTA_VARIABLES, ChartDecomposition, CriticalComponent, _candidates,
    _certified_positive, _nonreal_component, _Positive, _real_family, _slice_dimension, _solve, component_lines,
    decompose_chart)
from .general._components import __all__  # noqa: F401
