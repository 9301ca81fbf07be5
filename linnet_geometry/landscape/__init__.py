"""The loss landscape beyond the critical locus of a plain loss.

* :mod:`.regularized` — weight decay: the isolated critical points of
  ``ℓ ∘ μ_d + λ‖θ‖²``, counted and classified exactly;
* :mod:`.flatness` — sharpness of minima, the flattest global minimum and
  landscape surveys of matrix-sensing problems.
"""
