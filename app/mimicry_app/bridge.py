"""The one bridge to Qt: the session's callbacks (worker thread) as queued signals for the UI thread.

:class:`LiveBridge` is the only QObject the worker touches. Frames are not queued
one by one: the bridge keeps the newest frame (newest wins) and the plot samples
since the last draw, and emits ``frame_ready`` only when the UI has taken the
previous one, so a slow UI never builds a backlog. Trial results, events and the
end of the session are rare and go through ordinary queued signals.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal

from mimicry.runtime.pause import PausableSource, SessionClock

#: Frame-rate window of the status bar, seconds.
FPS_WINDOW_S = 2.0
#: Plot samples kept between two draws (a UI that stalls loses the oldest).
MAX_PENDING_SAMPLES = 1200
#: Latency samples kept (for the benchmark and the status bar).
MAX_LATENCY_SAMPLES = 20_000


@dataclass(frozen=True)
class LiveFrame:
    """The newest tracked frame, for the camera view.

    Attributes
    ----------
    index : int
    t : float
        Session seconds.
    image : ndarray, shape (height, width, 3), uint8
        RGB (the source's array; never written to).
    landmarks : ndarray, shape (478, 3) or None
        Normalised coordinates of face 0 (shape (956, 3): face 0 then face 1,
        when two faces are tracked and both are seen).
    face_found : bool
    capture_mono : float
        Monotonic time the frame left the source (for latency).
    """

    index: int
    t: float
    image: np.ndarray
    landmarks: np.ndarray | None
    face_found: bool
    capture_mono: float


@dataclass(frozen=True)
class SessionInfo:
    """Sent when the session really starts (source open, tracker ready)."""

    source_kind: str
    source_name: str
    folder: Path | None
    demo: bool


@dataclass(frozen=True)
class SessionOutcome:
    """How a session ended.

    Attributes
    ----------
    status : str
        ``complete``, ``stopped``, ``camera_lost`` or ``failed``.
    folder : Path or None
        The saved session (None when recording was off or nothing ran).
    n_frames, dropped : int
    summary_text : str
        The plain-language summary (empty when not analysed).
    curves : ResponseCurves or None
    problem : str
        Why analysis or saving failed, if it did.
    last_reading : MeterReading or None
    stimulus_set : Path or None
        The stimulus set a teacher-as-stimulus capture saved.
    summary : dict or None
        The session's ``summary.json`` (None when not analysed).
    activity : str or None
        The classroom activity (``yawn``, ``no_smile``, ``dyad``, ``capture``) or None.
    """

    status: str
    folder: Path | None
    n_frames: int
    dropped: int
    summary_text: str = ""
    curves: object = None
    problem: str = ""
    last_reading: object = None
    stimulus_set: Path | None = None
    summary: dict | None = None
    activity: str | None = None


#: Plot sample columns: t, smile, brow_raise_inner, frown (NaN without a face).
SAMPLE_CHANNELS: tuple[str, ...] = ("smile", "brow_raise_inner", "frown", "jaw_open", "valence")
#: Channel of the second face slot appended to each sample (two-person mode).
SECOND_FACE_CHANNEL = "valence"


class LiveBridge(QObject):
    """Turns the runner's callbacks (worker thread) into signals for the UI thread.

    Signals
    -------
    frame_ready()
        A new frame is waiting in :meth:`take`; emitted again only after the UI
        took it (newest frame wins, no backlog).
    event_logged(StimulusEvent)
    trial_done(MeterReading)
    session_started(SessionInfo)
    session_failed(str message, str kind)
        ``kind`` is ``"camera"`` when a camera did not open, else ``"error"``.
    analyzing()
    session_finished(SessionOutcome)
    warning(str)
    activity_reading(object)
        A reading of the session's activity (its live state runs on the worker
        thread, :class:`mimicry.activities.live.ActivityLive`); the activity's panel draws it.
    """

    frame_ready = pyqtSignal()
    event_logged = pyqtSignal(object)
    trial_done = pyqtSignal(object)
    session_started = pyqtSignal(object)
    session_failed = pyqtSignal(str, str)
    analyzing = pyqtSignal()
    session_finished = pyqtSignal(object)
    warning = pyqtSignal(str)
    activity_reading = pyqtSignal(object)

    def __init__(self, clock: SessionClock, parent=None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.source: PausableSource | None = None
        self._lock = threading.Lock()
        self._newest: LiveFrame | None = None
        self._samples: deque = deque(maxlen=MAX_PENDING_SAMPLES)
        self._pending = False
        self._capture_times: deque = deque()
        self.n_frames = 0
        #: Capture-to-draw latencies, seconds (appended by the UI thread).
        self.latencies_s: deque = deque(maxlen=MAX_LATENCY_SAMPLES)

    # -- worker thread ---------------------------------------------------------
    def on_frame(self, frame, observations) -> None:
        o = observations[0] if observations else None
        found = bool(o is not None and o.detected)
        if found:
            sample = (frame.t,) + tuple(float(o.channels.get(c, np.nan)) for c in SAMPLE_CHANNELS)
        else:
            sample = (frame.t,) + (np.nan,) * len(SAMPLE_CHANNELS)
        o2 = observations[1] if len(observations) > 1 else None
        sample += (float(o2.channels.get(SECOND_FACE_CHANNEL, np.nan))
                   if o2 is not None and o2.detected else np.nan,)
        src = self.source
        index, mono = src.last_capture if src is not None else (frame.index, time.monotonic())
        capture = mono if index == frame.index else time.monotonic()
        landmarks = o.landmarks if found else None
        if found and o2 is not None and o2.detected and o2.landmarks is not None:
            landmarks = np.concatenate([landmarks, o2.landmarks])  # both faces' dots
        live = LiveFrame(frame.index, frame.t, frame.image, landmarks, found, capture)
        with self._lock:
            self._newest = live
            self._samples.append(sample)
            self.n_frames += 1
            self._capture_times.append(capture)
            while self._capture_times and self._capture_times[0] < capture - FPS_WINDOW_S:
                self._capture_times.popleft()
            emit = not self._pending
            self._pending = True
        self.clock.update(frame.t, capture)
        if emit:
            self.frame_ready.emit()

    def on_event(self, event) -> None:
        self.event_logged.emit(event)

    def publish_reading(self, reading) -> None:
        self.trial_done.emit(reading)

    def publish_activity(self, reading) -> None:
        self.activity_reading.emit(reading)

    def publish_warning(self, text: str) -> None:
        self.warning.emit(text)

    # -- UI thread -------------------------------------------------------------
    def take(self) -> tuple[LiveFrame | None, list]:
        """The newest frame and the plot samples since the last call.

        Returns
        -------
        frame : LiveFrame or None
        samples : list of tuple
            ``(t, smile, brow_raise_inner, frown, jaw_open, valence, valence of
            the second face)`` per frame, in time order (NaN without a face).
        """
        with self._lock:
            newest, self._newest = self._newest, None
            samples = list(self._samples)
            self._samples.clear()
            self._pending = False
        return newest, samples

    def fps(self) -> float:
        """Frames tracked per second over the last :data:`FPS_WINDOW_S`."""
        with self._lock:
            times = list(self._capture_times)
        if len(times) < 2:
            return 0.0
        now = time.monotonic()
        if now - times[-1] > 1.0:  # stalled or paused
            return 0.0
        return (len(times) - 1) / max(times[-1] - times[0], 1e-6)

    @property
    def dropped(self) -> int:
        src = self.source
        return src.dropped if src is not None else 0

    def note_drawn(self, frame: LiveFrame) -> None:
        self.latencies_s.append(time.monotonic() - frame.capture_mono)
