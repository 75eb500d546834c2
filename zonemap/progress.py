"""Progress of long operations, shown on a terminal only.

Bars go to stderr, appear only after :data:`DELAY_SECONDS` (so a small zone
shows nothing), are left off when stderr is not a terminal (piped, in CI, in
a notebook) and when the user asked for quiet (``-q``), and vanish when done.
Any module can use them: the library reports progress, the CLI decides
whether anyone sees it.

Examples
--------
>>> from zonemap.progress import progress, stages
>>> sum(progress(range(3), desc="adding"))
3
>>> with stages("checking", ["geometry", "topology"]) as stage:
...     stage("geometry")
...     stage("topology")
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

#: A bar shows only once an operation has run this long (``ZONEMAP_PROGRESS_DELAY`` overrides it).
DELAY_SECONDS = float(os.environ.get("ZONEMAP_PROGRESS_DELAY", 1.0))

_quiet = False


def set_quiet(quiet: bool) -> None:
    """Show no progress at all (the CLI's ``-q``)."""
    global _quiet
    _quiet = quiet


def progress(iterable: Iterable | None = None, *, desc: str, total: int | None = None, unit: str = "it") -> tqdm:
    """A progress bar over ``iterable`` (or updated by hand with ``.update(n)``)."""
    return tqdm(
        iterable,
        desc=desc,
        total=total,
        unit=unit,
        file=sys.stderr,
        disable=True if _quiet else None,  # None: off when stderr is not a terminal
        delay=DELAY_SECONDS,
        leave=False,
        dynamic_ncols=True,
    )


@contextmanager
def stages(desc: str, names: list[str]) -> Iterator[Callable[[str], None]]:
    """A bar over the named stages of one operation; call the yielded function as each begins."""
    bar = progress(desc=desc, total=len(names), unit="stage")
    started: list[str] = []

    def begin(name: str) -> None:
        if started:
            bar.update(1)
        started.append(name)
        bar.set_postfix_str(name, refresh=False)

    try:
        yield begin
        if started:
            bar.update(1)
    finally:
        bar.close()
