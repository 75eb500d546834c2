"""Plain-text tables that stay aligned with Chinese (double-width) labels, safe for a terminal.

Examples
--------
>>> terminal_text("Acme\\x1b]0;pwned\\x07 Ltd")
'Acme\\\\x1b]0;pwned\\\\x07 Ltd'
>>> print(render([("绿源" * 40, "1.00")]))
绿源绿源绿源绿源绿源绿源绿源绿源绿源绿源绿源绿源绿源绿源绿…  1.00
"""

from __future__ import annotations

from zonemap.ids import INVISIBLE
from zonemap.render.escape import clip, display_width

#: Columns a table cell shows at most; longer text is cut with an ellipsis (--json has it whole).
CELL_COLUMNS = 60


def terminal_text(text: str) -> str:
    """``text`` with control and invisible format characters shown as escapes (``\\x1b``), so a terminal prints them, not obeys them."""
    # Control characters (escape sequences can retitle or rewrite a terminal) and invisible
    # format characters (zero-width, bidirectional overrides that reorder what is shown).
    return INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def render(rows: list[tuple[str, ...]], *, header: tuple[str, ...] | None = None) -> str:
    """Rows as aligned text: the first column left-aligned, the others right-aligned; each cell made safe and clipped."""
    table = [tuple(clip(terminal_text(cell), CELL_COLUMNS) for cell in row) for row in ([header] if header else []) + rows]
    widths = [max(display_width(row[i]) for row in table if i < len(row)) for i in range(max(map(len, table)))]
    lines = []
    for row in table:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - display_width(cell))
            cells.append(cell + pad if i == 0 else pad + cell)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
