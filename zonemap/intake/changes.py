"""Landing a change to a zone: atomically, validated, styled, and written to ``history``.

Every write of this package (import, set, split, merge, init) goes through
:func:`zone_change`: it takes the zone's lock and working copy
(:func:`zonemap.store.transaction`), lets the caller write layers and note
history rows, appends them to ``history``, keeps the QGIS styles, validates
the result and lands it only if it brings no new error. Otherwise the zone
stays byte-for-byte as it was.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from zonemap import pgstore, store
from zonemap.errors import ZonemapError
from zonemap.intake import qgis_styles
from zonemap.validate import Problem
from zonemap.zone import Zone


class RefusedError(ZonemapError):
    """The change would leave the zone with errors; nothing was written."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


def now() -> datetime:
    """The time a change is stamped with (local time, whole seconds)."""
    return datetime.now().replace(microsecond=0)


def default_editor() -> str:
    """Who made a change when ``--by`` is not given: the login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "")


def _key(problem: Problem) -> tuple[str, str, str]:
    return (problem.code, problem.layer, problem.id)


@dataclass
class Change:
    """What a caller does inside :func:`zone_change`: write layers, note history."""

    txn: store.Transaction
    by: str
    at: datetime = field(default_factory=now)
    rows: list[dict] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def read(self, name: str):
        return self.txn.read(name)

    def discard(self) -> None:
        """Nothing changed: leave the zone file as it is (not even rewritten)."""
        self.txn.discarded = True

    def write(self, name: str, frame) -> None:
        self.txn.write(name, frame)

    def record(self, parcel_id, action: str, field: str | None = None, old=None, new=None, note: str | None = None) -> None:
        """Note one line of the change log."""
        self.rows.append(
            {"at": self.at, "parcel_id": parcel_id, "action": action, "field": field,
             "old": _as_text(old), "new": _as_text(new), "by": self.by, "note": note}
        )


def _as_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, float):
        return f"{value:.12g}"  # :g keeps 6 digits, 123456.78 would read 123457
    return str(value)


def _errors(path) -> list[Problem]:
    return [p for p in Zone(path).validate() if p.severity == "error"]


@contextmanager
def zone_change(path, *, by: str | None = None, create: bool = False, check: bool = True) -> Iterator[Change]:
    """Lock ``path``, yield a :class:`Change`, and land it if it adds no error.

    Errors the zone already had do not block an unrelated change; errors the
    change introduces raise :class:`RefusedError` and nothing is written.
    """
    with store.transaction(path, create=create) as txn:
        before = set() if create else {_key(p) for p in _errors(txn.work)}
        change = Change(txn, txn.editor(by) if isinstance(txn, pgstore.Transaction) else by or default_editor())
        yield change
        if txn.discarded:
            return
        if change.rows:
            history = txn.read("history") if not create else store.empty_layer("history")
            rows = pd.DataFrame(change.rows, columns=list(store.SCHEMA["history"])).astype(store.SCHEMA["history"])
            txn.write("history", pd.concat([history, rows], ignore_index=True) if len(history) else rows)
        qgis_styles.ensure_styles(txn.work)
        if check:
            problems = Zone(txn.work).validate()
            new = [p for p in problems if p.severity == "error" and _key(p) not in before]
            change.warnings = [p for p in problems if p.severity == "warning"]
            if new:
                raise refused(str(path), new)


def refused(where: str, problems: list[Problem]) -> RefusedError:
    """One line naming the first problem (with its feature and fix) and how many more."""
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return RefusedError(f"{where}: refused: [{problems[0].code}] {problems[0].message}{more}; nothing was written", problems)
