"""Finding and verifying the face model.

The MediaPipe Face Landmarker bundle ships in ``assets/models/``. The path can
be overridden with ``--model PATH`` or the ``MIMICRY_MODEL`` environment
variable; whichever file is used is verified by SHA-256 before it is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

from mimicry.core.assets import MODEL_FILENAME, MODEL_SHA256, assets_dir, file_sha256
from mimicry.core.errors import ModelError

__all__ = ["MODEL_FILENAME", "MODEL_SHA256", "MODEL_ENV", "default_model_path",
           "resolve_model_path", "verify_model"]

MODEL_ENV = "MIMICRY_MODEL"

_verified: dict[tuple[str, int, int], str] = {}


def default_model_path() -> Path:
    return assets_dir() / "models" / MODEL_FILENAME


def resolve_model_path(path: str | os.PathLike | None = None) -> Path:
    """The model file to use: ``path``, else ``$MIMICRY_MODEL``, else the shipped copy."""
    if path:
        return Path(path).expanduser()
    env = os.environ.get(MODEL_ENV)
    if env:
        return Path(env).expanduser()
    return default_model_path()


def verify_model(path: str | os.PathLike | None = None) -> Path:
    """Resolve the model path and check its SHA-256.

    Returns
    -------
    Path
        The verified model file.

    Raises
    ------
    ModelError
        One line naming the path and the expected hash when the file is
        missing, unreadable or does not match.
    """
    p = resolve_model_path(path)
    try:
        st = p.stat()
    except OSError:
        raise ModelError(
            f"face model not found at {p}; expected MediaPipe's {MODEL_FILENAME} "
            f"(SHA-256 {MODEL_SHA256}); set --model PATH or {MODEL_ENV}") from None
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    if _verified.get(key) == MODEL_SHA256:
        return p
    try:
        digest = file_sha256(p)
    except OSError as exc:
        raise ModelError(f"face model {p} cannot be read ({exc.strerror or exc}); "
                         f"expected a readable {MODEL_FILENAME}") from None
    if digest != MODEL_SHA256:
        raise ModelError(
            f"face model {p} is corrupt or not the expected file: SHA-256 {digest[:16]}…, "
            f"expected {MODEL_SHA256}")
    _verified[key] = digest
    return p
