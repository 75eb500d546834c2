"""Validation remembered by the zone file's content, so a map of an unchanged zone does not validate again.

Commands that only warn about problems (``map``, ``areas``, ``report`` …)
take the problems from here: the first time a file's exact content is seen
it is validated, and the problems are kept in the user's cache folder
under a key made of the file's bytes (its ``-wal`` too, where QGIS keeps
edits not yet checkpointed), the validation code's own bytes and today's
date (holds expire). Any edit, by zonemap or by QGIS, changes the key.
``zonemap validate`` always validates, and remembers what it found.

The folder is ``ZONEMAP_CACHE_DIR`` if set, else the platform's user cache
folder (``%LOCALAPPDATA%\\zonemap\\Cache`` on Windows); a folder that cannot
be written only means validating again next time.

Examples
--------
>>> import zonemap
>>> problems(zonemap.open(zonemap.sample_path()))
[]
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from zonemap import coverage, pgstore
from zonemap import validate as _validate

if TYPE_CHECKING:
    from zonemap.zone import Zone

#: Results kept; the oldest go first.
KEEP = 64
_CHUNK = 1 << 20


def cache_dir() -> Path:
    """Where remembered results are kept (``ZONEMAP_CACHE_DIR`` or the user cache folder)."""
    from platformdirs import user_cache_dir

    return Path(os.environ.get("ZONEMAP_CACHE_DIR") or user_cache_dir("zonemap", appauthor=False)) / "validation"


def _key(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for code in (_validate, coverage):
        digest.update(Path(code.__file__).read_bytes())
    digest.update(date.today().isoformat().encode("ascii"))
    for part in (path, path.with_name(path.name + "-wal")):
        digest.update(b"\0" + part.name.encode("utf-8"))
        if part.exists():
            with open(part, "rb") as file:
                while chunk := file.read(_CHUNK):
                    digest.update(chunk)
    return digest.hexdigest()


def remember(zone: Zone, found: list, key: str | None = None) -> None:
    """Keep ``found`` (``zone.validate()``) for the file's content; unless the file changed meanwhile."""
    if pgstore.is_database(zone.path):
        return
    key = key or _key(zone.path)
    if _key(zone.path) != key:
        return
    folder, temporary = cache_dir(), None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump([problem.to_dict() for problem in found], file, ensure_ascii=False)
        os.replace(temporary, folder / f"{key}.json")
        for old in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:  # a read-only or full cache folder: validate again next time
        if temporary:
            Path(temporary).unlink(missing_ok=True)


def problems(zone: Zone) -> list:
    """``zone.validate()``, remembered for the zone file's exact content (a database zone, shared and edited row by row, is validated each time)."""
    if pgstore.is_database(zone.path):
        return zone.validate()
    key = _key(zone.path)
    try:
        kept = json.loads((cache_dir() / f"{key}.json").read_text(encoding="utf-8"))
        return [_validate.Problem(**problem) for problem in kept]
    except (OSError, ValueError, TypeError):
        found = zone.validate()
        remember(zone, found, key)
        return found
