"""Network families beyond dense linear networks.

* :mod:`.symmetry` — symmetry-induced critical subspaces of overparameterized
  two-layer networks (SGJ2021);
* :mod:`.relu` — activation regions and Jacobian ranks of ReLU networks (KMTM2024);
* :mod:`.convolutional` — linear convolutional networks and their function spaces
  of factorizable filters (KMMT2022, KMST2024).
"""
