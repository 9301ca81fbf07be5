"""Exact and certified linear algebra, independent of any network.

* :mod:`.representation` — the exact (sympy) and float (numpy) matrix
  representations behind one protocol (``EXACT``, ``FLOAT``, chosen by
  ``representation_of``): conversions, products, ranks, null spaces and zero
  tests, so code above runs unchanged on both.
* :mod:`.matrix` — matrix parsing and validation, exact ranks and inertia
  (rational characteristic polynomials, Descartes' rule), and float inertia
  certified by a backward-error bound (answering "undetermined" when it cannot).

Nothing here knows about networks or losses; the layers above build on it.
"""
