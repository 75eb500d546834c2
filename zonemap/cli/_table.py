"""Plain-text tables that stay aligned with Chinese (double-width) labels, safe for a terminal.

Examples
--------
>>> terminal_text("Acme\\x1b]0;pwned\\x07 Ltd")
'Acme\\\\x1b]0;pwned\\\\x07 Ltd'
>>> clip("绿源" * 40, 10)
'绿源绿源…'
"""

from __future__ import annotations

import re
import unicodedata

#: Control characters (C0, DEL, C1: escape sequences can retitle or rewrite a terminal) and
#: invisible format characters (zero-width, bidirectional overrides that reorder what is shown).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
#: Columns a table cell shows at most; longer text is cut with an ellipsis (--json has it whole).
CELL_COLUMNS = 60


def terminal_text(text: str) -> str:
    """``text`` with control and invisible format characters shown as escapes (``\\x1b``), so a terminal prints them, not obeys them."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, columns: int = CELL_COLUMNS) -> str:
    """``text`` cut to at most ``columns`` terminal columns, an ellipsis marking the cut."""
    if display_width(text) <= columns:
        return text
    shown, width = [], 1  # room for the ellipsis
    for ch in text:
        width += display_width(ch)
        if width > columns:
            break
        shown.append(ch)
    return "".join(shown) + "…"


def render(rows: list[tuple[str, ...]], *, header: tuple[str, ...] | None = None) -> str:
    """Rows as aligned text: the first column left-aligned, the others right-aligned; each cell made safe and clipped."""
    table = [tuple(clip(terminal_text(cell)) for cell in row) for row in ([header] if header else []) + rows]
    widths = [max(display_width(row[i]) for row in table if i < len(row)) for i in range(max(map(len, table)))]
    lines = []
    for row in table:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - display_width(cell))
            cells.append(cell + pad if i == 0 else pad + cell)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
