"""The teacher as stimulus as a registered activity: its live state is the capture itself."""

from __future__ import annotations

from mimicry.activities.base import Activity


def live(plan=None):
    """The prompts' clock: the reading is the newest frame's session time, seconds (the panel
    shows the prompt of that moment). The capture itself (:class:`StimulusCapture`) is run
    by the front end, which saves it."""
    from mimicry.activities.live import FrameTimeObserver  # noqa: PLC0415

    return FrameTimeObserver()


#: No analysis: a capture session's result is the stimulus set it saves.
ACTIVITY = Activity(name="capture", title="Teacher as stimulus: capturing faces", live=live)
