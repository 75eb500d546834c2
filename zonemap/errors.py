"""Errors a user can act on: each says what went wrong, where, and the fix."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path


class ZonemapError(Exception):
    """A refusal caused by the data or the files; the message is one line."""


class ZoneFileError(ZonemapError):
    """The zone file is missing, not a GeoPackage, or lacks a required layer."""


class BusyError(ZonemapError):
    """Another process is writing the zone file."""


class CrsError(ZonemapError):
    """A layer's CRS is missing, or its coordinates cannot be in it."""


# A zone's working copy (.zone.gpkg.tmp-XXXX.gpkg), its lock (.zone.gpkg.lock), a page's
# temporary file (.map.html.XXXX.tmp) or an export's temporary folder (.out.shp.XXXX).
_TEMPORARY = re.compile(r"^\.(?P<name>.+?)\.(?:tmp-\w+\.gpkg|\w+\.tmp|lock|\w{8})$")

#: errno → (what happened, the fix), for failures of the machine rather than the data.
_ENVIRONMENT: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full", "free some space (or write elsewhere) and run it again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space (or write elsewhere) and run it again"),
    errno.EROFS: ("is on a read-only file system", "copy it to a writable folder (or write elsewhere)"),
    errno.EACCES: ("permission denied", "make the file and its folder writable, or copy the zone to a folder of yours"),
    errno.EPERM: ("permission denied", "make the file and its folder writable, or copy the zone to a folder of yours"),
    errno.EISDIR: ("is a folder", "give a file name"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "check the path"),
    errno.ENOENT: ("no such file or folder", "check the path"),
}
# SQLite and GDAL report the same failures as text, without an errno.
_ENVIRONMENT_TEXT: dict[str, int] = {
    "disk is full": errno.ENOSPC,
    "no space left": errno.ENOSPC,
    "readonly database": errno.EROFS,
    "read-only file system": errno.EROFS,
    "permission denied": errno.EACCES,
}


def shown_path(path: str | os.PathLike) -> str:
    """``path`` as the user knows it: a temporary file, folder or lock of zonemap's is named by the file it stands for.

    Examples
    --------
    >>> shown_path("/data/.z.gpkg.tmp-8u_pq577.gpkg")
    '/data/z.gpkg'
    >>> shown_path("/out/.r.md-map.html.k2j3h4g5.tmp")
    '/out/r.md-map.html'
    """
    parts = list(Path(str(path)).parts)  # str: a database zone is named by its URL
    for i, part in enumerate(parts):
        match = _TEMPORARY.match(part)
        if match:
            return str(Path(*parts[:i], match["name"]))
    return str(path)


def environment_error(exc: BaseException, where: str | os.PathLike | None = None) -> ZonemapError | None:
    """A disk, permission or path failure as one line naming the file and the fix; ``None`` for other errors.

    ``where`` names the file when the error does not (``shutil.copy`` and SQLite often do not).
    """
    code = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    text = str(exc).lower()
    if code not in _ENVIRONMENT:
        code = next((c for phrase, c in _ENVIRONMENT_TEXT.items() if phrase in text), None)
    if code is None:
        return None
    what, fix = _ENVIRONMENT[code]
    filename = getattr(exc, "filename", None) or where
    place = shown_path(filename) if filename else "zonemap"
    return ZonemapError(f"{place}: {what}; {fix}; nothing was changed")


class ZonemapWarning(UserWarning):
    """Something the user should know that does not stop the command (the CLI prints it as one line)."""
