"""Losses on matrices: value, gradient and Hessian, exact for exact input.

A loss ``ℓ`` acts on the end-to-end matrix ``W̄`` of shape ``(rows, cols)``.
Gradients are matrices of the same shape; Hessians are ``(rows·cols) ×
(rows·cols)`` matrices in the row-major vectorisation of
:mod:`linnet_geometry.model.network`.  Exact input (sympy Matrix) gives exact
output; float input gives float64 arrays.
"""

from __future__ import annotations

import ast
import io
import numbers
import re
import tokenize
import warnings
from fractions import Fraction

import numpy as np
import sympy

from ..checks import check_exact_entries, format_count
from ..exact.matrix import as_matrix, is_exact_matrix, rank, to_float
from ..exceptions import (
    DegenerateDataError,
    InputTypeError,
    NonFiniteError,
    ParseError,
    ProblemTooLargeError,
    ShapeError,
    SingularDataError,
)

__all__ = ["Loss", "QuadraticLoss", "PolynomialLoss", "WeightedQuadraticLoss", "MatrixSensingLoss",
           "parse_polynomial", "MAX_EXPR_LENGTH", "MAX_EXPONENT", "MAX_EXACT_HESSIAN_SIDE", "MAX_FLOAT_HESSIAN_SIDE"]

#: Largest side ``rows·cols`` of a dense exact Hessian :meth:`Loss.hessian` builds (sympy entries).
MAX_EXACT_HESSIAN_SIDE = 2_000
#: Largest side ``rows·cols`` of a dense float Hessian (a float64 array of ``side²`` entries, 2 GiB).
MAX_FLOAT_HESSIAN_SIDE = 16_384

#: Longest polynomial text :func:`parse_polynomial` accepts (characters).
MAX_EXPR_LENGTH = 200_000
#: Largest exponent ``n`` of a power ``a^n``, and largest total degree, of a parsed polynomial.
MAX_EXPONENT = 1_000
#: Largest size (bits) of a constant built by a power of numbers while parsing (``10^1000`` has 3322 bits).
_MAX_CONSTANT_BITS = 1 << 20
#: Decimal literals with a larger exponent are refused (``1e999999999`` would be a 10⁹-digit integer).
_MAX_LITERAL_EXPONENT = 10_000

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_FLOAT_LITERAL = re.compile(r"^[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?$")


