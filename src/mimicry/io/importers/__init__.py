"""Importers of other face-analysis tools' output, by name (``mimicry import --from NAME``).

Each name maps to a ``"module:Class"`` string imported only when asked for: a
new tool is one module with an :class:`~mimicry.io.importers.base.Importer`
plus one line here. :func:`detect` picks the tool from a file's header.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from mimicry.core.check import check_option
from mimicry.core.errors import InputError

#: tool name -> "module:Class" of its importer.
IMPORTERS: dict[str, str] = {
    "openface": "mimicry.io.importers.openface:OpenFaceImporter",
    "pyfeat": "mimicry.io.importers.pyfeat:PyFeatImporter",
    "imotions": "mimicry.io.importers.imotions:IMotionsImporter",
}


def importer_class(name: str) -> type:
    """The importer class registered as ``name``; raises naming the allowed names."""
    check_option("from", name, IMPORTERS, error=InputError)
    module, cls = IMPORTERS[name].split(":")
    return getattr(importlib.import_module(module), cls)


def detect(path: str | Path) -> str:
    """The name of the one tool whose header ``path`` has.

    Raises
    ------
    InputError
        No tool, or more than one, recognises the header (one line naming the file).
    """
    from mimicry.io.importers.base import read_header  # noqa: PLC0415

    header = read_header(Path(path))
    found = [name for name in IMPORTERS if importer_class(name)().detect(header)]
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(f"{path}: the header fits {' and '.join(found)}; expected --from "
                         f"with one of {', '.join(IMPORTERS)}")
    hint = (" (it is a mimicry frames.csv: analyse its folder directly)"
            if {"t", "face_detected", "smile"} <= set(header) else "")
    raise InputError(f"{path}: the header is not that of any known tool{hint}; expected the "
                     f"output of {', '.join(IMPORTERS)}, or --from to say which")
