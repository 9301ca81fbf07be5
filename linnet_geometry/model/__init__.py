"""The objects of the theory: networks, their function spaces, losses.

* :mod:`.network` — :class:`~linnet_geometry.model.network.LinearNetwork`, the
  parameterization ``μ_d(W_1, …, W_h) = W_h ⋯ W_1`` (TKB2020);
* :mod:`.variety` — :class:`~linnet_geometry.model.variety.DeterminantalVariety`
  ``M_r`` of bounded-rank matrices (ideal, dimension, degree, singular locus);
* :mod:`.losses` — the :class:`~linnet_geometry.model.losses.Loss` contract and
  the quadratic, weighted, sensing and polynomial losses on matrices.
"""
