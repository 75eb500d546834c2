"""Plain-text tables that stay aligned with Chinese (double-width) labels."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render(rows: list[tuple[str, ...]], *, header: tuple[str, ...] | None = None) -> str:
    """Rows as aligned text: the first column left-aligned, the others right-aligned."""
    table = ([header] if header else []) + rows
    widths = [max(display_width(row[i]) for row in table if i < len(row)) for i in range(max(map(len, table)))]
    lines = []
    for row in table:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - display_width(cell))
            cells.append(cell + pad if i == 0 else pad + cell)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
