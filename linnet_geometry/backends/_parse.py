"""Reading polynomials printed by external solvers (Singular, Macaulay2) without evaluating text.

The solvers print expanded polynomials such as ``x0^2*x1-3/4*x2+12``; their integers can have thousands of
digits.  This is a small recursive-descent parser over numbers, the given variable names and ``+ - * / ^ ( )``:
nothing is evaluated as Python and no process-wide setting (``sys.set_int_max_str_digits``) is touched.
"""
from __future__ import annotations

import re

import sympy

from ..checks import str_to_int
from ..exceptions import BackendFailedError

_TOKENS = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^()]))")


def _tokenize(text):
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        m = _TOKENS.match(text, pos)
        if not m or m.end() == pos:
            raise BackendFailedError(f"expected a polynomial in the solver output; received {text[pos:pos + 40]!r} "
                                     f"at character {pos}")
        pos = m.end()
        num, name, op = m.groups()
        out.append(("n", str_to_int(num)) if num else ("v", name) if name else ("o", "^" if op == "**" else op))
    return out


class _Parser:
    def __init__(self, tokens, symbols, text):
        self.toks, self.i, self.symbols, self.text = tokens, 0, symbols, text

    def _peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def _fail(self, what):
        raise BackendFailedError(f"expected {what} in the solver output {self.text[:80]!r}; "
                                 f"received {self._peek()[1]!r}")

    def expr(self):
        terms = [self.term()]
        while self._peek() in (("o", "+"), ("o", "-")):
            sign = self.toks[self.i][1]
            self.i += 1
            t = self.term()
            terms.append(-t if sign == "-" else t)
        return sympy.Add(*terms)

    def term(self):
        factors, dens = [self.unary()], []
        while self._peek() in (("o", "*"), ("o", "/")):
            op = self.toks[self.i][1]
            self.i += 1
            (dens if op == "/" else factors).append(self.unary())
        value = sympy.Mul(*factors)
        for d in dens:
            if d == 0:
                self._fail("a non-zero divisor")
            value = value / d
        return value

    def unary(self):
        if self._peek() == ("o", "-"):
            self.i += 1
            return -self.unary()
        if self._peek() == ("o", "+"):
            self.i += 1
            return self.unary()
        base = self.atom()
        if self._peek() == ("o", "^"):
            self.i += 1
            kind, e = self._peek()
            if kind != "n":
                self._fail("a non-negative integer exponent")
            self.i += 1
            return base ** e
        return base

    def atom(self):
        kind, val = self._peek()
        if kind == "n":
            self.i += 1
            return sympy.Integer(val)
        if kind == "v":
            if val not in self.symbols:
                self._fail(f"one of the variables {sorted(self.symbols)}")
            self.i += 1
            return self.symbols[val]
        if (kind, val) == ("o", "("):
            self.i += 1
            inner = self.expr()
            if self._peek() != ("o", ")"):
                self._fail("')'")
            self.i += 1
            return inner
        self._fail("a number, a variable or '('")


def parse_solver_polynomial(text, symbols):
    """The sympy polynomial printed by a solver as ``text``, over the variables ``symbols`` (a name → Symbol map).

    Raises
    ------
    BackendFailedError
        The text is not a polynomial in the given variables.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> parse_solver_polynomial("x0^2*x1-3/4*x1+1" + "0" * 5000, {"x0": x, "x1": y}).coeff(x**2)
    y
    >>> parse_solver_polynomial("x0+__import__", {"x0": x})
    Traceback (most recent call last):
    ...
    linnet_geometry.exceptions.BackendFailedError: expected one of the variables ['x0'] in the solver output 'x0+__import__'; received '__import__'
    """
    parser = _Parser(_tokenize(text), dict(symbols), text)
    if not parser.toks:
        raise BackendFailedError("expected a polynomial in the solver output; received an empty line")
    value = parser.expr()
    if parser.i != len(parser.toks):
        parser._fail("the end of the polynomial")
    return value
