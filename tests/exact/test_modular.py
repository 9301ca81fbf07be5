"""Quotients in ℚ[z]/(q) by p-adic lifting: equal to the extended-Euclid route, and exact."""

from fractions import Fraction

import flint
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linnet_geometry.exact.modular import quotients_mod, rational_reconstruction

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


@settings(max_examples=60, deadline=None)
@given(quotient_problems())
def test_quotients_equal_the_extended_euclid_route(problem):
    q, D, Ns = problem
    if (D % q).is_zero() or (D % q).gcd(q).degree() > 0:
        with pytest.raises(ZeroDivisionError):
            quotients_mod(Ns, D, q)
        return
    g, s, _ = (D % q).xgcd(q)
    inverse = s * (1 / g[0])
    xs = quotients_mod(Ns, D, q)
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
    [x] = quotients_mod([N], D, q)
    g, s, _ = (D % q).xgcd(q)
    assert x == (N * s * (1 / g[0])) % q
    assert max(abs(int(c.p)).bit_length() for c in x.coeffs()) > 500


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
