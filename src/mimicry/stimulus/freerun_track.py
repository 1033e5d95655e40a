"""The stimulus screen of a free run (key-pressed trials), drawn as :class:`StimulusTrack` draws a schedule."""

from __future__ import annotations

import numpy as np

from mimicry.stimulus.track import StimulusTrack


class FreeRunTrack(StimulusTrack):
    """The stimulus screen of a free run, frame by frame.

    A :class:`~mimicry.stimulus.track.StimulusTrack` whose timeline grows while
    it is shown: the calm calibration screen first, then each trial as the
    track draws a protocol trial. Between trials, before the operator has
    pressed a key for it, the next face waits with a neutral expression.

    Parameters
    ----------
    timeline : mimicry.runtime.freerun.FreeRunTimeline
        Anything with ``protocol``, ``phase(t_s)``, ``trials`` and
        ``identity_for(n)``.
    size_px : int
        Side of the square frames.
    seed : int
        Seeds the faces' blinks and idle motion.
    """

    def __init__(self, timeline, size_px: int = 720, seed: int = 0) -> None:
        # The timeline stands in for the schedule: it has the protocol and phase(t).
        super().__init__(timeline, size_px, seed)
        self.timeline = timeline
        self._set = None  # a free run always shows the built-in faces

    def frame(self, t_s: float) -> np.ndarray:
        """The stimulus screen at ``t_s``.

        Returns
        -------
        ndarray, shape (size_px, size_px, 3), uint8
            RGB.
        """
        kind, trial = self.timeline.phase(t_s)
        if kind == "waiting" and trial is None:  # no key pressed yet for the next face
            from mimicry.stimulus.face import Expression  # noqa: PLC0415

            identity = self.timeline.identity_for(len(self.timeline.trials) + 1)
            return self._animator(identity).frame(t_s, Expression())
        return super().frame(t_s)
