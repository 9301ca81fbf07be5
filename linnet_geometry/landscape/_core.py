"""The helpers of the critical-point core that the landscape layer builds on, imported in one place.

``parameter_gradient_parts(pp, G)`` is ``(W_{>i}ᵀ G W_{<i}ᵀ)_i``, the
chain rule of ``L = ℓ ∘ μ_d`` through the partial products ``pp`` (THEORY §1);
``prepare_point(network, loss, theta)`` validates θ against the network and
returns ``(mats, partial products, W̄, exact)``.  Both live in
:mod:`linnet_geometry.critical.derivatives`; this module is the only place of
the landscape layer that names them.
"""

from ..critical.derivatives import layer_gradients as parameter_gradient_parts
from ..critical.derivatives import prepare_point

__all__ = ["parameter_gradient_parts", "prepare_point"]