def parse_polynomial(text, symbols, name: str = "expr"):
    """Parse a polynomial from text, evaluating nothing.

    The text is parsed by Python's :mod:`ast` into a syntax tree that is walked
    against an explicit whitelist: numbers (integers, fractions ``p/q``, decimals
    read as exact decimal fractions), the given symbol names, parentheses, unary
    ``+ −`` and binary ``+ − * /``, and powers ``^`` (or ``**``) with a
    non-negative integer exponent at most :data:`MAX_EXPONENT`; division only by
    a non-zero number.  Everything else — calls, attribute access, subscripts,
    lambdas, comprehensions, names not in ``symbols`` — is a
    :class:`~linnet_geometry.exceptions.ParseError`.  The sympy expression is
    then built node by node; no string ever reaches ``eval``/``sympify``.

    Parameters
    ----------
    text : str
        The polynomial, e.g. ``"(w11*w22 - 1)^2 + w12^2/2"``.
    symbols : sympy Matrix of Symbols, iterable of Symbols, or dict
        The allowed names (a dict maps names to sympy expressions).
    name : str
        Name used in error messages.

    Returns
    -------
    sympy.Expr
        A polynomial in ``symbols`` with rational coefficients.

    Examples
    --------
    >>> a, b = sympy.symbols("a b")
    >>> parse_polynomial("(a*b - 1)^2 + 0.5*b", [a, b])
    b/2 + (a*b - 1)**2
    >>> try:
    ...     parse_polynomial("__import__('os').system('echo hi')", [a, b])
    ... except ValueError as err:
    ...     print(type(err).__name__, "-", err)
    ParseError - expr: function calls are not allowed; expected a polynomial in a, b with + - * / ^, numbers and parentheses; received "__import__('os').system('echo hi')"
    """
    if isinstance(symbols, dict):
        table = dict(symbols)
    else:
        syms = list(symbols)
        if not all(isinstance(s, sympy.Symbol) for s in syms):
            raise InputTypeError(f"symbols: expected sympy Symbols; received {[type(s).__name__ for s in syms][:5]}")
        table = {s.name: s for s in syms}
    if not isinstance(text, str):
        raise InputTypeError(f"{name}: expected a string; received {type(text).__name__}")
    names = sorted(table)
    shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    preview = text if len(text) <= 120 else text[:117] + "..."

    def fail(reason):
        return ParseError(f"{name}: {reason}; expected a polynomial in {shown} with + - * / ^, numbers and "
                          f"parentheses; received {preview!r}")

    if len(text) > MAX_EXPR_LENGTH:
        raise ProblemTooLargeError(f"{name} has {len(text)} characters; expected at most {MAX_EXPR_LENGTH}")
    if not text.strip():
        raise fail("the text is empty")
    source = text.replace("^", "**")
    def parse_chunk(stripped):
        try:
            with warnings.catch_warnings():  # e.g. "invalid decimal literal" for '1e3x': the error below says it
                warnings.simplefilter("ignore", SyntaxWarning)
                tree = ast.parse(stripped, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            reason = err.msg if isinstance(err, SyntaxError) else \
                "nested too deeply for the parser" if isinstance(err, (RecursionError, MemoryError)) else str(err)
            raise fail(f"not a valid expression ({reason})") from None

        def literal(node):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                kind = "complex numbers" if isinstance(value, complex) else f"the literal {value!r}"
                raise fail(f"{kind} are not allowed" if isinstance(value, complex) else f"{kind} is not allowed")
            if isinstance(value, int):
                return sympy.Integer(value)
            segment = ast.get_source_segment(stripped, node) or ""
            if not _FLOAT_LITERAL.match(segment):
                raise fail(f"the number {segment!r} is not allowed")
            mantissa, _, exponent = segment.replace("_", "").lower().partition("e")
            if exponent and abs(int(exponent)) > _MAX_LITERAL_EXPONENT:
                raise ProblemTooLargeError(f"{name}: the number {segment!r} has exponent {exponent}; expected at most "
                                           f"{_MAX_LITERAL_EXPONENT} in absolute value")
            q = Fraction(segment.replace("_", ""))  # exact decimal fraction: 0.1 is 1/10
            return sympy.Rational(q.numerator, q.denominator)

        def exponent(value):
            # the exponent of a power: a constant non-negative integer (already built, e.g. 3^2)
            if not (isinstance(value, sympy.Integer) and value >= 0):
                raise fail(f"a power needs a constant non-negative integer exponent, not {str(value)[:40]}")
            if value > MAX_EXPONENT:
                raise ProblemTooLargeError(f"{name}: exponent {format_count(int(value))}; expected at most {MAX_EXPONENT}")
            return int(value)

        # iterative post-order walk (deeply nested input must not hit the recursion limit)
        results, chains = {}, {}
        stack = [(tree.body, False)]
        while stack:
            node, visited = stack.pop()
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
                # a chain a + b - c + ... (or a * b * ...) is summed once: repeated binary sympy
                # additions would cost quadratic time on long input
                group = (ast.Add, ast.Sub) if isinstance(node.op, (ast.Add, ast.Sub)) else (ast.Mult,)
                if not visited:
                    chain, n = [], node
                    while isinstance(n, ast.BinOp) and isinstance(n.op, group):
                        chain.append((isinstance(n.op, ast.Sub), n.right))
                        n = n.left
                    chain.append((False, n))
                    chains[id(node)] = chain
                    stack.append((node, True))
                    stack.extend((operand, False) for _, operand in chain)
                    continue
                chain = chains.pop(id(node))
                values = [-results.pop(id(o)) if neg else results.pop(id(o)) for neg, o in chain]
                results[id(node)] = sympy.Add(*values) if group[0] is ast.Add else sympy.Mul(*values)
            elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
                if not visited:
                    stack.append((node, True))
                    stack.append((node.right, False))
                    stack.append((node.left, False))
                    continue
                left = results.pop(id(node.left))
                right = results.pop(id(node.right))
                if isinstance(node.op, ast.Pow):
                    k = exponent(right)
                    if left.is_Number and k:
                        bits = max(abs(left.p).bit_length(), left.q.bit_length()) * k
                        if abs(left.p) > 1 or left.q > 1:
                            if bits > _MAX_CONSTANT_BITS:
                                raise ProblemTooLargeError(f"{name}: a constant to the power {k} would have about {bits} "
                                                           f"bits; expected at most {_MAX_CONSTANT_BITS}")
                    if left == 0 and k == 0:
                        raise fail("0^0 is undefined")
                    value = left ** k
                else:
                    if isinstance(node.op, ast.Div):
                        if not right.is_Number:
                            raise fail("division by a non-constant is not polynomial")
                        if right == 0:
                            raise fail("division by zero")
                        value = left / right
                    else:
                        raise fail(_forbidden(node))
                results[id(node)] = value
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
                if not visited:
                    stack.append((node, True))
                    stack.append((node.operand, False))
                    continue
                operand = results.pop(id(node.operand))
                results[id(node)] = -operand if isinstance(node.op, ast.USub) else operand
            elif isinstance(node, ast.Constant):
                results[id(node)] = literal(node)
            elif isinstance(node, ast.Name):
                if node.id not in table:
                    raise fail(f"unknown name {node.id!r}")
                results[id(node)] = table[node.id]
            else:
                raise fail(_forbidden(node))
        return results[id(tree.body)]

    terms = _top_level_terms(source)
    if terms is None:
        raise fail("not a valid expression (unbalanced brackets or quotes)")
    expr = sympy.Add(*[-parse_chunk(chunk) if negative else parse_chunk(chunk) for negative, chunk in terms])
    degree = _degree_bound(expr)
    if degree > MAX_EXPONENT:
        raise ProblemTooLargeError(f"{name} has degree up to {format_count(degree)}; expected at most {MAX_EXPONENT}")
    return expr


def _top_level_terms(source):
    """Split a sum at its top-level binary ``+``/``-`` into ``(negative, text)`` chunks (tokenize, no evaluation).

    Python's parser builds a long sum ``a + b + ...`` as a left-deep tree and refuses
    depths beyond about a thousand; each term is parsed on its own instead.  Text
    with line breaks is parsed whole.  ``None`` when the text cannot be tokenized.
    """
    source = source.strip()
    if "\n" in source or "\r" in source:
        return [(False, source)]
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None
    cuts, depth, previous = [], 0, None
    for tok in tokens:
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        elif (depth == 0 and tok.type == tokenize.OP and tok.string in "+-" and previous is not None
              and (previous.type in (tokenize.NAME, tokenize.NUMBER) or previous.string in ")]}")):
            cuts.append((tok.start[1], tok.string == "-"))
        if tok.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT,
                            tokenize.COMMENT):
            previous = tok
    terms, begin, negative = [], 0, False
    for col, neg in cuts:
        terms.append((negative, source[begin:col].strip()))
        begin, negative = col + 1, neg
    terms.append((negative, source[begin:].strip()))
    return terms


