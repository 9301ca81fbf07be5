"""Exact and certified linear algebra, independent of any network.

* :mod:`.matrix` — matrix parsing and validation, exact ranks and inertia
  (rational characteristic polynomials, Descartes' rule), and float inertia
  certified by a backward-error bound (answering "undetermined" when it cannot).

Nothing here knows about networks or losses; the layers above build on it.
"""
