"""Recording a session: a protocol run against a live or video source.

:class:`SessionRecorder` owns a session folder and writes it incrementally and
crash-safely (see :mod:`mimicry.io.writers` and :mod:`mimicry.io.session`).
:class:`LiveRunner` drives one session: it reads frames, tracks them, logs the
protocol's events when their time comes, logs face lost/found and camera lost,
and feeds observers (the CLI's window, the app, the LSL outlet, the streaming
analysis). It runs the same way for ``mimicry record`` and inside the app's
worker thread; only the observers differ.

The session clock is the source's clock: a video's media time (so a video of a
virtual participant lines up with the protocol it was rendered for, paced or
``--fast``), or a camera's time since it opened.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Protocol as TypingProtocol, Sequence

from mimicry.core.errors import InputError, SourceLost
from mimicry.io.formats import format_detail
from mimicry.core.messages import FaceObservation, Frame, StimulusEvent
from mimicry.io.session import new_session_meta, wall_clock_now, write_session_json
from mimicry.io.writers import EventsWriter, FramesWriter, WriteError

#: A face missing for this long logs ``face_lost``; seen again logs ``face_found``.
FACE_LOST_AFTER_S = 0.5
_ID_ALLOWED = re.compile(r"[^A-Za-z0-9_-]+")
MAX_PARTICIPANT_LEN = 64


def sanitize_participant(participant: str | None) -> str:
    """A participant id safe to use in a folder name.

    Keeps letters, digits, ``-`` and ``_``; everything else (path separators,
    dots, spaces) becomes ``_``; leading ``_``/``-`` are stripped so no name
    starts like an option or a hidden file. Empty gives ``anonymous``.
    """
    s = _ID_ALLOWED.sub("_", participant or "").strip("_-")[:MAX_PARTICIPANT_LEN]
    return s or "anonymous"


def default_sessions_dir() -> Path:
    """Where sessions go by default: the user's data folder (platformdirs)."""
    import platformdirs  # noqa: PLC0415

    return Path(platformdirs.user_data_dir("mimicry", appauthor=False)) / "sessions"


def session_folder_name(participant: str, started: datetime | None = None) -> str:
    started = started or datetime.now()
    return f"{started:%Y-%m-%d_%H%M%S}_{sanitize_participant(participant)}"


class SessionRecorder:
    """A session folder being written.

    Parameters
    ----------
    out_root : path
        The folder that receives the session folder (created if needed).
    participant : str
        Sanitised into the folder name (see :func:`sanitize_participant`).
    meta : dict
        Extra ``session.json`` fields (protocol, seed, source, ...).
    faces : int
        Face slots per frame.
    save_landmarks : bool
        Also write ``landmarks.csv`` (only when the user asks).
    folder : path, optional
        Use exactly this folder instead of ``out_root/<date-time>_<participant>``.
    """

    def __init__(self, out_root: str | os.PathLike, participant: str, *, meta: dict | None = None,
                 faces: int = 1, save_landmarks: bool = False, save_video: bool = False,
                 folder: str | os.PathLike | None = None) -> None:
        self.participant = sanitize_participant(participant)
        root = Path(out_root).expanduser()
        if folder is not None:
            self.path = Path(folder)
        else:
            self.path = root / session_folder_name(self.participant)
            n = 2
            while self.path.exists():
                self.path = root / f"{session_folder_name(self.participant)}-{n}"
                n += 1
        # The folder must stay inside out_root whatever the participant id was.
        if folder is None and root.resolve() not in self.path.resolve().parents:
            raise InputError(f"participant id {participant!r} would leave the output folder")
        try:
            self.path.mkdir(parents=True, exist_ok=folder is not None)
        except OSError as exc:
            raise InputError(f"cannot create session folder {self.path}: "
                             f"{exc.strerror or exc}; expected a writable folder") from None
        self.meta = new_session_meta("recording", participant=self.participant, faces=faces,
                                     **(meta or {}))
        self.meta["saved"] = {"video": bool(save_video), "landmarks": bool(save_landmarks)}
        write_session_json(self.path, self.meta)
        self.frames = FramesWriter(self.path / "frames.csv")
        self.events = EventsWriter(self.path / "events.csv")
        self._landmarks_fh = None
        if save_landmarks:
            self._landmarks_fh = open(self.path / "landmarks.csv", "w", encoding="utf-8")
            self._landmarks_fh.write("t,frame,face_id," + ",".join(
                f"x{i},y{i},z{i}" for i in range(478)) + "\n")
        self._video = None
        self._want_video = save_video
        self.n_frames = 0
        self.n_face_frames = 0
        self.finished = False

    def set_trials(self, trials) -> None:
        """The trials whose stimulus columns frames.csv fills from now on."""
        from mimicry.protocol.timeline import StimulusAnnotator  # noqa: PLC0415

        self.frames.annotator = StimulusAnnotator(trials)

    def log(self, event: StimulusEvent) -> None:
        self.events.write(event)

    def write(self, frame: Frame, observations: Sequence[FaceObservation]) -> None:
        self.frames.write_all(observations)
        self.n_frames += 1
        self.n_face_frames += bool(observations and observations[0].detected)
        if self._landmarks_fh is not None:
            for o in observations:
                if o.detected and o.landmarks is not None:
                    self._landmarks_fh.write(f"{o.t:.4f},{o.frame},{o.face_id}," + ",".join(
                        f"{v:.5f}" for v in o.landmarks.ravel().tolist()) + "\n")
        if self._want_video:
            self._write_video(frame)

    def _write_video(self, frame: Frame) -> None:
        # The project's writer: a temporary file renamed to video.mp4 when the session finishes.
        from mimicry.io.video import VideoWriter  # noqa: PLC0415

        if self._video is None:
            h, w = frame.image.shape[:2]
            fps = float(self.meta.get("source", {}).get("fps") or 30.0)
            self._video = VideoWriter(self.path / "video.mp4", fps, (w, h))
        self._video.write(frame.image)

    def update_meta(self, **fields) -> None:
        self.meta.update(fields)
        write_session_json(self.path, self.meta)

    def finish(self, status: str) -> None:
        """Close the files and mark the session ``status``. Safe to call twice."""
        if self.finished:
            return
        self.finished = True
        errors = []
        for closer in (self.frames.close, self.events.close):
            try:
                closer()
            except WriteError as exc:
                errors.append(exc)
        if self._landmarks_fh is not None:
            self._landmarks_fh.close()
        if self._video is not None:
            try:
                self._video.close()
            except OSError as exc:
                errors.append(InputError(f"cannot save {self._video.path}: "
                                         f"{exc.strerror or exc}"))
        self.meta.update(status=status, ended_at=wall_clock_now(), n_frames=self.n_frames,
                         face_frames_pct=round(100.0 * self.n_face_frames / self.n_frames, 2)
                         if self.n_frames else 0.0)
        try:
            write_session_json(self.path, self.meta)
        except InputError as exc:
            errors.append(exc)
        if errors:
            raise errors[0]


class Observer(TypingProtocol):
    """Something that watches a running session (all methods optional)."""

    def on_frame(self, frame: Frame, observations: Sequence[FaceObservation]) -> None: ...
    def on_event(self, event: StimulusEvent) -> None: ...


@dataclass
class RunResult:
    """How a run ended.

    ``status`` is ``complete``, ``stopped`` or ``camera_lost``; ``ended_by`` says
    what ended it: ``protocol`` (its end was reached), ``source`` (a video ran
    out first), ``stop`` (a stop request or Ctrl-C) or ``camera_lost``.
    """

    status: str
    ended_by: str
    n_frames: int
    dropped: int
    duration_s: float


class LiveRunner:
    """Runs one session: source → tracker → recorder, with the schedule's events.

    Parameters
    ----------
    source : FrameSource
    tracker : Tracker
    recorder : SessionRecorder or None
        None runs without saving (e.g. a free-running classroom demo).
    schedule_events : sequence of StimulusEvent
        The protocol's timeline (``Schedule.events()``), logged when the session
        clock reaches each one. Empty for free-run.
    duration_s : float or None
        Stop when the session clock reaches this (None: when the source ends).
    observers : list
        Objects with optional ``on_frame(frame, observations)`` and
        ``on_event(event)`` methods.
    """

    def __init__(self, source, tracker, recorder: SessionRecorder | None, *,
                 schedule_events: Sequence[StimulusEvent] = (), duration_s: float | None = None,
                 observers: Sequence[object] = ()) -> None:
        self.source = source
        self.tracker = tracker
        self.recorder = recorder
        self.pending = sorted(schedule_events, key=lambda e: e.t)
        self.duration_s = duration_s
        self.observers = list(observers)
        self._next = 0
        self._last_face_t: list[float | None] = [None] * tracker.num_faces
        self._face_present = [True] * tracker.num_faces
        self._stop_requested = False
        self.t = 0.0
        self.n_frames = 0

    def request_stop(self) -> None:
        """Ask the loop to stop after the current frame (thread-safe)."""
        self._stop_requested = True

    def log(self, event: StimulusEvent) -> None:
        """Log an event now (markers, displayed-stimulus times)."""
        if self.recorder is not None:
            self.recorder.log(event)
        for o in self.observers:
            cb = getattr(o, "on_event", None)
            if cb is not None:
                cb(event)

    def marker(self, label: str = "") -> None:
        self.log(StimulusEvent(t=self.t, event="marker", detail=format_detail({"label": label})
                               if label else ""))

    def _due_events(self, t: float) -> None:
        while self._next < len(self.pending) and self.pending[self._next].t <= t:
            ev = self.pending[self._next]
            self._next += 1
            if ev.event == "session_end":
                continue  # logged when the session really ends
            self.log(ev)

    def _faces(self, t: float, observations: Sequence[FaceObservation]) -> None:
        for o in observations:
            i = o.face_id
            if o.detected:
                if not self._face_present[i]:
                    self._face_present[i] = True
                    self.log(StimulusEvent(t=t, event="face_found",
                                           detail=format_detail({"face_id": i})))
                self._last_face_t[i] = t
            else:
                last = self._last_face_t[i]
                gone_since = last if last is not None else 0.0
                if self._face_present[i] and t - gone_since >= FACE_LOST_AFTER_S:
                    self._face_present[i] = False
                    self.log(StimulusEvent(t=t, event="face_lost",
                                           detail=format_detail({"face_id": i})))

    def _stopped_status(self) -> str:
        """A run without a planned end (free run, two people) ends when it is stopped: complete."""
        return "complete" if self.duration_s is None else "stopped"

    def run(self) -> RunResult:
        """Run until the schedule ends, the source ends, a stop request, Ctrl-C or camera loss."""
        status, ended_by = "complete", "protocol"
        try:
            while not self._stop_requested:
                try:
                    frame = self.source.read()
                except SourceLost as exc:
                    self.log(StimulusEvent(t=self.t, event="camera_lost", detail=format_detail(
                        {"reason": str(exc).replace(";", ",")})))
                    status = ended_by = "camera_lost"
                    break
                if frame is None:
                    if self.duration_s is None or self.t < self.duration_s - 0.5:
                        ended_by = "source"
                    break
                self.t = frame.t
                if self.duration_s is not None and frame.t >= self.duration_s:
                    break
                self._due_events(frame.t)
                obs = self.tracker.process(frame)
                if self.recorder is not None:
                    self.recorder.write(frame, obs)
                self._faces(frame.t, obs)
                self.n_frames += 1
                for o in self.observers:
                    cb = getattr(o, "on_frame", None)
                    if cb is not None:
                        cb(frame, obs)
            else:
                status, ended_by = self._stopped_status(), "stop"
        except KeyboardInterrupt:
            status, ended_by = self._stopped_status(), "stop"
        end_t = self.t
        self.log(StimulusEvent(t=end_t, event="session_end", detail=format_detail(
            {"status": status, "ended_by": ended_by})))
        return RunResult(status=status, ended_by=ended_by, n_frames=self.n_frames, dropped=self.source.dropped,
                         duration_s=end_t)