def _degree_bound(expr) -> int:
    """Upper bound of the total degree of a polynomial expression, without expanding (iterative)."""
    out = {}
    stack = [(expr, False)]
    while stack:
        e, visited = stack.pop()
        if e.is_Symbol:
            out[e] = 1
        elif e.is_Number or not e.args:
            out[e] = 0
        elif not visited:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args if a not in out)
        elif e.is_Add:
            out[e] = max(out[a] for a in e.args)
        elif e.is_Mul:
            out[e] = sum(out[a] for a in e.args)
        elif e.is_Pow and e.exp.is_Integer:
            out[e] = int(e.exp) * out[e.base]
        else:
            out[e] = max(out[a] for a in e.args)
    return out[expr]


def _forbidden(node) -> str:
    """Reason a syntax node is outside the whitelist of :func:`parse_polynomial`."""
    if isinstance(node, ast.Call):
        return "function calls are not allowed"
    if isinstance(node, ast.Attribute):
        return "attribute access is not allowed"
    if isinstance(node, ast.Lambda):
        return "lambda is not allowed"
    if isinstance(node, ast.Subscript):
        return "subscripts are not allowed"
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__} is not allowed"
    if isinstance(node, ast.UnaryOp):
        return f"the unary operator {type(node.op).__name__} is not allowed"
    return f"{type(node).__name__} syntax is not allowed"


