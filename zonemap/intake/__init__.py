"""Data intake, edits and interchange: planners' files in, parcels edited, files out.

One module per concern: :mod:`sources` (reading files), :mod:`encoding`,
:mod:`fieldmap`, :mod:`changes` (landing a change atomically, validated,
logged), :mod:`importer`, :mod:`exporter`, :mod:`edits` (set, split, merge,
history, init) and :mod:`qgis_styles`.
"""
