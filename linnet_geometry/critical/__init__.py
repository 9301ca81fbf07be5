"""Critical loci: function space, parameter space, classification.

* :mod:`.spectrum` — exact/numeric singular spectrum of a quadratic loss, degeneracy detection;
* :mod:`.locus` — :func:`critical_locus` for quadratic losses, by theory (THEORY §3);
* :mod:`.classify` — :func:`classify` of one parameter point, for any loss (THEORY §2);
* :mod:`.derivatives` — gradient and Hessian of ``L = ℓ ∘ μ_d``;
* :mod:`.brute_force` — independent Gröbner-basis routes used to cross-check the theory.
"""

from .classify import CriticalPointReport, Fact, classify
from .derivatives import parameter_gradient, parameter_hessian
from .locus import CriticalLocus, CriticalStratum, FunctionSpacePoint, critical_locus, fiber_dimension
from .spectrum import DegenerateDataWarning, Spectrum, spectrum

__all__ = ["classify", "CriticalPointReport", "Fact", "parameter_gradient", "parameter_hessian",
           "critical_locus", "CriticalLocus", "CriticalStratum", "FunctionSpacePoint", "fiber_dimension",
           "spectrum", "Spectrum", "DegenerateDataWarning"]