def _check_polynomial(expr, W):
    """Reject anything but a polynomial with rational coefficients in the symbols of ``W``.

    A structural whitelist (no expansion, iterative): sums, products, powers with a
    non-negative integer exponent, rationals, and the symbols of ``W``.
    """
    allowed = set(W)
    stack = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, sympy.Rational):
            continue
        if isinstance(e, sympy.Symbol):
            if e not in allowed:
                raise InputTypeError(f"expr may only use the entries of W; received the symbol {e}")
            continue
        if e in (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise NonFiniteError(f"expr contains {e}; expected a polynomial with finite rational coefficients")
        if isinstance(e, sympy.Float):
            raise InputTypeError("expr has float coefficients; expected exact coefficients (use sympy.Rational)")
        if isinstance(e, (sympy.Add, sympy.Mul)):
            stack.extend(e.args)
            continue
        if isinstance(e, sympy.Pow):
            if isinstance(e.exp, sympy.Float):
                raise InputTypeError(f"expr has the float exponent in {e}; expected exact non-negative integer exponents")
            if isinstance(e.exp, sympy.Integer) and e.exp >= 0:
                stack.append(e.base)
                continue
            raise InputTypeError(f"expr has the power {e} (exponent {e.exp}); expected a polynomial: non-negative "
                                 "integer exponents only")
        if e.is_number:
            raise InputTypeError(f"expr has the coefficient {e}; expected a polynomial with rational coefficients")
        raise InputTypeError(f"expr has the non-polynomial term {e}; expected a polynomial in the entries of W")


def _check_data(M, name):
    """Loss data: non-empty, and rational when exact (floats select the numeric path)."""
    if 0 in tuple(M.shape):
        raise ShapeError(f"{name} has shape {tuple(M.shape)}; expected a non-empty matrix")
    check_exact_entries(M, name, rational=True)


class Loss:
    """Base class: a twice differentiable function ``ℓ`` of one matrix.

    Subclasses implement ``_value``, ``_gradient`` and ``_hessian`` for an
    already validated point; the public methods validate the point.

    Examples
    --------
    Every concrete loss is a :class:`Loss`:

    >>> loss = QuadraticLoss([[2, 0], [0, 1]])
    >>> isinstance(loss, Loss), loss.shape, loss.is_convex
    (True, (2, 2), True)
    >>> loss.value([[1, 0], [0, 0]]), loss.gradient([[1, 0], [0, 0]])
    (2, Matrix([
    [-2,  0],
    [ 0, -2]]))

    A minimal subclass, ``ℓ(w) = w⁴`` on ``1 × 1`` matrices:

    >>> class QuarticLoss(Loss):
    ...     shape = (1, 1)
    ...     is_exact = True
    ...     def _value(self, W):
    ...         return W[0, 0] ** 4
    ...     def _gradient(self, W):
    ...         return 4 * W.applyfunc(lambda w: w ** 3)
    ...     def _hessian(self, W):
    ...         return 12 * W.applyfunc(lambda w: w ** 2)
    >>> quartic = QuarticLoss()
    >>> quartic.value([[2]]), quartic.gradient([[2]]), quartic.hessian([[2]])
    (16, Matrix([[32]]), Matrix([[48]]))
    """

    #: shape ``(rows, cols)`` of the matrix argument
    shape: tuple
    #: True when the loss is known to be convex (enables certificates of TKB2020/LvB2018)
    is_convex: bool = False

    @property
    def is_exact(self) -> bool:
        """True when the loss data is exact (decisions can be exact)."""
        raise NotImplementedError

    def _point(self, W):
        M = as_matrix(W, "W", shape=self.shape)
        if is_exact_matrix(M) and not self.is_exact:
            M = to_float(M)
        return M

    def value(self, W):
        """``ℓ(W)``."""
        return self._value(self._point(W))

    def gradient(self, W):
        """``∇ℓ(W)``, a matrix of W's shape."""
        return self._gradient(self._point(W))

    def hessian(self, W):
        """``∇²ℓ(W)`` as a ``(rows·cols)``-square matrix (row-major vec).

        Dense: sides above :data:`MAX_EXACT_HESSIAN_SIDE` (exact) or
        :data:`MAX_FLOAT_HESSIAN_SIDE` (floats) raise
        :class:`~linnet_geometry.exceptions.ProblemTooLargeError` before any work.
        """
        point = self._point(W)
        side = self.shape[0] * self.shape[1]
        limit = MAX_EXACT_HESSIAN_SIDE if is_exact_matrix(point) else MAX_FLOAT_HESSIAN_SIDE
        if side > limit:
            raise ProblemTooLargeError(f"the Hessian of a loss on {self.shape[0]}x{self.shape[1]} matrices is a dense "
                                       f"{side}x{side} matrix; expected a side of at most {limit}")
        return self._hessian(point)

    def describe(self) -> str:
        """One-line description."""
        return repr(self)


class QuadraticLoss(Loss):
    """The squared distance ``ℓ(W) = ‖W − U‖_F²`` (or its data form).

    Parameters
    ----------
    target : matrix
        ``U``.  Rational entries (int, Fraction, sympy.Rational) keep every
        computation exact; floats select the numeric path.  Irrational exact
        entries (``sqrt(2)``, ``pi``) raise
        :class:`~linnet_geometry.exceptions.ExactInputRequiredError`.

    Notes
    -----
    The data form ``‖WX − Y‖_F²`` (see :meth:`from_data`) is stored as
    ``ℓ(W) = tr((W − Û) Σ (W − Û)ᵀ) + c`` with ``Σ = XXᵀ``,
    ``Û = Y Xᵀ Σ^{-1}`` and ``c = ‖Y‖² − tr(Û Σ Ûᵀ)`` (BH1989): the
    substitution ``W ↦ W Σ^{1/2}`` turns it into a squared distance to
    ``Û Σ^{1/2}``, whose squared singular values are the eigenvalues of
    ``Û Σ Ûᵀ``.

    Examples
    --------
    >>> loss = QuadraticLoss([[2, 0], [0, 1]])
    >>> loss.value([[0, 0], [0, 1]])
    4
    >>> loss.gradient([[0, 0], [0, 0]])
    Matrix([
    [-4,  0],
    [ 0, -2]])
    """

    is_convex = True

    def __init__(self, target, *, _covariance=None, _offset=0, _data=None):
        U = as_matrix(target, "target")
        _check_data(U, "target")
        self.target = U
        self.shape = tuple(U.shape)
        self.covariance = _covariance  # None means the identity
        self.offset = _offset
        self._data = _data

    @classmethod
    def from_data(cls, X, Y):
        """Least squares on data: ``ℓ(W) = ‖W X − Y‖_F²`` with ``X`` of shape ``d_0 × N``.

        Raises :class:`SingularDataError` when ``X Xᵀ`` is singular (the
        reduction to a squared distance needs it invertible).

        Examples
        --------
        >>> loss = QuadraticLoss.from_data([[1, 0, 1], [0, 1, 1]], [[1, 2, 3]])
        >>> loss.value([[1, 2]])
        0
        >>> loss.target
        Matrix([[1, 2]])
        """
        Xm = as_matrix(X, "X")
        Ym = as_matrix(Y, "Y")
        _check_data(Xm, "X")
        _check_data(Ym, "Y")
        if Xm.shape[1] != Ym.shape[1]:
            raise ShapeError(f"X has {Xm.shape[1]} samples (columns) and Y has {Ym.shape[1]}; expected the same number")
        exact = is_exact_matrix(Xm) and is_exact_matrix(Ym)
        if not exact:
            Xm, Ym = to_float(Xm), to_float(Ym)
            Sigma = Xm @ Xm.T
            if rank(Sigma) < Sigma.shape[0]:
                raise SingularDataError(
                    f"X X^T ({Sigma.shape[0]}x{Sigma.shape[0]}) is singular (numerical rank {rank(Sigma)}); expected "
                    f"full rank {Sigma.shape[0]}: X must have {Sigma.shape[0]} linearly independent rows")
            Uhat = np.linalg.solve(Sigma, (Ym @ Xm.T).T).T
            offset = float(np.sum(Ym * Ym) - np.trace(Uhat @ Sigma @ Uhat.T))
        else:
            Sigma = Xm * Xm.T
            rk = rank(Sigma)
            if rk < Sigma.rows:
                raise SingularDataError(
                    f"X X^T ({Sigma.rows}x{Sigma.rows}) is singular (rank {rk}); expected full rank {Sigma.rows}: "
                    f"X must have {Sigma.rows} linearly independent rows")
            Uhat = Ym * Xm.T * Sigma.inv()
            offset = sum(y**2 for y in Ym) - (Uhat * Sigma * Uhat.T).trace()
        return cls(Uhat, _covariance=Sigma, _offset=offset, _data=(Xm, Ym))

    @property
    def is_exact(self):
        return is_exact_matrix(self.target)

    @property
    def data(self):
        """``(X, Y)`` for the data form, else ``None``."""
        return self._data

    def gram_matrix(self):
        """``Û Σ Ûᵀ`` (``U Uᵀ`` without data): its eigenvalues are the squared singular values."""
        U = self.target
        if self.covariance is None:
            return U * U.T if self.is_exact else U @ U.T
        return U * self.covariance * U.T if self.is_exact else U @ self.covariance @ U.T

    def _value(self, W):
        if self._data is not None:
            X, Y = self._data
            if is_exact_matrix(W):
                R = W * X - Y
                return sum(x**2 for x in R)
            R = W @ to_float(X) - to_float(Y)
            return float(np.sum(R * R))
        if is_exact_matrix(W):
            return sum(x**2 for x in (W - self.target))
        D = W - to_float(self.target)
        return float(np.sum(D * D))

    def _gradient(self, W):
        if is_exact_matrix(W):
            D = W - self.target
            return 2 * D if self.covariance is None else 2 * D * self.covariance
        D = W - to_float(self.target)
        return 2 * D if self.covariance is None else 2 * D @ to_float(self.covariance)

    def _hessian(self, W):
        m, n = self.shape
        if is_exact_matrix(W):
            S = sympy.eye(n) if self.covariance is None else self.covariance
            return 2 * sympy.diag(*([S] * m))
        S = np.eye(n) if self.covariance is None else to_float(self.covariance)
        return 2 * np.kron(np.eye(m), S)

    def describe(self):
        if self._data is not None:
            return f"least squares ||W X - Y||_F^2 on {self._data[0].shape[1]} samples"
        return "squared distance ||W - U||_F^2"

    def __repr__(self):
        if self._data is not None:
            return f"QuadraticLoss.from_data(X: {self._data[0].shape}, Y: {self._data[1].shape})"
        return f"QuadraticLoss(target={self.target.tolist()})"

    def _latex(self, printer=None):
        if self._data is not None:
            return r"\ell(W) = \|W X - Y\|_F^2"
        U = self.target if self.is_exact else sympy.Matrix(self.target)
        return rf"\ell(W) = \|W - U\|_F^2,\quad U = {sympy.latex(U)}"

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        T = self.target
        return {"type": "quadratic", "description": self.describe(),
                "target": [[str(x) for x in row] for row in (T.tolist() if self.is_exact else T.tolist())]}


class PolynomialLoss(Loss):
    """A polynomial ``ℓ`` with rational coefficients in the entries of a matrix of symbols.

    Parameters
    ----------
    expr : sympy expression or str
        The loss, a polynomial in the entries of ``W`` with rational coefficients.
        A string is read by :func:`parse_polynomial` (a whitelist parser that
        evaluates nothing).  Anything else (``sin``, ``sqrt``, ``1/x``, ``I``,
        ``pi``, ``nan``, floats) raises a typed error at construction.
    W : sympy Matrix of Symbols
        Stands for the end-to-end matrix ``W̄``.
    convex : bool, default False
        Declare ℓ convex (enables convexity certificates; not checked).

    Examples
    --------
    >>> import sympy
    >>> W = sympy.Matrix(1, 2, sympy.symbols("a b"))
    >>> loss = PolynomialLoss((W[0] - 1)**2 + 3*(W[1] - 2)**2, W)
    >>> loss.value([[1, 0]])
    12
    >>> loss.gradient([[0, 0]])
    Matrix([[-2, -12]])
    >>> PolynomialLoss("(a - 1)^2 + 3*(b - 2)^2", W).expr == loss.expr
    True
    """

    def __init__(self, expr, W, convex: bool = False):
        if not isinstance(W, sympy.MatrixBase) or not all(isinstance(x, sympy.Symbol) for x in W):
            raise InputTypeError(f"W must be a sympy Matrix of Symbols; received {type(W).__name__}")
        if len(set(W)) != len(W):
            raise InputTypeError("W must have distinct symbols; received repeated symbols")
        if isinstance(expr, str):
            expr = parse_polynomial(expr, W)
        elif isinstance(expr, (bool, np.bool_)):
            raise InputTypeError(f"expr is the bool {expr!r}; expected a polynomial (sympy expression or string)")
        elif isinstance(expr, (numbers.Integral, np.integer)):
            expr = sympy.Integer(int(expr))
        elif isinstance(expr, Fraction):
            expr = sympy.Rational(expr.numerator, expr.denominator)
        elif isinstance(expr, (float, np.floating)):
            raise InputTypeError(f"expr is the float {expr!r}; expected exact coefficients (use sympy.Rational)")
        elif not isinstance(expr, sympy.Expr):
            raise InputTypeError(f"expr is of type {type(expr).__name__}; expected a polynomial (sympy expression or "
                                 "string) in the entries of W")
        extra = expr.free_symbols - set(W)
        if extra:
            raise InputTypeError(f"expr may only use the entries of W; received extra symbols {sorted(map(str, extra))}")
        _check_polynomial(expr, W)
        self.expr = expr
        self.symbols = W
        self.shape = tuple(W.shape)
        self.is_convex = bool(convex)
        flat = list(W)
        self._grad = sympy.Matrix(self.shape[0], self.shape[1], [sympy.diff(expr, x) for x in flat])
        self._hess = sympy.hessian(expr, flat)
        self._num = None

    @property
    def is_exact(self):
        return True

    def _subs(self, W):
        return dict(zip(list(self.symbols), list(W)))

    def _numeric(self):
        if self._num is None:
            flat = list(self.symbols)
            self._num = (sympy.lambdify([flat], self.expr, "numpy"),
                         sympy.lambdify([flat], self._grad, "numpy"),
                         sympy.lambdify([flat], self._hess, "numpy"))
        return self._num

    def _value(self, W):
        if is_exact_matrix(W):
            return sympy.expand(self.expr.xreplace(self._subs(W)))
        return float(self._numeric()[0](list(np.ravel(W))))

    def _gradient(self, W):
        if is_exact_matrix(W):
            return self._grad.xreplace(self._subs(W)).applyfunc(sympy.expand)
        return np.array(self._numeric()[1](list(np.ravel(W))), dtype=float).reshape(self.shape)

    def _hessian(self, W):
        if is_exact_matrix(W):
            return self._hess.xreplace(self._subs(W)).applyfunc(sympy.expand)
        n = self.shape[0] * self.shape[1]
        return np.array(self._numeric()[2](list(np.ravel(W))), dtype=float).reshape(n, n)

    def describe(self):
        return f"polynomial loss {self.expr}"

    def __repr__(self):
        return f"PolynomialLoss({self.expr}, W={self.symbols.tolist()})"

    def _latex(self, printer=None):
        return rf"\ell(W) = {sympy.latex(self.expr)}"

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"type": "polynomial", "expr": str(self.expr), "symbols": [str(s) for s in self.symbols]}


