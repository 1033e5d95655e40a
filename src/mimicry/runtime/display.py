"""The simple stimulus window of ``mimicry record`` (OpenCV highgui, no Qt).

The desktop app has its own, richer stimulus panel; this one is for headless
lab machines and scripts. It draws the protocol's stimulus track at the session
time of each processed frame, and logs a ``marker`` with
``label=stimulus_displayed`` when a trial's first frame has been handed to the
screen, with the delay from the scheduled onset.
"""

from __future__ import annotations

import time

from mimicry.core.errors import InputError
from mimicry.io.formats import format_detail
from mimicry.core.messages import StimulusEvent

WINDOW_NAME = "Mimicry stimulus"

_WINDOW_PROBE = ("import cv2\n"
                 "cv2.namedWindow('probe', cv2.WINDOW_NORMAL)\n"
                 "cv2.destroyAllWindows()\n")


def check_display(timeout_s: float = 30.0) -> None:
    """Raise InputError unless a stimulus window can open here.

    OpenCV's window (Qt inside) aborts the whole process when there is no
    display, so the window is tried first in a child process, before the
    session folder exists.
    """
    import os  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    hint = "use --no-display, or run it from a desktop session"
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        raise InputError(f"cannot open the stimulus window: no display (DISPLAY is not set); "
                         f"{hint}")
    try:
        r = subprocess.run([sys.executable, "-c", _WINDOW_PROBE], capture_output=True,
                           text=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot open the stimulus window ({exc}); {hint}") from None
    if r.returncode != 0:
        lines = [ln.strip() for ln in r.stderr.splitlines() if ln.strip()]
        why = next((ln for ln in lines if "display" in ln.lower()), lines[-1] if lines else
                   f"exit code {r.returncode}")
        raise InputError(f"cannot open the stimulus window ({why[:160]}); {hint}")


class StimulusWindow:
    def __init__(self, schedule, size_px: int = 720) -> None:
        import cv2  # noqa: PLC0415

        from mimicry.stimulus.track import StimulusTrack  # noqa: PLC0415

        self._cv2 = cv2
        self.track = StimulusTrack(schedule, size_px=size_px, seed=schedule.seed)
        self.schedule = schedule
        self.runner = None
        self._shown_trial = None
        try:
            cv2.namedWindow(WINDOW_NAME, cv2.WINDOW_NORMAL)
        except cv2.error:
            raise InputError("cannot open a window (no display?); use --no-display") from None

    def on_frame(self, frame, observations) -> None:
        cv2 = self._cv2
        t0 = time.monotonic()
        img = self.track.frame(frame.t)
        cv2.imshow(WINDOW_NAME, cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        key = cv2.waitKey(1) & 0xFF
        kind, trial = self.schedule.phase(frame.t)
        if kind == "trial" and trial is not None and trial.trial != self._shown_trial:
            self._shown_trial = trial.trial
            shown_t = frame.t + (time.monotonic() - t0)
            if self.runner is not None:
                self.runner.log(StimulusEvent(
                    t=shown_t, event="marker", trial=trial.trial, condition=trial.condition,
                    stimulus_id=trial.stimulus_id, detail=format_detail(
                        {"label": "stimulus_displayed",
                         "delay_s": round(shown_t - trial.onset_s, 4)})))
        if key in (27, ord("q")) and self.runner is not None:
            self.runner.request_stop()
        elif key == ord("m") and self.runner is not None:
            self.runner.marker("key")

    def close(self) -> None:
        try:
            self._cv2.destroyWindow(WINDOW_NAME)
        except self._cv2.error:
            pass
