"""Checkable statements: the theorem registry and hypothesis strategies.

* :mod:`.theorems` — every statement the library implements, with its paper key,
  verified on exact and random instances (``linnet verify``);
* :mod:`.testing` — hypothesis strategies and assertion helpers for users' own
  test suites (needs the ``test`` extra).
"""