def _str_rows(M):
    return [[str(x) for x in row] for row in M.tolist()]


class WeightedQuadraticLoss(Loss):
    """Entrywise weighted squared distance ``ℓ(W) = Σ_ij w_ij (W_ij − U_ij)²``.

    Parameters
    ----------
    target : matrix
        ``U``.
    weights : matrix
        ``(w_ij)`` of the shape of ``U``, entrywise positive.  Unit weights
        give :class:`QuadraticLoss`; generic weights break unitary invariance,
        so no closed form for the critical points exists and non-filling
        architectures can have bad local minima (TKB2020).  For generic
        weights the number of complex critical points on a determinantal
        variety is its weighted ED degree (DHOST2016).

    Exact target and weights keep every computation exact; a float in either
    selects the numeric path.

    Examples
    --------
    >>> loss = WeightedQuadraticLoss([[1, 0], [0, 1]], [[1, 2], [3, 4]])
    >>> loss.value([[0, 0], [0, 0]])
    5
    >>> loss.gradient([[0, 1], [0, 0]])
    Matrix([
    [-2, 4],
    [ 0, -8]])
    >>> loss.hessian([[0, 0], [0, 0]]).diagonal()
    Matrix([[2, 4, 6, 8]])
    """

    is_convex = True

    def __init__(self, target, weights):
        U = as_matrix(target, "target")
        w = as_matrix(weights, "weights", shape=tuple(U.shape))
        _check_data(U, "target")
        _check_data(w, "weights")
        exact = is_exact_matrix(U) and is_exact_matrix(w)
        if not exact:
            U, w = to_float(U), to_float(w)
        rows, cols = U.shape
        for i in range(rows):
            for j in range(cols):
                if not (w[i, j] > 0):
                    raise DegenerateDataError(
                        f"weights: expected entrywise positive weights; received w[{i},{j}] = {w[i, j]}")
        self.target = U
        self.weights = w
        self.shape = (rows, cols)

    @property
    def is_exact(self):
        return is_exact_matrix(self.target)

    def _diff(self, W):
        if is_exact_matrix(W):
            return W - self.target
        return W - to_float(self.target)

    def _value(self, W):
        D = self._diff(W)
        if is_exact_matrix(W):
            return sum(w * d**2 for w, d in zip(self.weights, D))
        return float(np.sum(to_float(self.weights) * D * D))

    def _gradient(self, W):
        D = self._diff(W)
        if is_exact_matrix(W):
            return 2 * self.weights.multiply_elementwise(D)
        return 2 * to_float(self.weights) * D

    def _hessian(self, W):
        if is_exact_matrix(W):
            return 2 * sympy.diag(*list(self.weights))
        return 2 * np.diag(np.ravel(to_float(self.weights)))

    def describe(self):
        return "weighted squared distance sum_ij w_ij (W_ij - U_ij)^2"

    def __repr__(self):
        return f"WeightedQuadraticLoss(target={self.target.tolist()}, weights={self.weights.tolist()})"

    def _latex(self, printer=None):
        U = self.target if self.is_exact else sympy.Matrix(self.target)
        w = self.weights if self.is_exact else sympy.Matrix(self.weights)
        return (rf"\ell(W) = \sum_{{i,j}} w_{{ij}} (W_{{ij}} - U_{{ij}})^2,\quad U = {sympy.latex(U)},"
                rf"\quad w = {sympy.latex(w)}")

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"type": "weighted", "description": self.describe(),
                "target": _str_rows(self.target), "weights": _str_rows(self.weights)}


