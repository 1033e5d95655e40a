"""The app's settings remembered between runs (a small, validated JSON file) and the special protocol values.

Kept in ``platformdirs.user_config_dir("mimicry")/app.json`` (or
``$MIMICRY_CONFIG_DIR/app.json``). A file that cannot be read or holds a bad
value is not silently patched up: the defaults are used and the app says why
in its status bar; the file is rewritten on the next start of a session.
Qt-free.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from mimicry.core.errors import InputError

#: Format version of ``app.json``.
SETTINGS_SCHEMA_VERSION = 1
SETTINGS_FILE = "app.json"
#: The protocol value that means "no protocol: the operator presses keys".
FREE_RUN = "free-run"
#: The protocol value of the two-person synchrony mode (two faces, no stimulus).
DYAD = "two-people"
#: The protocol value of the teacher-as-stimulus capture.
CAPTURE = "capture-faces"
#: How people are named on the class board.
NAME_STYLES: tuple[str, ...] = ("first name", "initials", "number")


@dataclass(frozen=True)
class AppSettings:
    """What the app remembers.

    Attributes
    ----------
    source : str
        Camera index (``"0"``), ``"demo"`` or a video path.
    protocol : str
        Shipped protocol name, a protocol TOML path, :data:`FREE_RUN` or :data:`DYAD`.
    out_dir : str
        Folder that receives session folders; empty means the default
        (:func:`mimicry.runtime.recorder.default_sessions_dir`).
    participant : str
        The last participant id.
    record : bool
        Save the session's numbers (frames.csv, events.csv); on by default.
    classroom : bool
        Start in classroom mode.
    expression_calibration : bool
        Ask for a wide smile and a sad face after the neutral calibration
        (when the protocol has this step); on by default.
    ask_mood : bool
        Ask the mood rating (1-9) before and after each session; off by default.
    class_name : str
        The class (a folder in ``out_dir`` with a ``class.json``) sessions join;
        empty for none.
    board_names : str
        How the class board names people: one of :data:`NAME_STYLES`.
    """

    source: str = "0"
    protocol: str = "quick"
    out_dir: str = ""
    participant: str = ""
    record: bool = True
    classroom: bool = False
    expression_calibration: bool = True
    ask_mood: bool = False
    class_name: str = ""
    board_names: str = NAME_STYLES[0]


def settings_path() -> Path:
    """Where ``app.json`` lives."""
    override = os.environ.get("MIMICRY_CONFIG_DIR")
    if override:
        return Path(override) / SETTINGS_FILE
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_config_dir("mimicry", appauthor=False)) / SETTINGS_FILE


def _validated(data: object, path: Path) -> AppSettings:
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a JSON object")
    version = data.get("schema_version")
    if version != SETTINGS_SCHEMA_VERSION:
        raise ValueError(f"{path}: schema_version must be {SETTINGS_SCHEMA_VERSION}, "
                         f"got {version!r}")
    values = {}
    types = {f.name: type(f.default) for f in fields(AppSettings)}
    for key, value in data.items():
        if key == "schema_version":
            continue
        if key not in types:
            raise ValueError(f"{path}: unknown setting {key!r}; allowed are "
                             f"{', '.join(sorted(types))}")
        if type(value) is not types[key]:
            raise ValueError(f"{path}: setting {key!r} must be a {types[key].__name__}, "
                             f"got {value!r}")
        values[key] = value
    if values.get("board_names", NAME_STYLES[0]) not in NAME_STYLES:
        raise ValueError(f"{path}: setting 'board_names' must be one of "
                         f"{', '.join(NAME_STYLES)}, got {values['board_names']!r}")
    return replace(AppSettings(), **values)


def load_settings(path: Path | None = None) -> tuple[AppSettings, str | None]:
    """Read the settings.

    Returns
    -------
    settings : AppSettings
        The saved settings, or the defaults when there is no usable file.
    problem : str or None
        Why the file was not used (None when it was, or when there is none).
    """
    path = settings_path() if path is None else path
    if not path.is_file():
        return AppSettings(), None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _validated(data, path), None
    except (OSError, UnicodeDecodeError) as exc:
        return AppSettings(), f"settings file {path} could not be read ({exc}); using defaults"
    except ValueError as exc:  # JSONDecodeError is a ValueError
        return AppSettings(), f"settings not used: {exc}; using defaults"


def save_settings(settings: AppSettings, path: Path | None = None) -> str | None:
    """Write the settings atomically; returns a problem description or None."""
    path = settings_path() if path is None else path
    data = {"schema_version": SETTINGS_SCHEMA_VERSION, **asdict(settings)}
    from mimicry.io.atomic import write_json_atomic  # noqa: PLC0415

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(path, data)
    except OSError as exc:
        return f"settings could not be saved to {path}: {exc.strerror or exc}"
    except InputError as exc:
        return f"settings could not be saved: {exc}"
    return None
