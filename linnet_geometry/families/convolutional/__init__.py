"""Linear convolutional networks: the model, its function space and critical points (KMMT2022, KMST2024).

Examples
--------
>>> from linnet_geometry.families.convolutional import ConvolutionalNetwork
>>> net = ConvolutionalNetwork((2, 2))
>>> net.parameterization()
(w1_0*w2_0, w1_0*w2_1 + w1_1*w2_0, w1_1*w2_1)
>>> net.function_space.contains([1, 0, 1])      # 1 + t^2 has no real factorization
False
"""

from .network import ConvolutionalNetwork
from .function_space import ConvolutionalFunctionSpace, RootProfile, real_root_profile, segre_generic_ed_degree

__all__ = ["ConvolutionalNetwork", "ConvolutionalFunctionSpace", "RootProfile", "real_root_profile",
           "segre_generic_ed_degree"]

from .critical import ConvolutionalProblem, classify_convolutional, convolutional_critical_points
from .results import (ConvolutionalCriticalFamily, ConvolutionalCriticalLocus, ConvolutionalCriticalPoint,
                      ConvolutionalPointReport)
from ...critical.classify import register_classifier

__all__ += ["convolutional_critical_points", "ConvolutionalCriticalLocus", "ConvolutionalCriticalPoint",
            "ConvolutionalCriticalFamily", "ConvolutionalPointReport", "ConvolutionalProblem", "classify_convolutional"]

# classify(network, loss, θ) of the core dispatches convolutional networks here
register_classifier(ConvolutionalNetwork, classify_convolutional)