class MatrixSensingLoss(Loss):
    """Matrix sensing ``ℓ(W) = Σ_k (⟨A_k, W⟩ − b_k)²`` with ``⟨A, W⟩ = tr(Aᵀ W)``.

    Parameters
    ----------
    measurements : sequence of matrices
        ``A_1, …, A_K``, all of one shape (the shape of ``W``).
    values : sequence of numbers
        ``b_1, …, b_K``.

    ℓ is a convex quadratic (its Hessian ``2 Σ_k vec(A_k) vec(A_k)ᵀ`` is
    positive semidefinite), strictly convex iff the ``A_k`` span all matrices.

    Examples
    --------
    >>> loss = MatrixSensingLoss([[[1, 0], [0, 0]], [[0, 1], [1, 0]]], [1, 2])
    >>> loss.value([[1, 1], [1, 0]])
    0
    >>> loss.gradient([[0, 0], [0, 0]])
    Matrix([
    [-2, -4],
    [-4,  0]])
    """

    is_convex = True

    def __init__(self, measurements, values):
        if isinstance(measurements, (str, bytes)) or not hasattr(measurements, "__len__"):
            raise InputTypeError(
                f"measurements: expected a sequence of matrices A_k; received {type(measurements).__name__}")
        if isinstance(measurements, np.ndarray) and measurements.ndim == 2:
            raise InputTypeError(
                f"measurements: expected a sequence of matrices A_k; received one 2-D array of shape {measurements.shape}")
        if len(measurements) == 0:
            raise ShapeError("measurements: expected at least one matrix A_k; received an empty sequence")
        A = [as_matrix(a, f"measurements[{k}]") for k, a in enumerate(measurements)]
        shape = tuple(A[0].shape)
        for k, a in enumerate(A):
            if tuple(a.shape) != shape:
                raise ShapeError(f"measurements[{k}] has shape {tuple(a.shape)}; expected {shape} (the shape of A_0)")
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise InputTypeError(f"values: expected a sequence of numbers b_k; received {type(values).__name__}")
        if len(values) != len(A):
            raise ShapeError(f"values: expected {len(A)} numbers (one per measurement); received {len(values)}")
        b = as_matrix([list(values)], "values")
        for k, a in enumerate(A):
            _check_data(a, f"measurements[{k}]")
        _check_data(b, "values")
        exact = is_exact_matrix(b) and all(is_exact_matrix(a) for a in A)
        if not exact:
            A = [to_float(a) for a in A]
            b = to_float(b)
        self.measurements = A
        self.values = b
        self.shape = shape

    @property
    def is_exact(self):
        return is_exact_matrix(self.values)

    def _residuals(self, W):
        if is_exact_matrix(W):
            return [sum(x * y for x, y in zip(a, W)) - bk for a, bk in zip(self.measurements, self.values)]
        return [float(np.sum(to_float(a) * W)) - float(bk)
                for a, bk in zip(self.measurements, np.ravel(to_float(self.values)))]

    def _value(self, W):
        r = self._residuals(W)
        return sum(x**2 for x in r) if is_exact_matrix(W) else float(sum(x * x for x in r))

    def _gradient(self, W):
        r = self._residuals(W)
        if is_exact_matrix(W):
            G = sympy.zeros(*self.shape)
            for rk, a in zip(r, self.measurements):
                G += 2 * rk * a
            return G
        return sum(2 * rk * to_float(a) for rk, a in zip(r, self.measurements))

    def _hessian(self, W):
        n = self.shape[0] * self.shape[1]
        if is_exact_matrix(W):
            H = sympy.zeros(n, n)
            for a in self.measurements:
                v = sympy.Matrix(n, 1, list(a))
                H += 2 * v * v.T
            return H
        H = np.zeros((n, n))
        for a in self.measurements:
            v = np.ravel(to_float(a))
            H += 2 * np.outer(v, v)
        return H

    def describe(self):
        return f"matrix sensing sum_k (<A_k, W> - b_k)^2 with {len(self.measurements)} measurements"

    def __repr__(self):
        return (f"MatrixSensingLoss(measurements={[a.tolist() for a in self.measurements]}, "
                f"values={self.values.tolist()[0]})")

    def _latex(self, printer=None):
        return rf"\ell(W) = \sum_{{k=1}}^{{{len(self.measurements)}}} (\langle A_k, W\rangle - b_k)^2"

    def _repr_latex_(self):
        return f"${self._latex()}$"

    def to_dict(self):
        """Plain-data description (JSON-ready)."""
        return {"type": "matrix_sensing", "description": self.describe(),
                "measurements": [_str_rows(a) for a in self.measurements],
                "values": [str(x) for x in self.values.tolist()[0]]}
