"""Presentation of results: the graph of critical strata or points, and LaTeX derivations.

* :mod:`.graph` — :func:`~linnet_geometry.report.graph.critical_graph` (networkx; built by
  :mod:`linnet_geometry.critical.graph`), its drawing and its exports (GraphML, JSON, DOT);
* :mod:`.latex` — :func:`~linnet_geometry.report.latex.derive` of a problem,
  :func:`~linnet_geometry.report.latex.derive_result` of a computed result, rendering and compiling.

One result protocol
-------------------
:func:`~linnet_geometry.report.graph.critical_graph` and
:func:`~linnet_geometry.report.latex.derive` (``derive(result)``,
:func:`~linnet_geometry.report.latex.derive_result`) accept the results of all
three critical-point solvers, duck-typed on one protocol (defined in
:mod:`linnet_geometry.critical.results`):

* every result has ``to_dict()`` (plain data) and ``_repr_latex_()``;
* a **locus of strata** (:func:`~linnet_geometry.critical_locus`, quadratic loss) has
  ``strata`` and ``spectrum``: each stratum has ``support``, ``rank``, ``value``,
  ``value_float``, ``kind``, ``role``, ``dimension``; the graph's edges are the
  descent moves between strata (THEORY §3);
* a **set of points** (:func:`~linnet_geometry.function_space_critical_points`,
  :func:`~linnet_geometry.parameter_critical_points`) has ``points`` (or
  ``real_points``): each point has ``value`` and ``role``, and where known
  ``value_float``, ``value_interval``, ``kind``, ``rank``, ``certificate`` (or a
  ``report`` holding them); the graph's edges join points whose values are proven equal;
* ``engine``, ``network`` (or ``widths``) and ``loss`` describe the problem and the solver.

Examples
--------
>>> from linnet_geometry import LinearNetwork, QuadraticLoss, critical_locus
>>> from linnet_geometry.report.graph import critical_graph
>>> from linnet_geometry.report.latex import derive
>>> locus = critical_locus(LinearNetwork((2, 1, 2)), QuadraticLoss([[2, 0], [0, 1]]))
>>> critical_graph(locus).number_of_nodes(), derive(locus).locus is locus
(3, True)

The layers below never import this package.
"""

from . import convolutional  # noqa: E402,F401  (registers the convolutional branches of critical_graph and derive)
