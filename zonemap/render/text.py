"""The map page's words: a view of :mod:`zonemap.i18n` per language (kept for the renderers that index it)."""

from __future__ import annotations

from zonemap.i18n import LANGS, table

#: Every label the page shows, per language.
TEXT: dict[str, dict[str, str]] = {lang: table(lang) for lang in LANGS}
