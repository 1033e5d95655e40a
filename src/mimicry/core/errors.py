"""Errors the user can act on.

Every expected failure (bad input, missing camera, unwritable folder, bad model,
invalid protocol or manifest) is raised as :class:`MimicryError` with one line
that names the thing and what was expected. The CLI prints that line to stderr
and exits with code 2; anything else reaching the top is a bug.
"""

from __future__ import annotations


class MimicryError(Exception):
    """An expected, user-facing error: one line, no traceback, exit code 2."""

    exit_code = 2


class InputError(MimicryError):
    """A file, folder, camera or value given by the user is not usable."""


class ModelError(MimicryError):
    """The face model is missing or does not match its expected hash."""


class ConfigError(MimicryError):
    """A protocol, manifest or setting is invalid."""


class SourceLost(MimicryError):
    """A live source (camera) stopped delivering frames mid-session."""
