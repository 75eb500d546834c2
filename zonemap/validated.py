"""Validation remembered by the zone file's content, so a map of an unchanged zone does not validate again.

Commands that only warn about problems (``map``, ``areas``, ``report`` …)
take the problems from here: the first time a file's exact content is seen
it is validated, and the problems are kept in the user's cache folder
under a key made of the file's bytes (its ``-wal`` too, where QGIS keeps
edits not yet checkpointed), the validation code's own bytes and today's
date (holds expire). Any edit, by zonemap or by QGIS, changes the key.
``zonemap validate`` always validates, and remembers what it found.
``zonemap map`` starts a validation not remembered in a second thread
(:func:`started`) and builds the page meanwhile: most of both is GEOS,
NumPy and PROJ, which run outside Python's lock, so where a second core is
free the first map of a file costs little more than a later one.

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
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    digest = hashlib.sha256()  # in hardware on current CPUs: twice as fast as blake2b on a 100-MB zone
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


def _kept(key: str) -> list | None:
    """The problems remembered under ``key``, or None."""
    try:
        kept = json.loads((cache_dir() / f"{key}.json").read_text(encoding="utf-8"))
        return [_validate.Problem(**problem) for problem in kept]
    except (OSError, ValueError, TypeError):
        return None


def problems(zone: Zone) -> list:
    """``zone.validate()``, remembered for the zone file's exact content (a database zone, shared and edited row by row, is validated each time)."""
    if pgstore.is_database(zone.path):
        return zone.validate()
    key = _key(zone.path)
    kept = _kept(key)
    if kept is None:
        kept = zone.validate()
        remember(zone, kept, key)
    return kept


@contextmanager
def started(zone: Zone) -> Iterator[Callable[[], list]]:
    """:func:`problems`, a validation not remembered begun at once in a second thread so the caller works meanwhile;
    call what this yields for the problems (an error of the validation is raised there).

    The layers validation reads are read first, here, so the two threads share them. Should the file
    change meanwhile, the problems are found again for the file as it is then, as :func:`problems` finds them.

    Examples
    --------
    >>> import zonemap
    >>> with started(zonemap.open(zonemap.sample_path())) as found:
    ...     found()
    []
    """
    if pgstore.is_database(zone.path):
        yield lambda: problems(zone)
        return
    key = _key(zone.path)
    kept = _kept(key)
    if kept is not None:
        yield lambda: kept
        return
    for layer in ("boundary", "parcels", "roads", "buildings", "prospects", "holds"):
        getattr(zone, layer)
    outcome: dict = {}

    def validate() -> None:
        try:
            outcome["found"] = zone.validate()
            remember(zone, outcome["found"], key)
        except BaseException as exc:  # raised in the caller's thread, where it can be reported
            outcome["error"] = exc

    # A daemon: Ctrl-C in the caller does not wait for it.
    worker = threading.Thread(target=validate, name="zonemap-validate", daemon=True)
    worker.start()

    def finish() -> list:
        worker.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["found"] if zone.is_current() else problems(zone)

    yield finish
