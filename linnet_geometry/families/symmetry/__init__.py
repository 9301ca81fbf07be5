"""Symmetry-induced critical subspaces of two-layer networks (SGJ2021).

The model is ``f(x) = Σ_j a_j σ(⟨w_j, x⟩)`` with ``m`` hidden neurons, no
biases, input dimension ``d`` and ``c`` outputs (``c = 1``: scalar output).
Parameters are laid out as ``theta = (w_1, ..., w_m, a_1, ..., a_m)``: the
incoming vectors row after row (``m*d`` entries) followed by the outgoing
weights (``m*c`` entries).

Three routes are kept independent so that they can check one another:

* closed forms (:func:`T`, :func:`G`, :func:`piece_dimension`, ...) computed
  from Stirling numbers of the second kind (SGJ2021; THEORY.md §5);
* enumeration by definition (:func:`global_minimum_subspaces`,
  :func:`symmetry_induced_subspaces`), which lists set partitions / labelled
  assignments of the neurons and builds each affine piece with an exact base
  point and an exact basis of directions;
* exact linear algebra over QQ on those affine descriptions
  (:func:`affine_subspaces_intersect`, :func:`connectivity_graph`).

Conventions [convention, THEORY.md §5]: a zero-type *group* is a set of
neurons sharing one free incoming vector whose outgoing weights sum to 0
(``convention="group"``); ``convention="single"`` uses single zero neurons
(``a_j = 0``, ``w_j`` free).  A *permuted teacher point* at width ``m`` puts
teacher neuron ``pi(j)`` on neuron ``j < r*`` and gives the extra neurons
``w_j = 0, a_j = 0``.

Modules by topic: :mod:`.activation` (sigma and SGJ2021's hypotheses on it),
:mod:`~linnet_geometry.families.symmetry.network` (networks, teachers), :mod:`.counts` (closed forms),
:mod:`.subspaces` (exact affine subspaces), :mod:`.pieces` (the pieces, enumerated),
:mod:`.connectivity` (intersection graphs), :mod:`.critical_points` (numeric path).

Examples
--------
>>> T(2, 3), T(2, 3, convention="single"), G(2, 4)
(12, 12, 14)
>>> teacher = example_teacher(2, input_dim=1)
>>> pieces = list(global_minimum_subspaces(teacher, 3))
>>> len(pieces) == T(2, 3)
True
"""

from __future__ import annotations

from .activation import ActivationReport, Activation, SymmetryAssumptionWarning, activation_assumptions, as_activation
from .connectivity import (
    ConnectivitySummary,
    connectivity_graph,
    connectivity_summary,
    draw_connectivity_graph,
    permutation_graph,
)
from .counts import (
    MAX_RESULT_BITS,
    MAX_ROW_WIDTH,
    MAX_STIRLING_COST,
    G,
    G_multilayer,
    T,
    T_by_dimension,
    T_multilayer,
    minima_count,
    piece_dimension,
    stirling2,
)
from .critical_points import CriticalPoint, find_critical_point, mse_gradient, mse_hessian, mse_loss, teacher_dataset
from .network import MAX_TEACHER_ENTRIES, TwoLayerNetwork, example_teacher, permuted_teacher, same_function
from .pieces import GlobalMinimumPiece, SplitSubspace, global_minimum_subspaces, symmetry_induced_subspaces
from .subspaces import affine_subspaces_intersect


__all__ = [
    "Activation",
    "as_activation",
    "ActivationReport",
    "activation_assumptions",
    "SymmetryAssumptionWarning",
    "TwoLayerNetwork",
    "example_teacher",
    "permuted_teacher",
    "same_function",
    "stirling2",
    "MAX_ROW_WIDTH",
    "MAX_RESULT_BITS",
    "MAX_STIRLING_COST",
    "MAX_TEACHER_ENTRIES",
    "T",
    "G",
    "piece_dimension",
    "T_by_dimension",
    "T_multilayer",
    "G_multilayer",
    "minima_count",
    "GlobalMinimumPiece",
    "global_minimum_subspaces",
    "SplitSubspace",
    "symmetry_induced_subspaces",
    "affine_subspaces_intersect",
    "connectivity_graph",
    "permutation_graph",
    "ConnectivitySummary",
    "connectivity_summary",
    "draw_connectivity_graph",
    "teacher_dataset",
    "mse_loss",
    "mse_gradient",
    "mse_hessian",
    "CriticalPoint",
    "find_critical_point",
]
