"""Critical loci: function space, parameter space, classification.

* :mod:`.spectrum` — exact/numeric singular spectrum of a quadratic loss, degeneracy detection;
* :mod:`.locus` — :func:`critical_locus` for quadratic losses, by theory (THEORY §3);
* :mod:`.classify` — :func:`classify` of one parameter point, for any loss (THEORY §2);
* :mod:`.derivatives` — gradient and Hessian of ``L = ℓ ∘ μ_d``;
* :mod:`.brute_force` — independent Gröbner-basis routes used to cross-check the theory;
* :mod:`.results` — the one protocol of critical-point results (``strata`` or ``points``,
  ``to_dict``, ``_repr_latex_``) and :func:`~.results.result_points`;
* :mod:`.graph` — the networkx graph of critical strata (descent moves) or points, for every result;
* :mod:`.general` — critical points of general polynomial losses on the strata of ``M_r``.

Families of networks above the core register their classification with
:func:`~.classify.register_classifier`; the core never imports them.
"""

from .classify import CriticalPointReport, Fact, classify, register_classifier
from .derivatives import layer_gradients, parameter_gradient, parameter_hessian, prepare_point
from .locus import CriticalLocus, CriticalStratum, FunctionSpacePoint, critical_locus, fiber_dimension
from .spectrum import DegenerateDataWarning, Spectrum, spectrum

__all__ = ["classify", "CriticalPointReport", "Fact", "register_classifier", "parameter_gradient", "parameter_hessian",
           "prepare_point", "layer_gradients",
           "critical_locus", "CriticalLocus", "CriticalStratum", "FunctionSpacePoint", "fiber_dimension",
           "spectrum", "Spectrum", "DegenerateDataWarning"]
