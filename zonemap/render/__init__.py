"""Rendering: the shareable HTML map, its inlined assets and escaping."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from zonemap.errors import environment_error


def write_page(text: str | bytes, path: str | os.PathLike) -> Path:
    """Write a page (text, or bytes such as a PNG) whole or not at all: a temporary file beside it, then a rename."""
    return write_pages({Path(path): text})[0]


def write_pages(pages: dict[Path, str | bytes]) -> list[Path]:
    """Write a set of pages (a report and the charts beside it) all or none.

    Each goes to a temporary file beside it; only when every one is written
    whole are they renamed into place, so a full disk or a read-only folder
    leaves no page of the set, nor any temporary file. The error names the
    page, never its temporary file.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> [p.name for p in write_pages({folder / "r.md": "# report", folder / "r-land.svg": b"<svg/>"})]
    ['r.md', 'r-land.svg']
    """
    temporaries: dict[Path, str] = {}
    try:
        for path, text in pages.items():
            temporaries[path] = _write_temporary(text, path)
        for path, temporary in temporaries.items():
            os.replace(temporary, path)  # a rename within the folder: needs no space
    except OSError as exc:  # a full disk or a read-only folder: named as the page, never as its temporary file
        raise environment_error(exc, path) or exc from None
    finally:
        for temporary in temporaries.values():
            Path(temporary).unlink(missing_ok=True)
    return list(pages)


def _write_temporary(text: str | bytes, path: Path) -> str:
    """``text`` in a new temporary file beside ``path``, with the permissions a plain ``open()`` would give; its name."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary
