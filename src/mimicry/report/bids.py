"""Session folders as a BIDS dataset (``mimicry export --bids DIR``): labels, participants, layout.

Each session becomes ``sub-<label>/[ses-<n>/]beh/`` with
``sub-<label>[_ses-<n>]_task-mimicry_events.tsv`` and ``_physio.tsv.gz``
plus their JSON sidecars (:mod:`mimicry.report.bids_tables`), and a
``_scans.tsv`` with its start time. The participant label is session.json's
``participant`` (unless empty or ``anonymous``), else the folder name, with
everything but letters and digits dropped. When any participant has more
than one session, every participant's sessions are ``ses-1``, ``ses-2``, ...
in the order they were recorded (``started_at``), and the per-session scores
move to ``sub-<label>_sessions.tsv``. No video and no landmarks are copied.
The dataset is built in a hidden folder inside DIR and moved in when whole.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Sequence

from mimicry._version import __version__
from mimicry.core.errors import InputError
from mimicry.io.atomic import ensure_writable_folder
from mimicry.io.session import Session, load_session
from mimicry.protocol.questionnaire import session_score
from mimicry.report import bids_tables as T
from mimicry.report.self_rating import (SELF_RATING_ENDS, SELF_RATING_MAX, SELF_RATING_MIN,
                                        SELF_RATING_QUESTION)

TASK = "mimicry"
BIDS_VERSION = "1.9.0"
#: Questionnaires asked at every session about the moment (per session, never per participant).
STATE_SCORES: tuple[str, ...] = ("mood_before", "mood_after")
_COLUMN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_RESERVED = ("participant_id", "session_id", "acq_time", "filename", "self_rating")


@dataclass
class Exported:
    """One session in the dataset: where it came from and the folder it became."""

    session: Session
    subject: str
    ses: str | None = None

    @property
    def prefix(self) -> str:
        return f"sub-{self.subject}" + (f"_ses-{self.ses}" if self.ses else "")

    @property
    def folder(self) -> str:
        return f"sub-{self.subject}" + (f"/ses-{self.ses}" if self.ses else "")


# --------------------------------------------------------------------------- labels

def participant_label(meta: dict, folder: Path) -> tuple[str, str]:
    """(who, label): the participant id or folder name, and it as a BIDS label (letters, digits)."""
    p = meta.get("participant")
    who = p.strip() if isinstance(p, str) and p.strip() not in ("", "anonymous") else folder.name
    label = re.sub(r"[^A-Za-z0-9]", "", who)
    if not label:
        raise InputError(f"{folder}: participant {who!r} has no letters or digits; expected a "
                         f"participant id or folder name a BIDS label can be made of")
    return who, label


def _started(s: Session) -> datetime | None:
    try:
        t = datetime.fromisoformat(str(s.meta.get("started_at")))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def plan(sessions: Sequence[Session]) -> list[Exported]:
    """Subjects and session numbers, in participant order then recording order.

    Raises :class:`InputError` when two different participants (or folders)
    give the same label, compared without case.
    """
    groups: dict[str, list[Session]] = {}
    who_of: dict[str, tuple[str, Path]] = {}
    for s in sessions:
        who, label = participant_label(s.meta, s.path)
        key = label.lower()
        if key in who_of and who_of[key][0] != who:
            other, path = who_of[key]
            raise InputError(f"sessions {path} ({other!r}) and {s.path} ({who!r}) would both "
                             f"become sub-{label}; expected participant ids (or folder names) "
                             f"that differ in their letters and digits")
        who_of.setdefault(key, (who, s.path))
        groups.setdefault(key, []).append(s)
    far = datetime.max.replace(tzinfo=timezone.utc)
    with_ses = any(len(g) > 1 for g in groups.values())
    out = []
    for key in sorted(groups):
        label = re.sub(r"[^A-Za-z0-9]", "", who_of[key][0])
        ordered = sorted(groups[key], key=lambda s: (_started(s) or far, s.path.name))
        for n, s in enumerate(ordered, start=1):
            out.append(Exported(s, label, str(n) if with_ses else None))
    return out


# --------------------------------------------------------------------------- scores

def session_scores(meta: dict) -> dict[str, float]:
    """``self_rating`` (when 1-7) and each questionnaire's score of one session.json.

    Questionnaires come in name order with the mood ratings last; keys that
    are not lower-case names (``a-z``, digits, ``_``) are left out.
    """
    out: dict[str, float] = {}
    v = meta.get("self_rating")
    if (isinstance(v, (int, float)) and not isinstance(v, bool)
            and SELF_RATING_MIN <= v <= SELF_RATING_MAX):
        out["self_rating"] = float(v)
    qs = meta.get("questionnaires")
    keys = sorted(qs, key=lambda k: (k in STATE_SCORES, k)) if isinstance(qs, dict) else []
    for key in keys:
        score = session_score(meta, key)
        if score is not None and _COLUMN.match(str(key)) and key not in _RESERVED:
            out[key] = score
    return out


def _score_sidecar(key: str, sessions: Sequence[Session]) -> dict:
    if key == "self_rating":
        return {"LongName": "Self-rated empathy",
                "Description": f"'{SELF_RATING_QUESTION}' answered at the end of the session, "
                               f"{SELF_RATING_MIN} ({SELF_RATING_ENDS[0]}) to {SELF_RATING_MAX} "
                               f"({SELF_RATING_ENDS[1]})"}
    entry = next((s.meta["questionnaires"][key] for s in sessions
                  if session_score(s.meta, key) is not None), {})
    title = str(entry.get("title") or key)
    scale = (f", {entry['min']} to {entry['max']}"
             if entry.get("min") is not None and entry.get("max") is not None else "")
    return {"LongName": title,
            "Description": f"Score of the questionnaire '{title}' ({entry.get('scoring', 'mean')} "
                           f"of {_items(entry.get('n_items'))}{scale}), from session.json "
                           f"questionnaires.{key}"}


def _items(n) -> str:
    return "its items" if not isinstance(n, int) else f"{n} item{'s' if n != 1 else ''}"


def _ordered_keys(score_rows: Sequence[dict]) -> list[str]:
    keys: list[str] = []
    for row in score_rows:
        keys += [k for k in row if k not in keys]
    return sorted(keys, key=lambda k: (k != "self_rating", k in STATE_SCORES, k))


# --------------------------------------------------------------------------- the dataset

def export_bids(session_dirs: Sequence[str | os.PathLike], out: str | os.PathLike, *,
                face_id: int = 0, rate_hz: float | None = None, name: str | None = None,
                authors: Sequence[str] = ()) -> list[Exported]:
    """Write the sessions as a BIDS dataset into ``out`` (new or empty).

    Parameters
    ----------
    session_dirs : paths
        Session folders (each with frames.csv); a folder given twice counts once.
    out : path
        The dataset's root; created when missing.
    face_id : int
        The face slot exported from frames.csv.
    rate_hz : float, optional
        Sampling rate of the physio files; default each session's median frame rate.
    name, authors : dataset_description.json ``Name`` and ``Authors``.

    Raises
    ------
    InputError
        A path is not a session folder or holds damaged files, a session has fewer
        than two frames of ``face_id``, two participants share a label, or ``out``
        is a file, not empty, or cannot be written. Nothing is left in ``out`` then.
    """
    seen, sessions = set(), []
    for d in session_dirs:
        key = os.path.realpath(d)
        if key not in seen:
            seen.add(key)
            sessions.append(load_session(d))
    if not sessions:
        raise InputError("no session folder given; expected at least one")
    exported = plan(sessions)
    tables = []
    for e in exported:
        frames = e.session.frames.face(face_id)
        T.check_frames(frames, f"{e.session.path / 'frames.csv'} (face slot {face_id})")
        tables.append(frames)
    created = not os.path.lexists(Path(out).expanduser())
    root = _empty_folder(out)
    stage = Path(tempfile.mkdtemp(prefix=".partial-", dir=root))
    try:
        for e, frames in zip(exported, tables):
            _write_session(stage, e, frames, rate_hz)
        _write_top(stage, exported, name, authors)
        for path in sorted(stage.iterdir()):
            os.replace(path, root / path.name)
        stage.rmdir()
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if created:
            shutil.rmtree(root, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write the dataset in {root}: {exc.strerror or exc}; "
                             f"expected a writable folder with free space") from None
        raise
    return exported


def _empty_folder(out: str | os.PathLike) -> Path:
    root = Path(out).expanduser()
    if root.is_dir() and any(True for _ in root.iterdir()):
        raise InputError(f"--bids folder {root} is not empty; expected a new or empty folder "
                         f"(a dataset is never written over another)")
    return ensure_writable_folder(root, "--bids folder")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _json(obj: dict) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def _acq_time(s: Session) -> str | None:
    t = _started(s)
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if t else None


def _write_session(stage: Path, e: Exported, frames, rate_hz: float | None) -> None:
    beh = stage / e.folder / "beh"
    base = f"{e.prefix}_task-{TASK}"
    rows = T.event_rows(e.session.events, str(e.session.path / "events.csv"))
    _write(beh / f"{base}_events.tsv",
           T.tsv_text(T.EVENT_COLUMNS, [[r[c] for c in T.EVENT_COLUMNS] for r in rows]))
    kinds = sorted({r["trial_type"] for r in rows if r["trial_type"]},
                   key=lambda k: (k not in ("happy", "sad", "neutral"), k))
    _write(beh / f"{base}_events.json", _json(T.events_sidecar(kinds)))
    start_s, rate, data = T.resample(frames, rate_hz)
    (beh / f"{base}_physio.tsv.gz").write_bytes(T.physio_bytes(data))
    source = e.session.meta.get("source")
    fps = source.get("fps") if isinstance(source, dict) else None
    fps = float(fps) if isinstance(fps, (int, float)) and not isinstance(fps, bool) else None
    _write(beh / f"{base}_physio.json", _json(T.physio_sidecar(start_s, rate, fps)))
    _write(stage / e.folder / f"{e.prefix}_scans.tsv",
           T.tsv_text(("filename", "acq_time"),
                      [(f"beh/{base}_physio.tsv.gz", _acq_time(e.session))]))


def _write_top(stage: Path, exported: Sequence[Exported], name: str | None,
               authors: Sequence[str]) -> None:
    with_ses = any(e.ses for e in exported)
    by_subject: dict[str, list[Exported]] = {}
    for e in exported:
        by_subject.setdefault(e.subject, []).append(e)
    scores = {id(e): session_scores(e.session.meta) for e in exported}
    keys = _ordered_keys(list(scores.values()))
    person_keys = [k for k in keys if not (with_ses and k in STATE_SCORES)]
    sessions = [e.session for e in exported]
    rows = []
    for subject, group in by_subject.items():
        # A trait score of someone with several sessions: the first session that has it.
        row = [f"sub-{subject}"] + [next((scores[id(e)][k] for e in group if k in scores[id(e)]),
                                         None) for k in person_keys]
        rows.append(row)
    _write(stage / "participants.tsv", T.tsv_text(("participant_id", *person_keys), rows))
    _write(stage / "participants.json", _json({
        "participant_id": {"Description": "sub-<label>: session.json's participant id (or the "
                                          "session folder's name) with only letters and digits"},
        **{k: _score_sidecar(k, sessions) for k in person_keys}}))
    if with_ses:
        for subject, group in by_subject.items():
            _write(stage / f"sub-{subject}" / f"sub-{subject}_sessions.tsv",
                   T.tsv_text(("session_id", "acq_time", *keys),
                              [[f"ses-{e.ses}", _acq_time(e.session),
                                *(scores[id(e)].get(k) for k in keys)] for e in group]))
            # The validator wants this sidecar beside each sessions.tsv, not one at the top.
            _write(stage / f"sub-{subject}" / f"sub-{subject}_sessions.json", _json({
                "session_id": {"Description": "ses-<n>: the participant's n-th session in the "
                                              "order recorded"},
                "acq_time": {"Description": "Start of the session (session.json started_at), "
                                            "UTC"},
                **{k: _score_sidecar(k, sessions) for k in keys}}))
    _write(stage / "scans.json", _json({
        "filename": {"Description": "The session's expression recording"},
        "acq_time": {"Description": "Start of the session (session.json started_at), UTC"}}))
    description = {"Name": name or "Facial mimicry sessions", "BIDSVersion": BIDS_VERSION,
                   "DatasetType": "raw",
                   "GeneratedBy": [{"Name": "mimicry", "Version": __version__,
                                    "Description": "mimicry export --bids"}]}
    if authors:
        description["Authors"] = list(authors)
    _write(stage / "dataset_description.json", _json(description))
    _write(stage / "README", _readme(exported))
    _write(stage / "CHANGES", f"1.0.0 {date.today().isoformat()}\n"
                              f"  - Exported by mimicry {__version__} from "
                              f"{len(exported)} session folder(s).\n")


def _readme(exported: Sequence[Exported]) -> str:
    n_sub = len({e.subject for e in exported})
    return (
        "Facial mimicry sessions\n=======================\n\n"
        f"{len(exported)} session(s) of {n_sub} participant(s), exported by mimicry "
        f"{__version__} ('mimicry export --bids').\n\n"
        "Each participant watched faces (happy, sad, neutral) on a screen while a webcam\n"
        "tracked their own face with MediaPipe's Face Landmarker. beh/*_events.tsv lists\n"
        "the stimuli (trial_type is the condition), the neutral calibration and any posed\n"
        "expressions; beh/*_physio.tsv.gz holds the expression channels (smile, frown,\n"
        "brow raise, ...) and head pose resampled to a uniform rate, n/a where no face was\n"
        "found. Onsets and StartTime share the session clock (0 at the session's start).\n"
        "No video and no face landmarks are included. The sidecar JSON files describe\n"
        "every column; mimicry's docs/bids.md describes the export.\n"
    )
