"""The ``zonemap`` command line: one module per command, built in :mod:`main`."""
