"""The bibliography: every paper key cited in docstrings, tests and LaTeX, defined once."""

__all__ = ["REFERENCES", "cite"]

#: key -> (authors, title, venue)
#:
#: Examples
#: --------
#: >>> authors, title, venue = REFERENCES["EY1936"]
#: >>> authors, venue
#: ('C. Eckart, G. Young', 'Psychometrika 1, 1936')
#: >>> "TKB2020" in REFERENCES
#: True
REFERENCES = {
    "TKB2020": ("M. Trager, K. Kohn, J. Bruna",
                "Pure and Spurious Critical Points: a Geometric Study of Linear Networks",
                "ICLR 2020, arXiv:1910.01671"),
    "SGJ2021": ("B. \u015eim\u015fek, F. Ged, A. Jacot, F. Spadaro, C. Hongler, W. Gerstner, J. Brea",
                "Geometry of the Loss Landscape in Overparameterized Neural Networks: Symmetries and Invariances",
                "ICML 2021, arXiv:2105.12221"),
    "KMTM2024": ("K. Karhadkar, M. Murray, H. Tseran, G. Mont\u00fafar",
                 "Mildly Overparameterized ReLU Networks Have a Favorable Loss Landscape",
                 "TMLR 2024, arXiv:2305.19510"),
    "BH1989": ("P. Baldi, K. Hornik",
               "Neural networks and principal component analysis: learning from examples without local minima",
               "Neural Networks 2, 1989"),
    "K2016": ("K. Kawaguchi", "Deep Learning without Poor Local Minima", "NeurIPS 2016"),
    "LvB2018": ("T. Laurent, J. von Brecht", "Deep linear networks with arbitrary loss: all local minima are global",
                "ICML 2018"),
    "ZL2018": ("Y. Zhou, Y. Liang", "Critical points of linear neural networks: analytical forms and landscape properties",
               "ICLR 2018"),
    "AMG2024": ("E. M. Achour, F. Malgouyres, S. Gerchinovitz",
                "The loss landscape of deep linear neural networks: a second-order analysis", "JMLR 25, 2024"),
    "EY1936": ("C. Eckart, G. Young", "The approximation of one matrix by another of lower rank", "Psychometrika 1, 1936"),
    "DHOST2016": ("J. Draisma, E. Horobe\u0163, G. Ottaviani, B. Sturmfels, R. R. Thomas",
                  "The Euclidean Distance Degree of an Algebraic Variety", "Found. Comput. Math. 16, 2016"),
    "MCTH2022": ("D. Mehta, T. Chen, T. Tang, J. D. Hauenstein",
                 "The loss surface of deep linear networks viewed through the algebraic geometry lens",
                 "IEEE TPAMI 44, 2022, arXiv:1810.07716"),
    "BH2023": ("A. Bharadwaj, S. Ho\u015ften", "Complex Critical Points of Deep Linear Neural Networks",
               "arXiv:2301.12651, 2023"),
    "BES2021": ("J. Berthomieu, C. Eder, M. Safey El Din",
                "msolve: A Library for Solving Polynomial Systems",
                "ISSAC 2021, arXiv:2104.03572"),
    "KMMT2022": ("K. Kohn, T. Merkh, G. Mont\u00fafar, M. Trager", "Geometry of Linear Convolutional Networks",
                 "SIAM J. Appl. Algebra Geometry 6(3), 2022, arXiv:2108.01538"),
    "KMST2024": ("K. Kohn, G. Mont\u00fafar, V. Shahverdi, M. Trager",
                 "Function Space and Critical Points of Linear Convolutional Networks",
                 "ICLR 2024, arXiv:2304.05752"),
    "SHA2024": ("V. Shahverdi", "Algebraic Complexity and Neurovariety of Linear Convolutional Networks",
                "arXiv:2401.16613, 2024"),
    "FA2000": ("K. Fukumizu, S. Amari",
               "Local minima and plateaus in hierarchical structures of multilayer perceptrons", "Neural Networks 13, 2000"),
}


def cite(key: str) -> str:
    """One-line citation of ``key``.

    Examples
    --------
    >>> cite("EY1936")
    'C. Eckart, G. Young, The approximation of one matrix by another of lower rank, Psychometrika 1, 1936 [EY1936]'
    """
    if key not in REFERENCES:
        raise KeyError(f"unknown reference key {key!r}; known: {sorted(REFERENCES)}")
    a, t, v = REFERENCES[key]
    return f"{a}, {t}, {v} [{key}]"
