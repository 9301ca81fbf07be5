"""Whitelist parsing of polynomial text, and validation of polynomial expressions.

:func:`parse_polynomial` reads user text into a sympy polynomial without ever
evaluating it (no ``eval``, no ``sympify`` of the text); :func:`_check_polynomial`
checks that a sympy expression is a polynomial with rational coefficients.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from fractions import Fraction

import sympy

from ...checks import format_count
from ...exceptions import InputTypeError, NonFiniteError, ParseError, ProblemTooLargeError

__all__ = ["parse_polynomial", "MAX_EXPR_LENGTH", "MAX_EXPONENT"]

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

