"""linnet_geometry: exact critical loci of neural-network losses.

The public API is curated here; see the module docstrings for the mathematics
(keys such as ``TKB2020`` refer to the bibliography in
:mod:`linnet_geometry.references`, the statements to ``docs/theory.rst``).

The package is layered (``docs/architecture.rst``)::

    exact, backends  →  model  →  critical  →  landscape, families  →  report, verification  →  cli

Every public name below is imported lazily on first use, so
``import linnet_geometry`` is fast and pulls in neither sympy's heavy
modules nor hypothesis.

Examples
--------
``__version__`` is the package version, ``MAJOR.MINOR.PATCH``:

>>> import linnet_geometry
>>> major, minor, patch = linnet_geometry.__version__.split(".")
>>> all(part.isdigit() for part in (major, minor, patch))
True
>>> linnet_geometry.LinearNetwork((2, 1, 2)).widths
(2, 1, 2)
"""

from __future__ import annotations

import importlib
import importlib.util

from . import _aliases
from .exceptions import LinnetError

#: The package version, ``MAJOR.MINOR.PATCH`` (example in the package docstring).
__version__ = "0.1.0"

_aliases.install()

# public name -> the module (relative to this package) that defines it
_EXPORTS = {}
for _module, _names in {
    "model.network": ["LinearNetwork"],
    "model.variety": ["DeterminantalVariety"],
    "model.losses": ["Loss", "ParameterLoss", "QuadraticLoss", "PolynomialLoss", "WeightedQuadraticLoss",
                     "MatrixSensingLoss"],
    "critical": ["CriticalLocus", "CriticalPointReport", "CriticalStratum", "DegenerateDataWarning",
                 "FunctionSpacePoint", "classify", "critical_locus", "fiber_dimension", "parameter_gradient",
                 "parameter_hessian", "register_classifier"],
    # critical points of general polynomial losses on the strata of M_r
    "critical.general": ["function_space_critical_points"],
    # symmetry-induced critical subspaces of two-layer networks (SGJ2021)
    "families.symmetry": ["T", "G", "T_by_dimension", "T_multilayer", "G_multilayer", "minima_count",
                          "piece_dimension", "stirling2", "TwoLayerNetwork", "example_teacher",
                          "global_minimum_subspaces", "symmetry_induced_subspaces", "GlobalMinimumPiece",
                          "SplitSubspace", "connectivity_graph", "permutation_graph", "connectivity_summary",
                          "find_critical_point", "CriticalPoint"],
    # ReLU activation regions, Jacobian ranks and the phase transition (KMTM2024)
    "families.relu": ["activation_pattern", "is_realizable", "region_jacobian", "jacobian_rank",
                      "region_critical_set", "full_rank_fraction", "phase_transition"],
    # linear convolutional networks (KMMT2022, KMST2024)
    "families.convolutional": ["ConvolutionalNetwork", "ConvolutionalFunctionSpace"],
    # graph of critical strata and LaTeX derivations
    "report.graph": ["critical_graph", "draw_critical_graph"],
    "report.latex": ["derive", "derive_result", "Derivation", "compile_latex"],
    # weight decay: isolated critical points of regularized linear networks
    "landscape.regularized": ["RegularizedLoss", "parameter_critical_points", "ParameterCriticalPoints",
                              "RealCriticalPoint", "HomotopyResult", "solve_homotopy", "solve_phc",
                              "random_regularized_loss"],
    # flat minima and landscape surveys (DHOST2016-style sensing problems)
    "landscape.flatness": ["sharpness", "Sharpness", "zero_residual_trace", "flattest_global_minimum",
                           "FlatMinimum", "landscape_survey", "LandscapeSurvey", "SurveyPoint",
                           "gaussian_sensing_problem"],
    # theorem registry (`linnet verify`)
    "verification.theorems": ["verify"],
}.items():
    for _name in _names:
        _EXPORTS[_name] = _module
del _module, _names, _name

# public modules reachable as attributes (``linnet_geometry.theorems``, …)
_MODULES = {"exceptions": "exceptions", "backends": "backends", "theorems": "verification.theorems",
            "testing": "verification.testing", "references": "references"}

__all__ = ["__version__", "LinnetError", *_MODULES, *_EXPORTS]
if importlib.util.find_spec("hypothesis") is None:  # hypothesis strategies need the test extra
    __all__.remove("testing")


def __getattr__(name: str):
    """Import a public name on first use (PEP 562)."""
    if name in _EXPORTS:
        value = getattr(importlib.import_module("." + _EXPORTS[name], __name__), name)
    elif name in _MODULES:
        value = importlib.import_module("." + _MODULES[name], __name__)
    elif name in _aliases.MODULE_ALIASES:
        value = importlib.import_module("." + _aliases.MODULE_ALIASES[name], __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
