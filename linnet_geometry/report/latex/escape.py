"""Escaping plain text for LaTeX, so that every generated document is pure ASCII.

Plain text (statements, justifications, loss descriptions, author names) goes
through :func:`escape_text`: the ten LaTeX special characters are escaped and
every non-ASCII character is mapped to a LaTeX command (accented letters to
accent commands, Greek letters and mathematical symbols to
``\\ensuremath{...}``).  An ASCII-only source compiles the same with pdflatex
and lualatex and needs no font or input-encoding package.

Inside derivation steps, ``$...$`` delimits inline math; :func:`render_text`
escapes the text segments and passes the math segments through.
"""

from __future__ import annotations

import unicodedata

__all__ = ["escape_text", "render_text"]

_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}", ">": r"\textgreater{}",
    "|": r"\textbar{}",
}

_SYMBOLS = {
    "∇": r"\nabla", "ℓ": r"\ell", "∘": r"\circ", "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow", "→": r"\to", "←": r"\leftarrow", "↦": r"\mapsto", "‖": r"\|", "⋯": r"\cdots",
    "×": r"\times", "∈": r"\in", "∉": r"\notin", "⊆": r"\subseteq", "⊂": r"\subset", "⊇": r"\supseteq",
    "∪": r"\cup", "∩": r"\cap", "∅": r"\emptyset", "√": r"\surd", "ℝ": r"\mathbb{R}", "ℂ": r"\mathbb{C}",
    "ℕ": r"\mathbb{N}", "ℤ": r"\mathbb{Z}", "ℚ": r"\mathbb{Q}", "·": r"\cdot", "±": r"\pm", "∞": r"\infty",
    "≈": r"\approx", "≅": r"\cong", "∑": r"\sum", "∏": r"\prod", "∂": r"\partial", "⊗": r"\otimes",
    "⊔": r"\sqcup", "∖": r"\setminus", "⟨": r"\langle", "⟩": r"\rangle", "∀": r"\forall", "∃": r"\exists",
    "ᵀ": r"^{T}", "²": r"^{2}", "³": r"^{3}", "¹": r"^{1}", "⁻": r"^{-}", "−": "-", "∗": "*",
}
_SYMBOLS.update({chr(0x2080 + k): f"_{{{k}}}" for k in range(10)})
_TEXT = {"…": r"\ldots{}", "—": "---", "–": "--", "“": "``", "”": "''", "‘": "`", "’": "'", "\u00a0": "~",
         "ß": r"\ss{}", "ø": r"\o{}", "Ø": r"\O{}", "æ": r"\ae{}", "Æ": r"\AE{}", "ł": r"\l{}", "Ł": r"\L{}",
         "ı": r"\i{}", "◆": r"\ensuremath{\diamond}"}
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~", "\u0327": "c",
            "\u030c": "v", "\u0306": "u", "\u030a": "r", "\u0304": "=", "\u0307": ".", "\u030b": "H",
            "\u0328": "k"}
_GREEK_CAPITALS = {"GAMMA", "DELTA", "THETA", "LAMDA", "XI", "PI", "SIGMA", "UPSILON", "PHI", "PSI", "OMEGA"}


def _char(c: str) -> str:
    if c in _SPECIAL:
        return _SPECIAL[c]
    if ord(c) < 128:
        return c
    if c in _TEXT:
        return _TEXT[c]
    if c in _SYMBOLS:
        return r"\ensuremath{" + _SYMBOLS[c] + "}"
    name = unicodedata.name(c, "")
    if name.startswith("GREEK SMALL LETTER ") or name.startswith("GREEK CAPITAL LETTER "):
        letter = name.split()[-1]
        letter = "LAMBDA" if letter == "LAMDA" else letter
        if name.startswith("GREEK SMALL"):
            if letter == "OMICRON":
                return "o"
            if letter == "FINAL":
                return r"\ensuremath{\varsigma}"
            return r"\ensuremath{\%s}" % letter.lower()
        if letter in _GREEK_CAPITALS or letter == "LAMBDA":
            return r"\ensuremath{\%s}" % letter.capitalize()
    decomposed = unicodedata.normalize("NFD", c)
    if len(decomposed) >= 2 and ord(decomposed[0]) < 128:
        out = decomposed[0]
        for mark in decomposed[1:]:
            if mark not in _ACCENTS:
                break
            cmd = _ACCENTS[mark]
            out = (f"\\{cmd}{{{out}}}" if cmd.isalpha() else f"\\{cmd}{{{out}}}")
        else:
            return out
    return r"\ensuremath{\langle}U+%04X\ensuremath{\rangle}" % ord(c)


def escape_text(text) -> str:
    """Escape plain text for LaTeX (text mode); the result is pure ASCII.

    Examples
    --------
    >>> escape_text("||W - U||_F^2 costs 5$ & 10%")
    '\\\\textbar{}\\\\textbar{}W - U\\\\textbar{}\\\\textbar{}\\\\_F\\\\textasciicircum{}2 costs 5\\\\$ \\\\& 10\\\\%'
    >>> print(escape_text("Şimşek, Montúfar, Horobeţ: ∇ℓ ≠ 0 ⇒ θ spurious"))
    \\c{S}im\\c{s}ek, Mont\\'{u}far, Horobe\\c{t}: \\ensuremath{\\nabla}\\ensuremath{\\ell} \\ensuremath{\\ne} 0 \\ensuremath{\\Rightarrow} \\ensuremath{\\theta} spurious
    """
    return "".join(_char(c) for c in str(text))


def render_text(text: str) -> str:
    """Render a step's text: ``$...$`` segments are math (kept), the rest is escaped.

    Raises
    ------
    ValueError
        When the ``$`` delimiters are unbalanced.

    Examples
    --------
    >>> render_text("rank $r = 2$ & 100% of M_r")
    'rank $r = 2$ \\\\& 100\\\\% of M\\\\_r'
    """
    parts = str(text).split("$")
    if len(parts) % 2 == 0:
        raise ValueError(f"unbalanced $ in step text: expected an even number of '$', received {len(parts) - 1}")
    out = []
    for k, part in enumerate(parts):
        out.append(escape_text(part) if k % 2 == 0 else "$" + part + "$")
    return "".join(out)
