"""External engines behind a safe process boundary: msolve [BES2021] and the helpers every backend uses.

* :func:`run_process` runs a tool in its own process group with a typed timeout
  (:class:`~linnet_geometry.exceptions.BackendTimeoutError`) and kills the
  whole group on timeout or interruption; a non-zero exit raises
  :class:`~linnet_geometry.exceptions.BackendFailedError`.
* :func:`msolve_solve` solves a polynomial system over QQ or GF(p) with msolve:
  dimension, number of distinct complex solutions, rational parametrization,
  certified real isolating boxes (:class:`MsolveResult`).

Examples
--------
>>> from linnet_geometry import backends
>>> sorted(n for n in backends.__all__ if n.startswith("msolve"))
['msolve_available', 'msolve_input_text', 'msolve_solve']
"""

from ._parse import parse_solver_polynomial
from ._process import find_executable, run_process
from .msolve import MsolveResult, find_msolve, msolve_available, msolve_input_text, msolve_solve, parse_msolve_output
from ..exceptions import BackendFailedError, BackendNotFoundError, BackendTimeoutError

__all__ = ["find_executable", "run_process", "find_msolve", "msolve_available", "msolve_solve", "MsolveResult",
           "parse_msolve_output", "parse_solver_polynomial", "msolve_input_text", "BackendFailedError", "BackendNotFoundError", "BackendTimeoutError"]
