"""Rendering: the shareable HTML map, its inlined assets and escaping."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from zonemap.errors import environment_error


def write_page(text: str | bytes, path: str | os.PathLike) -> Path:
    """Write a page (text, or bytes such as a PNG) whole or not at all: a temporary file beside it, then a rename."""
    path = Path(path)
    try:
        _write_whole(text, path)
    except OSError as exc:  # a full disk or a read-only folder: named as the page, never as its temporary file
        raise environment_error(exc, path) or exc from None
    return path


def _write_whole(text: str | bytes, path: Path) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as a plain open() would have made it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
