"""One live session, the same for ``mimicry record`` and the app: open, run, finish, analyse.

:class:`Session` wires a :class:`~mimicry.runtime.plan.SessionPlan` to a frame
source, the face tracker, a :class:`~mimicry.runtime.recorder.SessionRecorder`
(with its ``session.json`` metadata, built once here) and a
:class:`~mimicry.runtime.recorder.LiveRunner`; it finishes ``session.json``
whatever ended the run and analyses the saved session at the end. The CLI and
the app differ only in their :class:`SessionOptions`, in how they open the
source and in their observers (the app adds its Qt bridge).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from mimicry.core.errors import InputError, MimicryError
from mimicry.runtime.recorder import LiveRunner, RunResult, SessionRecorder


@dataclass(frozen=True)
class SessionOptions:
    """How a front end runs a session (what differs between the CLI and the app).

    Attributes
    ----------
    participant : str
    out_root : Path or None
        The folder that receives the session folder; None records nothing.
    faces : int
        Face slots tracked and recorded.
    model : str or None
        Face model path (``--model``).
    keep_landmarks : bool
        Keep each face's landmarks on its observation (display, landmarks.csv).
    save_video, save_landmarks : bool
        Also write ``video.mp4`` / ``landmarks.csv``.
    paced : bool
        A video source is played at its frame rate (cameras and the demo always are).
    display : bool
        A stimulus display is shown (``session.json`` ``display``).
    app : str or None
        ``session.json`` ``app`` (the front end that recorded it); None leaves it out.
    lsl : bool
        Publish every frame on a Lab Streaming Layer outlet.
    """

    participant: str = "anonymous"
    out_root: Path | None = None
    faces: int = 1
    model: object = None
    keep_landmarks: bool = True
    save_video: bool = False
    save_landmarks: bool = False
    paced: bool = True
    display: bool = False
    app: str | None = None
    lsl: bool = False


def calibration_baseline(folder: Path, calibration: tuple[float, float]) -> dict | None:
    """Median and robust spread (1.4826 MAD) per channel over the calibration window."""
    import numpy as np  # noqa: PLC0415

    from mimicry.core.robust import robust_stats  # noqa: PLC0415
    from mimicry.core.channels import CHANNELS  # noqa: PLC0415
    from mimicry.io.tables import read_frames  # noqa: PLC0415

    f = read_frames(folder / "frames.csv")
    f = f.face(0)
    sel = f.face_detected & (f.t >= calibration[0]) & (f.t < calibration[1])
    if sel.sum() < 5:
        return None
    median, robust_sd, _ = robust_stats(np.column_stack([f.channels[ch][sel] for ch in CHANNELS]))
    out = {"n_frames": int(sel.sum()), "window_s": list(calibration)}
    for ch, med, sd in zip(CHANNELS, median, robust_sd):
        out[ch] = {"median": round(float(med), 5), "robust_sd": round(float(sd), 5)}
    return out


def finish_recording(recorder: SessionRecorder, result: RunResult | None,
                     calibration: tuple[float, float], dropped: int) -> None:
    """Finalise session.json, whatever ended the run (an error leaves status ``failed``)."""
    baseline = None
    if result is not None:
        try:
            baseline = calibration_baseline(recorder.path, calibration)
        except InputError:
            baseline = None  # frames.csv unreadable (folder removed): keep what we can
    recorder.meta.update(calibration_baseline=baseline, dropped_frames=dropped,
                         ended_by=result.ended_by if result is not None else "error")
    recorder.finish(result.status if result is not None else "failed")


def analyze_session_folder(folder: Path, no_trials_text: str) -> str:
    """The end of a recorded session: its activity's own step (the try-not-to-smile
    leaderboard), then trials.csv and summary.json (as ``mimicry analyze``); the
    plain-language summary."""
    from mimicry.analysis.folder import NoTrialsError  # noqa: PLC0415
    from mimicry.runtime.analyze import after_recording, analyze_any_folder  # noqa: PLC0415

    after_recording(folder)  # the activity's end of a recording (mimicry analyze never does it)
    try:
        return analyze_any_folder(folder)[0]  # also two people, yawns, try not to smile
    except NoTrialsError:
        return no_trials_text


class Session:
    """One session: source → tracker → recorder, run by a :class:`LiveRunner`.

    Parameters
    ----------
    plan : SessionPlan
    options : SessionOptions
    open_source : callable
        ``open_source() -> FrameSource``; raises
        :class:`~mimicry.core.errors.MimicryError` when it cannot open.
    observers : sequence
        Runner observers (``on_frame``/``on_event``), in the order they are called.

    Use :meth:`open`, then :meth:`run` (which closes everything), then
    :meth:`analyze`. ``source``, ``tracker``, ``recorder`` and ``runner`` are
    None until :meth:`open` has made them.
    """

    def __init__(self, plan, options: SessionOptions, open_source: Callable[[], object],
                 observers: Sequence[object] = ()) -> None:
        self.plan = plan
        self.options = options
        self._open_source = open_source
        self.observers = list(observers)
        self.source = self.tracker = self.recorder = self.runner = None
        self.outlet = None
        self.result: RunResult | None = None
        self._closed = False

    def session_meta(self) -> dict:
        """The ``session.json`` fields this session adds (the source must be open)."""
        plan, o, src = self.plan, self.options, self.source
        meta = {"protocol": plan.protocol_label, "activity": plan.demo_mode,
                "protocol_file": (str(plan.protocol.path)
                                  if plan.protocol.path and not plan.free_run else None),
                "seed": plan.schedule.seed if plan.schedule is not None else plan.freerun.seed,
                "source": src.describe(), "display": o.display,
                # Paced: frames came at their own rate (a camera always; a video or the
                # demo unless --fast).
                "paced": src.kind == "camera" or bool(getattr(getattr(src, "inner", src),
                                                              "realtime", o.paced))}
        if o.app is not None:
            meta["app"] = o.app
        meta.update(calibration_s=list(plan.calibration), planned_duration_s=plan.duration_s,
                    lsl=o.lsl,
                    # The posed smile / sad face after the calibration ran (not skipped, and
                    # the protocol has one); the expression_start/end events give the times.
                    expression_calibration=bool(getattr(plan.schedule, "expressions", ())))
        return meta

    def open(self) -> None:
        """Open the source, the tracker, the LSL outlet and the recorder; build the runner.

        On an error whatever was opened is closed again (and a started
        session.json is marked ``failed``) before the error propagates.
        """
        from mimicry.tracking.mediapipe_tracker import MediaPipeTracker  # noqa: PLC0415

        o = self.options
        self.source = self._open_source()
        try:
            self.tracker = MediaPipeTracker(o.model, num_faces=o.faces,
                                            keep_landmarks=o.keep_landmarks)
            if o.lsl:
                from mimicry.runtime.lsl import LslPublisher  # noqa: PLC0415

                self.outlet = LslPublisher(name=f"mimicry-{o.participant}", faces=o.faces,
                                           nominal_fps=self.source.fps or 30.0)
                self.observers.append(self.outlet)
            if o.out_root is not None:
                self.recorder = SessionRecorder(
                    o.out_root, o.participant, faces=o.faces, save_video=o.save_video,
                    save_landmarks=o.save_landmarks, meta=self.session_meta())
                self.recorder.set_trials(self.plan.trials)
            self.runner = LiveRunner(self.source, self.tracker, self.recorder,
                                     schedule_events=self.plan.events,
                                     duration_s=self.plan.duration_s, observers=self.observers)
        except BaseException:
            self.close()
            raise

    def add_observer(self, observer: object) -> None:
        """Watch the run too (after the ones given so far); call before :meth:`run`."""
        self.observers.append(observer)
        if self.runner is not None:
            self.runner.observers.append(observer)

    def request_stop(self) -> None:
        """Ask the run to stop after the current frame (thread-safe)."""
        if self.runner is not None:
            self.runner.request_stop()

    @property
    def folder(self) -> Path | None:
        """The session folder (None when nothing is recorded)."""
        return self.recorder.path if self.recorder is not None else None

    @property
    def dropped(self) -> int:
        return self.source.dropped if self.source is not None else 0

    def run(self) -> RunResult:
        """Run to the end, finish session.json whatever happened, and close everything.

        An error in the run propagates (session.json says ``failed``); an
        error finishing session.json after a good run propagates too, with
        :attr:`result` already set.
        """
        try:
            try:
                self.result = self.runner.run()
            except BaseException:
                # Report what stopped the run, not a follow-on failure to finalise.
                self._finish_quietly()
                raise
            if self.recorder is not None:
                finish_recording(self.recorder, self.result, self.plan.calibration, self.dropped)
        finally:
            self.close()
        return self.result

    def _finish_quietly(self) -> None:
        if self.recorder is not None:
            try:
                finish_recording(self.recorder, None, self.plan.calibration, self.dropped)
            except MimicryError:
                pass

    def close(self) -> None:
        """Close the tracker, the source and the outlet; safe to call twice.

        A session.json not finished yet (the run never started) is marked ``failed``.
        """
        if self._closed:
            return
        self._closed = True
        if self.recorder is not None and not self.recorder.finished:
            self._finish_quietly()
        try:
            if self.tracker is not None:
                self.tracker.close()
        finally:
            try:
                if self.source is not None:
                    self.source.close()
            finally:
                if self.outlet is not None:
                    self.outlet.close()

    def analyze(self, no_trials_text: str) -> str:
        """Analyse the saved session; the plain-language summary ("" when nothing was saved)."""
        if self.recorder is None or self.result is None or not self.result.n_frames:
            return ""
        return analyze_session_folder(self.recorder.path, no_trials_text)


def save_capture_set(capture, out_dir: str | None, participant: str) -> tuple[Path | None, str]:
    """Save a teacher-as-stimulus capture as a stimulus set; (its folder or None, what to say).

    The set goes to ``<out_dir or the sessions folder>/stimulus_sets/<date-time>_<participant>``.
    """
    from datetime import datetime  # noqa: PLC0415

    from mimicry.activities.capture.capture import capture_summary, save_capture  # noqa: PLC0415
    from mimicry.runtime.recorder import default_sessions_dir, sanitize_participant  # noqa: PLC0415

    root = Path(out_dir).expanduser() if out_dir else default_sessions_dir()
    name = sanitize_participant(participant)
    folder = root / "stimulus_sets" / f"{datetime.now():%Y-%m-%d_%H%M%S}_{name}"
    try:
        folder = save_capture(capture, folder, name=name)
    except MimicryError as exc:
        return None, capture_summary(capture, None, str(exc))
    return folder, capture_summary(capture, folder)
