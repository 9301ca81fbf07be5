"""Presentation of results: the graph of critical strata and LaTeX derivations.

* :mod:`.graph` — :func:`~linnet_geometry.report.graph.critical_graph` (networkx) and its drawing;
* :mod:`.latex` — :func:`~linnet_geometry.report.latex.derive`, rendering and compiling derivations.

The layers below never import this package.
"""
