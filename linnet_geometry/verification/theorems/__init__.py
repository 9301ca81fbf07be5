"""A registry of checkable statements of THEORY.md, run on random instances.

Each :class:`~linnet_geometry.verification.theorems.registry.Statement` carries its registry key,
the section and title of THEORY.md it comes from, the paper key that justifies it, the statement in
LaTeX, a seedable generator of random instances (exact rational by default, numeric on request, with
size parameters) and a *check*. A check always compares two independent routes — a closed form
against an explicit Jacobian, the theory locus against the exact Hessian of its representatives, a
Gröbner elimination against the list of critical values, a Stirling-number count against an
enumeration by definition — and returns ``None`` (pass) or a string describing the concrete
counterexample; it never compares a value with itself.  A built-in statement is written once: its
title, LaTeX and routes are the docstring of its check, which
:func:`~linnet_geometry.verification.theorems.registry.statement` reads.

:func:`~linnet_geometry.verification.theorems.registry.verify` runs the statements over many seeded
trials, in local processes by default or on any :class:`concurrent.futures.Executor` (a
``dask.distributed`` client's ``get_executor()`` for example). Trial ``k`` of statement ``name``
draws its instance from ``numpy.random.SeedSequence(seed, spawn_key=(crc32(name), k))``, so the
outcome does not depend on where or in which order trials run: the parallel report equals the serial
one.

The package is organised by topic; importing it registers the built-in statements in THEORY.md
order:

* :mod:`.registry` — :class:`~linnet_geometry.verification.theorems.registry.Statement`,
  :func:`~linnet_geometry.verification.theorems.registry.register`,
  :func:`~linnet_geometry.verification.theorems.registry.verify`, reports;
* :mod:`.instances` — random exact instances (matrices of given rank, targets
  with given singular values, exact critical points);
* :mod:`.dense` — §1–2: rank of dμ, the functional space ``M_r``, pure and
  spurious points (TKB2020);
* :mod:`.quadratic` — §3–4: the Eckart–Young landscape, Morse indices, the
  origin, data losses, degenerate targets, ED degree (TKB2020, EY1936, BH1989,
  AMG2024, K2016, DHOST2016, LvB2018);
* :mod:`.symmetry` — §5: symmetry-induced critical subspaces (SGJ2021);
* :mod:`.relu` — §6: ReLU activation regions (KMTM2024);
* :mod:`.convolutional` — linear convolutional networks (KMMT2022, KMST2024).

:func:`~linnet_geometry.verification.theorems.registry.register` adds user statements (e.g. a
deliberately wrong formula in a test, to see failure reporting).

Examples
--------
>>> from linnet_geometry import theorems
>>> len(theorems.names()) >= 15
True
>>> theorems.get("rank_formula").reference
'TKB2020'
>>> report = theorems.verify("rank_formula", trials=5, executor="serial")
>>> report.ok, report["rank_formula"].passes
(True, 5)

An instance of each topic module (a generator ``gen_*`` and a check ``check_*``
of it), drawn by hand:

>>> import numpy as np
>>> for topic, gen, check in [(theorems.dense, gen_theta, check_rank_formula),
...                           (theorems.quadratic, gen_quadratic, check_morse_index),
...                           (theorems.symmetry, gen_sgj_G, check_sgj_G),
...                           (theorems.relu, gen_relu_wide, check_relu_wide),
...                           (theorems.convolutional, gen_conv_dimension, check_conv_dimension)]:
...     inst = gen(np.random.default_rng(0))
...     keys = sorted(k for k in inst if not k.startswith("_"))
...     print(topic.__name__.rsplit(".", 1)[1], keys, check(inst) is None)  # None: the two routes agree
dense ['theta', 'widths'] True
quadratic ['U', 'loss', 'widths'] True
symmetry ['incoming', 'm', 'outgoing', 'r'] True
relu ['X', 'd0', 'd1', 'n'] True
convolutional ['extra_outputs', 'filter_sizes', 'size', 'strides', 'theta'] True
"""

from __future__ import annotations

from . import convolutional, dense, quadratic, registry, relu, symmetry
from .convolutional import *  # noqa: F401,F403  (generators and checks, importable from here as before)
from .dense import *  # noqa: F401,F403
from .instances import _generic_target  # noqa: F401  (used by test suites)
from .quadratic import *  # noqa: F401,F403
from .quadratic import _standard_monomial_count  # noqa: F401  (used by test suites)
from .registry import (Statement, StatementResult, TrialOutcome, UnknownStatementError, VerificationReport, get,
                       names, register, run_trial, statements, trial_seed, unregister, verify)
from .relu import *  # noqa: F401,F403
from .symmetry import *  # noqa: F401,F403

__all__ = list(registry.__all__)  # the topic modules' generators and checks stay importable, outside __all__

# the built-in statements, in THEORY.md order (the order of `linnet verify` and of `names()`)
for _topic in (dense, quadratic, symmetry, relu, convolutional):
    registry.register_module(_topic.__name__)
del _topic
