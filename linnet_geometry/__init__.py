"""linnet_geometry: exact critical loci of neural-network losses.

The public API is curated here; see the module docstrings for the mathematics
(keys such as ``TKB2020`` refer to the bibliography in
:mod:`linnet_geometry.references`).

Examples
--------
``__version__`` is the package version, ``MAJOR.MINOR.PATCH``:

>>> import linnet_geometry
>>> major, minor, patch = linnet_geometry.__version__.split(".")
>>> all(part.isdigit() for part in (major, minor, patch))
True
"""

#: The package version, ``MAJOR.MINOR.PATCH`` (example in the package docstring).
__version__ = "0.1.0"

from . import exceptions
from .exceptions import LinnetError
from .network import LinearNetwork
from .variety import DeterminantalVariety
from .losses import Loss, QuadraticLoss, PolynomialLoss, WeightedQuadraticLoss, MatrixSensingLoss
from .critical import (
    CriticalLocus,
    CriticalPointReport,
    CriticalStratum,
    DegenerateDataWarning,
    FunctionSpacePoint,
    classify,
    critical_locus,
    fiber_dimension,
    parameter_gradient,
    parameter_hessian,
)

__all__ = [
    "__version__", "exceptions", "LinnetError",
    "LinearNetwork", "DeterminantalVariety", "Loss", "QuadraticLoss", "PolynomialLoss",
    "WeightedQuadraticLoss", "MatrixSensingLoss",
    "critical_locus", "CriticalLocus", "CriticalStratum", "FunctionSpacePoint", "classify",
    "CriticalPointReport", "parameter_gradient", "parameter_hessian", "fiber_dimension",
    "DegenerateDataWarning",
]

# --- subsystem exports (each block added by the module it belongs to) ---

# critical points of general polynomial losses on the strata of M_r (issue 6)
from .critical.general import function_space_critical_points

__all__ += ["function_space_critical_points"]

# symmetry-induced critical subspaces of two-layer networks (SGJ2021)
from .symmetry import (
    T, G, T_by_dimension, T_multilayer, G_multilayer, minima_count, piece_dimension, stirling2,
    TwoLayerNetwork, example_teacher, global_minimum_subspaces, symmetry_induced_subspaces,
    GlobalMinimumPiece, SplitSubspace, connectivity_graph, permutation_graph, connectivity_summary,
    find_critical_point, CriticalPoint,
)

__all__ += [
    "T", "G", "T_by_dimension", "T_multilayer", "G_multilayer", "minima_count", "piece_dimension", "stirling2",
    "TwoLayerNetwork", "example_teacher", "global_minimum_subspaces", "symmetry_induced_subspaces",
    "GlobalMinimumPiece", "SplitSubspace", "connectivity_graph", "permutation_graph", "connectivity_summary",
    "find_critical_point", "CriticalPoint",
]

# ReLU activation regions, Jacobian ranks and the phase transition (KMTM2024)
from .relu import (
    activation_pattern, is_realizable, region_jacobian, jacobian_rank, region_critical_set,
    full_rank_fraction, phase_transition,
)

__all__ += [
    "activation_pattern", "is_realizable", "region_jacobian", "jacobian_rank", "region_critical_set",
    "full_rank_fraction", "phase_transition",
]

# graph of critical strata and LaTeX derivations (issue 3)
from .graph import critical_graph, draw_critical_graph
from .latex import Derivation, compile_latex, derive

__all__ += ["critical_graph", "draw_critical_graph", "derive", "Derivation", "compile_latex"]

# weight decay: isolated critical points of regularized linear networks, counted exactly (issue 10)
from .regularized import (
    RegularizedLoss, parameter_critical_points, ParameterCriticalPoints, RealCriticalPoint, HomotopyResult,
    solve_homotopy, solve_phc, random_regularized_loss,
)

__all__ += [
    "RegularizedLoss", "parameter_critical_points", "ParameterCriticalPoints", "RealCriticalPoint", "HomotopyResult",
    "solve_homotopy", "solve_phc", "random_regularized_loss",
]

from .flatness import (
    FlatMinimum, LandscapeSurvey, Sharpness, SurveyPoint, flattest_global_minimum, gaussian_sensing_problem,
    landscape_survey, sharpness, zero_residual_trace,
)

__all__ += [
    "sharpness", "Sharpness", "zero_residual_trace", "flattest_global_minimum", "FlatMinimum", "landscape_survey",
    "LandscapeSurvey", "SurveyPoint", "gaussian_sensing_problem",
]

# linear convolutional networks: the model and its function space (KMMT2022, KMST2024)
from .convolutional import ConvolutionalFunctionSpace, ConvolutionalNetwork

__all__ += ["ConvolutionalNetwork", "ConvolutionalFunctionSpace"]

# theorem registry (`linnet verify`) and test helpers for users' suites (issue 7)
from . import theorems
from .theorems import verify

__all__ += ["theorems", "verify"]
try:  # hypothesis strategies: needs the test extra (hypothesis)
    from . import testing
except ImportError:  # pragma: no cover
    pass
else:
    __all__ += ["testing"]
