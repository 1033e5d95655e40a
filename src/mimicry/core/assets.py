"""What ships with the package: the asset folder, the face model's name and hash, the faces.

Every layer may need to name a shipped thing (a session records the model's hash,
a protocol checks a face identity), so the names live here, below all of them;
the code that loads the model or renders the faces lives above.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

MODEL_FILENAME = "face_landmarker.task"
#: SHA-256 of MediaPipe's face_landmarker.task (float16, version 1).
MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"

#: Built-in face identities (see ``docs/faces.md``).
IDENTITIES: tuple[str, ...] = ("alex", "blake", "casey", "drew", "eden")
#: The identity that plays the virtual participant; the others serve as stimuli.
PARTICIPANT_IDENTITY: str = "blake"


def assets_dir() -> Path:
    """The folder holding the shipped assets (``models/``, ``faces/``)."""
    return Path(__file__).resolve().parents[1] / "assets"


def faces_dir() -> Path:
    """The folder holding the face photos and meshes (``assets/faces``)."""
    return assets_dir() / "faces"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks (the model, a video, an imported file)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
