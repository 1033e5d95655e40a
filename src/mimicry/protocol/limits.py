"""The limits of protocol files and stimulus sets, and the checks of text, paths and images.

Every number a protocol may hold has an upper bound here, so a typo
(``per_condition = 100000``, ``duration_s = 1e308``) fails when the file is
loaded, with one line naming the file and the key, instead of a session that
never ends. docs/protocols.md states each limit.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from mimicry.core.errors import ConfigError, InputError

#: Largest protocol file read, bytes.
MAX_FILE_BYTES = 1_000_000
#: Longest ``name``, ``description``, ``[display] calibration_text`` and ``[stimuli] set``.
MAX_NAME_CHARS = 100
MAX_DESCRIPTION_CHARS = 2000
MAX_TEXT_CHARS = 200
MAX_PATH_CHARS = 1000
#: Largest ``seed`` (every NumPy seeding API accepts 0 to 2**32 - 1).
MAX_SEED = 2 ** 32 - 1
#: ``[trials] blocks`` and ``per_condition``, and their product with the conditions.
MAX_BLOCKS = 100
MAX_PER_CONDITION = 500
MAX_TRIALS = 1000
#: Longest single duration (``duration_s``, ``stimulus_s``, ``iti_s``, ``block_break_s``), s.
MAX_STEP_S = 600.0
#: Longest session (every jitter at its maximum), seconds: 2 hours.
MAX_SESSION_S = 7200.0
#: Largest stimulus-set image, read from its header before it is decoded.
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 8000
#: Most rows of a stimulus-set manifest.
MAX_MANIFEST_ITEMS = 2000


def first_control(text: str, allow: str = "") -> str | None:
    """The first control or line-separator character of ``text`` not in ``allow``, if any."""
    for ch in text:
        if ch not in allow and unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            return ch
    return None


def decode_protocol_bytes(data: bytes, label: str) -> str:
    """UTF-8 text of a protocol file; a leading byte-order mark is accepted and dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                          f"{exc.start}); save the file as UTF-8") from None


def item_path(folder: Path, file: str, where: str) -> Path:
    """The path of a manifest ``file`` cell, which must stay inside ``folder``."""
    bad = first_control(file)
    if bad is not None:
        raise ConfigError(f"{where}: file {file!r} contains the control character {bad!r}")
    rel = Path(file)
    parts = file.replace("\\", "/").split("/")
    if rel.is_absolute() or file.startswith(("/", "\\")) or rel.drive or ".." in parts:
        raise ConfigError(f"{where}: file {file!r} must be a path relative to the set folder, "
                          f"inside it (no absolute path, no '..')")
    path = folder / rel
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        inside = False
    if not inside:
        raise ConfigError(f"{where}: file {file!r} leads outside the set folder {folder} "
                          f"(a symbolic link?); copy the file into the folder")
    return path


def check_image_size(path: Path, where: str) -> tuple[int, int]:
    """(width, height) of an image read from its header only; refuses decompression bombs.

    Pillow reads only the header here. It is not a declared dependency of
    mimicry, but matplotlib (which is) requires it, so it is always present.
    """
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size
    except Image.DecompressionBombError:  # over Pillow's own, larger limit
        w = h = None
    except Exception:  # noqa: BLE001 - any header Pillow cannot read
        raise InputError(f"{where} cannot be decoded as an image") from None
    if w is None or w > MAX_IMAGE_SIDE or h > MAX_IMAGE_SIDE or w * h > MAX_IMAGE_PIXELS:
        size = f"{w}x{h} pixels" if w is not None else "too many pixels"
        raise InputError(f"{where} is too large ({size}); images may have at most "
                         f"{MAX_IMAGE_SIDE} pixels per side and {MAX_IMAGE_PIXELS // 10**6} "
                         f"megapixels in all")
    return w, h
