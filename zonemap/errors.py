"""Errors a user can act on: each says what went wrong, where, and the fix."""

from __future__ import annotations


class ZonemapError(Exception):
    """A refusal caused by the data or the files; the message is one line."""


class ZoneFileError(ZonemapError):
    """The zone file is missing, not a GeoPackage, or lacks a required layer."""


class BusyError(ZonemapError):
    """Another process is writing the zone file."""


class CrsError(ZonemapError):
    """A layer's CRS is missing, or its coordinates cannot be in it."""


class ZonemapWarning(UserWarning):
    """Something the user should know that does not stop the command (the CLI prints it as one line)."""
