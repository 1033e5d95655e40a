"""``mimicry record``: validate everything, then run and save one session."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mimicry.core.errors import InputError, MimicryError
from mimicry.runtime.recorder import LiveRunner, SessionRecorder, default_sessions_dir
from mimicry.sources import open_source, source_kind
from mimicry.tracking.mediapipe_tracker import MediaPipeTracker


@dataclass(frozen=True)
class RecordResult:
    folder: Path
    status: str
    n_frames: int
    summary_text: str = ""


def calibration_baseline(folder: Path, calibration: tuple[float, float]) -> dict | None:
    """Median and robust spread (1.4826 MAD) per channel over the calibration window."""
    import numpy as np  # noqa: PLC0415

    from mimicry.analysis.baseline import robust_stats  # noqa: PLC0415
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


def _finish(recorder: SessionRecorder, result, calibration: tuple[float, float],
            dropped: int) -> None:
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


def record_session(*, source: str, protocol: str, seed: int | None = None,
                   participant: str = "anonymous", out: str | os.PathLike | None = None,
                   display: bool = False, fast: bool = False, faces: int = 1, model=None,
                   save_video: bool = False, save_landmarks: bool = False, lsl: bool = False,
                   analyze: bool = True, observers=()) -> RecordResult:
    """Run ``protocol`` against ``source`` and write a session folder.

    Everything that can be checked is checked before the session starts:
    protocol, stimulus set, model, source and output folder.
    """
    from mimicry.protocol.model import build_schedule, load_protocol  # noqa: PLC0415

    if not 1 <= faces <= 4:
        raise InputError(f"Invalid value for the '--faces' parameter: expected 1 to 4, got {faces}")
    proto = load_protocol(protocol)
    schedule = build_schedule(proto, seed)
    out_root = Path(out).expanduser() if out else default_sessions_dir()
    try:
        out_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {out_root}: {exc.strerror or exc}; "
                         f"expected a writable folder") from None
    if not os.access(out_root, os.W_OK | os.X_OK):
        raise InputError(f"output folder {out_root} is not writable; expected a writable folder")
    kind = source_kind(source)
    realtime = kind in ("camera", "demo") or not fast
    src = open_source(source, realtime=realtime)
    if src.kind == "demo":
        src.set_trials(schedule.trials)  # the demo participant watches this protocol
    obs_list = list(observers)
    outlet = window = None
    try:
        tracker = MediaPipeTracker(model, num_faces=faces, keep_landmarks=save_landmarks or display)
        try:
            if lsl:
                from mimicry.runtime.lsl import LslPublisher  # noqa: PLC0415

                outlet = LslPublisher(name=f"mimicry-{participant}", faces=faces,
                                      nominal_fps=src.fps or 30.0)
                obs_list.append(outlet)
            recorder = SessionRecorder(
                out_root, participant, faces=faces, save_video=save_video,
                save_landmarks=save_landmarks,
                meta={"protocol": proto.name, "protocol_file": str(proto.path) if proto.path else None,
                      "seed": schedule.seed, "source": src.describe(),
                      "paced": realtime, "display": display,
                      "calibration_s": list(schedule.calibration),
                      "planned_duration_s": schedule.duration_s, "lsl": lsl})
            recorder.set_trials(schedule.trials)
            if display:
                from mimicry.runtime.display import StimulusWindow  # noqa: PLC0415

                window = StimulusWindow(schedule)
                obs_list.append(window)
            runner = LiveRunner(src, tracker, recorder, schedule_events=schedule.events(),
                                duration_s=schedule.duration_s, observers=obs_list)
            if window is not None:
                window.runner = runner
            result = None
            try:
                result = runner.run()
            except BaseException:
                # Report what stopped the run, not a follow-on failure to finalise.
                try:
                    _finish(recorder, None, schedule.calibration, src.dropped)
                except MimicryError:
                    pass
                raise
            _finish(recorder, result, schedule.calibration, src.dropped)
        finally:
            tracker.close()
    finally:
        src.close()
        if outlet is not None:
            outlet.close()
        if window is not None:
            window.close()
    text = ""
    if analyze and result.n_frames:
        text = _analyze(recorder.path)
    return RecordResult(folder=recorder.path, status=result.status, n_frames=result.n_frames,
                        summary_text=text)


def _analyze(folder: Path) -> str:
    """Write trials.csv and summary.json; return the plain-language summary."""
    from mimicry.runtime.analyze import analyze_any_folder  # noqa: PLC0415
    from mimicry.analysis.folder import NoTrialsError  # noqa: PLC0415

    try:
        return analyze_any_folder(folder)[0]
    except NoTrialsError:
        return "No stimulus trial was reached, so there is nothing to analyse."
