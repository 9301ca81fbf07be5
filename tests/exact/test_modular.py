"""Quotients in ℚ[z]/(q) by p-adic lifting or FLINT's xgcd: equal to the extended-Euclid route, and exact."""

from fractions import Fraction

import flint
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_geometry.exact.modular import (check_prime, lcm_squarefree_mod, quotients_mod, rational_reconstruction,
                                        reduce_mod)
from linnet_geometry.exceptions import InputTypeError

small = st.fractions(min_value=-50, max_value=50, max_denominator=40)


@st.composite
def quotient_problems(draw):
    n = draw(st.integers(1, 6))
    q = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in draw(st.lists(small, min_size=n, max_size=n))]
                        + [flint.fmpq(draw(st.integers(1, 9)), draw(st.integers(1, 9)))])
    def poly(length):
        return flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator)
                                for c in draw(st.lists(small, min_size=1, max_size=length))])
    return q, poly(3 * n + 2), [poly(3 * n + 2) for _ in range(draw(st.integers(1, 3)))]


@pytest.mark.parametrize("method", ["lifting", "auto", "xgcd"])
@settings(max_examples=60, deadline=None)
@given(problem=quotient_problems())
def test_quotients_equal_the_extended_euclid_route(method, problem):
    q, D, Ns = problem
    if (D % q).is_zero() or (D % q).gcd(q).degree() > 0:
        with pytest.raises(ZeroDivisionError):
            quotients_mod(Ns, D, q, method=method)
        return
    g, s, _ = (D % q).xgcd(q)
    inverse = s * (1 / g[0])
    xs = quotients_mod(Ns, D, q, method=method)
    assert len(xs) == len(Ns)
    for x, N in zip(xs, Ns):
        assert x.degree() < q.degree()
        assert x == (N * inverse) % q
        assert ((D * x - N) % q).is_zero()


def test_large_heights_need_several_lifting_steps():
    """Coefficients far beyond one 63-bit prime: the lifting doubles until the exact check holds."""
    q = flint.fmpq_poly([3**80 + 7, -(5**60), 0, 11, 1])
    D = flint.fmpq_poly([flint.fmpq(2**70 + 1, 3**40), 7, -(13**25), 1])
    N = flint.fmpq_poly([1, flint.fmpq(-(7**50), 11), 2])
    [x] = quotients_mod([N], D, q, method="lifting")
    g, s, _ = (D % q).xgcd(q)
    assert x == (N * s * (1 / g[0])) % q
    assert max(abs(int(c.p)).bit_length() for c in x.coeffs()) > 500
    assert quotients_mod([N], D, q, method="xgcd") == [x]


def test_auto_method_takes_xgcd_only_when_nothing_needs_reducing(monkeypatch):
    """``auto``: inputs of degree above deg q (a factor of a larger eliminant) go to the lifting, the
    others (q the whole eliminant) to FLINT's xgcd; both give the same exact quotients."""
    import linnet_geometry.exact.modular as modular

    calls = []
    real = modular._primes
    monkeypatch.setattr(modular, "_primes", lambda *a: (calls.append(1), real(*a))[1])
    q = flint.fmpq_poly([-2, 0, 0, 1])                           # z³ − 2
    D, N = flint.fmpq_poly([1, 1, 1]), flint.fmpq_poly([0, 3])
    reduced = quotients_mod([N], D, q)
    assert calls == []                                           # xgcd: no prime drawn
    assert quotients_mod([N + q], D, q) == reduced and calls == []      # degree deg q: still xgcd
    unreduced = quotients_mod([N + q * q], D + 5 * q * flint.fmpq_poly([0, 1]), q)
    assert calls == [1] and unreduced == reduced                # the lifting, same answer
    with pytest.raises(ValueError):
        quotients_mod([N], D, q, method="newton")


def test_denominator_sharing_a_factor_with_q_is_refused():
    q = flint.fmpq_poly([-1, 0, 1])              # (z − 1)(z + 1)
    with pytest.raises(ZeroDivisionError):
        quotients_mod([flint.fmpq_poly([1])], flint.fmpq_poly([-1, 1]), q)
    with pytest.raises(ValueError):
        quotients_mod([flint.fmpq_poly([1])], flint.fmpq_poly([1]), flint.fmpq_poly([3]))


@settings(max_examples=200, deadline=None)
@given(st.fractions(max_denominator=10**6).filter(lambda f: abs(f.numerator) < 10**6))
def test_rational_reconstruction_recovers_small_fractions(f):
    m = (1 << 61) - 1                            # a prime above 2 · (10⁶)²
    a = f.numerator * pow(f.denominator, -1, m) % m
    assert rational_reconstruction(a, m) == Fraction(f)


# -- images in GF(p)[z] ----------------------------------------------------------------------------
PRIMES = [101, 32003, 2147483647]


def _fmpq_poly(coeffs):
    return flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in coeffs])


@settings(max_examples=80, deadline=None)
@given(st.lists(small, min_size=1, max_size=8), st.lists(small, min_size=1, max_size=8), st.sampled_from(PRIMES))
def test_reduction_mod_p_is_a_ring_homomorphism(f, g, p):
    """Reducing f·g, f + g equals the product and sum of the reductions (denominators prime to p)."""
    F, G = _fmpq_poly(f), _fmpq_poly(g)
    if any(int(c.q) % p == 0 for c in F.coeffs() + G.coeffs()):
        with pytest.raises(ZeroDivisionError):
            reduce_mod(F, p, keep_degree=False) * reduce_mod(G, p, keep_degree=False)
        return
    assert reduce_mod(F * G, p, keep_degree=False) == reduce_mod(F, p, keep_degree=False) * reduce_mod(G, p, keep_degree=False)
    assert reduce_mod(F + G, p, keep_degree=False) == reduce_mod(F, p, keep_degree=False) + reduce_mod(G, p, keep_degree=False)
    # the list input reads the same coefficients
    assert reduce_mod(f, p, keep_degree=False) == reduce_mod(F, p, keep_degree=False)


def test_reduction_refuses_unlucky_primes_and_bad_moduli():
    with pytest.raises(ZeroDivisionError):
        reduce_mod([Fraction(1, 7), 1], 7)                 # 7 divides a denominator
    with pytest.raises(ZeroDivisionError):
        reduce_mod([1, 2, 14], 7)                          # 7 divides the leading coefficient
    assert reduce_mod([1, 2, 14], 7, keep_degree=False).degree() == 1
    for bad in (4, 2, 2**31 + 11, 1.5, True, "7"):
        with pytest.raises(InputTypeError):
            check_prime(bad)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(-6, 6), min_size=2, max_size=4), min_size=1, max_size=4),
       st.sampled_from(PRIMES))
def test_lcm_of_squarefree_parts_has_each_root_once(factors, p):
    """lcm_squarefree_mod of a product with repeated factors is the squarefree part of the product:
    it divides the product, is squarefree and has the same roots in GF(p)."""
    acc = flint.nmod_poly([1], p)
    prod = flint.nmod_poly([1], p)
    for f in factors:
        F = flint.nmod_poly(f, p)
        if F.degree() < 1:
            continue
        acc = lcm_squarefree_mod(acc, F * F)
        prod *= F * F
    assert prod % acc == 0
    assert acc.leading_coefficient() == 1
    assert acc.gcd(acc.derivative()).degree() == 0
    assert sorted(int(r) for r, _ in acc.roots()) == sorted(int(r) for r, _ in prod.roots())
