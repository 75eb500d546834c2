"""Errors a user can act on: each says what went wrong, where, and the fix."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path


class ZonemapError(Exception):
    """A refusal caused by the data or the files; the message is one line.

    Raised with a ``code`` of :mod:`zonemap.i18n` and its fields, the error
    reads in either language (:meth:`text`; ``str()`` is English, for logs and
    notebooks); raised with a message, it reads as written.

    Examples
    --------
    >>> error = ZonemapError(code="error.disk_full", place="z.gpkg")
    >>> error.text("zh")
    'z.gpkg：磁盘已满；请腾出空间（或写到别处）后重试；未做任何更改'
    """

    def __init__(self, message: str = "", *, code: str | None = None, **fields: object) -> None:
        from zonemap.i18n import word

        self.code, self.fields = code, fields
        super().__init__(message or word(code, "en", **fields))

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (as raised when it has no code)."""
        from zonemap.i18n import word

        return word(self.code, lang, **self.fields) if self.code else str(self)


class ZoneFileError(ZonemapError):
    """The zone file is missing, not a GeoPackage, or lacks a required layer."""


class BusyError(ZonemapError):
    """Another process is writing the zone file."""


class CrsError(ZonemapError):
    """A layer's CRS is missing, or its coordinates cannot be in it."""


# A zone's working copy (.zone.gpkg.tmp-XXXX.gpkg), its lock (.zone.gpkg.lock), a page's
# temporary file (.map.html.XXXX.tmp) or an export's temporary folder (.out.shp.XXXX).
_TEMPORARY = re.compile(r"^\.(?P<name>.+?)\.(?:tmp-\w+\.gpkg|\w+\.tmp|lock|\w{8})$")

#: errno → the error's code in :mod:`zonemap.i18n` (what happened and the fix), for failures of the machine rather than the data.
_ENVIRONMENT: dict[int, str] = {
    errno.ENOSPC: "error.disk_full",
    errno.EDQUOT: "error.quota",
    errno.EROFS: "error.read_only",
    errno.EACCES: "error.permission",
    errno.EPERM: "error.permission",
    errno.EISDIR: "error.is_folder",
    errno.ENOTDIR: "error.not_folder",
    errno.ENOENT: "error.no_such_file",
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
    filename = getattr(exc, "filename", None) or where
    return ZonemapError(code=_ENVIRONMENT[code], place=shown_path(filename) if filename else "zonemap")


class ZonemapWarning(UserWarning):
    """Something the user should know that does not stop the command (the CLI prints it as one line)."""
