"""Offline processing: a video, an image or a folder of images to ``frames.csv``.

This is ``mimicry process``. The output folder is a session folder that
``mimicry analyze`` reads: ``frames.csv``, ``session.json`` and, when a
stimulus timeline is given, a copy of it as ``events.csv``. They are written
aside and moved in only when processing succeeds (:mod:`mimicry.io.staging`):
a folder that already holds a session is refused unless ``overwrite``, and a
failed run leaves it as it was.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from mimicry.core.errors import InputError
from mimicry.core.progress import Progress
from mimicry.io.session import new_session_meta, wall_clock_now, write_session_json
from mimicry.sources import open_source
from mimicry.io.tables import read_events
from mimicry.protocol.timeline import trials_from_events
from mimicry.tracking.mediapipe_tracker import MediaPipeTracker
from mimicry.io.writers import FramesWriter
from mimicry.protocol.timeline import StimulusAnnotator
from mimicry.io.staging import staged_outputs


@dataclass(frozen=True)
class ProcessResult:
    """What one ``process`` run did."""

    out_dir: Path
    n_frames: int
    face_frames_pct: float
    elapsed_s: float

    @property
    def fps(self) -> float:
        return self.n_frames / self.elapsed_s if self.elapsed_s > 0 else 0.0


def input_fingerprint(path: str | os.PathLike) -> str:
    """SHA-256 of a video or image file; of a folder, over its files' names and contents.

    Written to session.json as ``input_sha256``: a batch run skips an output
    folder that already holds a complete session of the same input.
    """
    from hashlib import sha256  # noqa: PLC0415

    from mimicry.core.assets import file_sha256  # noqa: PLC0415

    p = Path(path)
    if not p.is_dir():
        return file_sha256(p)
    h = sha256()
    for f in sorted(q for q in p.iterdir() if q.is_file()):
        h.update(f"{f.name}\0{file_sha256(f)}\n".encode())
    return h.hexdigest()


def process_input(input_path: str | os.PathLike, out_dir: str | os.PathLike, *,
                  events_path: str | os.PathLike | None = None, faces: int = 1,
                  model: str | os.PathLike | None = None,
                  progress: bool | None = None, overwrite: bool = False) -> ProcessResult:
    """Track every frame of ``input_path`` and write ``out_dir/frames.csv``.

    Parameters
    ----------
    input_path : path
        A video file, an image file or a folder of images.
    out_dir : path
        Created if missing.
    events_path : path, optional
        A stimulus timeline (``events.csv``) whose times refer to the video's
        time; fills the stimulus columns and is copied into ``out_dir``.
    faces : int
        Face slots per frame.
    model : path, optional
        Face model override.
    progress : bool or None
        Show a progress line (None: only on a terminal).
    overwrite : bool
        Replace the session ``out_dir`` already holds (refused otherwise).
    """
    trials = None
    if events_path is not None:
        events = read_events(events_path)
        trials = trials_from_events(events)
    writes = ("frames.csv", "session.json") + (("events.csv",) if events_path else ())
    inputs = [input_path] + ([events_path] if events_path else [])
    with staged_outputs(out_dir, writes=writes, overwrite=overwrite, keep=inputs) as stage:
        result = _process_into(stage, input_path, trials, events_path, faces, model, progress)
    return ProcessResult(out_dir=Path(out_dir).expanduser(), n_frames=result[0],
                         face_frames_pct=result[1], elapsed_s=result[2])


def _process_into(out: Path, input_path, trials, events_path, faces, model,
                  progress) -> tuple[int, float, float]:
    """Track ``input_path`` into the (staging) folder ``out``; (frames, face %, seconds)."""
    source = open_source(input_path, realtime=False)
    try:
        tracker = MediaPipeTracker(model, num_faces=faces, keep_landmarks=False,
                                   mode="image" if source.still_images else "video")
    except BaseException:
        source.close()
        raise
    meta = new_session_meta(
        "processed", source=source.describe(), faces=faces,
        events_file=str(events_path) if events_path else None,
        input_sha256=input_fingerprint(input_path))
    n = 0
    n_face = 0
    t0 = time.monotonic()
    bar = Progress(f"processing {Path(str(input_path)).name}", source.n_frames, enabled=progress)
    writer = None
    try:
        if events_path is not None:
            shutil.copyfile(events_path, out / "events.csv")
        write_session_json(out, meta)
        writer = FramesWriter(out / "frames.csv", StimulusAnnotator(trials))
        for frame in source:
            obs = tracker.process(frame)
            writer.write_all(obs)
            n += 1
            n_face += obs[0].detected
            bar.update(n)
        if n == 0:
            raise InputError(f"{input_path} gave no frames; expected a video or images")
        meta["status"] = "complete"
    except OSError as exc:
        meta["status"] = "failed"
        raise InputError(f"cannot write to {out}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        meta["status"] = "stopped"
        raise
    except BaseException:
        meta["status"] = "failed"
        raise
    finally:
        bar.finish()
        tracker.close()
        source.close()
        if writer is not None:
            writer.close()
        meta.update(ended_at=wall_clock_now(), n_frames=n,
                    face_frames_pct=round(100.0 * n_face / n, 2) if n else 0.0)
        try:
            write_session_json(out, meta)
        except InputError:
            pass  # the folder vanished; the error that got us here is the one to report
    return n, 100.0 * n_face / n if n else 0.0, time.monotonic() - t0
