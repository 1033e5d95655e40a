"""The live panel of the teacher as stimulus (:mod:`mimicry.activities.capture`): the prompt of the moment."""

from __future__ import annotations

from .. import theme
from .base import ActivityPanel

#: The big word of each capture prompt.
PROMPT_TITLES = {"neutral": "Neutral", "happy": "Smile!", "sad": "Sad face"}


class CapturePanel(ActivityPanel):
    """Draws the prompt at each reading (the session time, seconds, of the newest frame)."""

    def start(self) -> None:
        c = self.card
        c.big.setText("Get ready\N{HORIZONTAL ELLIPSIS}")
        c.detail.setText("Sit in front of the camera, face it, and follow the prompts.")
        where = self.plan.request.out_dir or "the sessions folder"
        c.note.setText(f"\N{WARNING SIGN} Three photos of this face will be SAVED (you "
                       f"asked for it): in {where}, under stimulus_sets.")
        c.note.setObjectName("banner")  # a privacy notice: it must be seen
        theme.style_label(c.note, theme.BASE_FONT_PT + 1)

    def draw(self, t) -> None:
        from mimicry.activities.capture.capture import phase_at  # noqa: PLC0415

        c = self.card
        timeline = self.plan.capture
        ph = phase_at(timeline, t)
        if ph is None:
            if t < timeline[0].start_s:
                c.big.setText(f"Get ready: {timeline[0].start_s - t:.0f}")
            else:
                c.big.setText("Done!")
                c.detail.setText("Picking the best frames and saving them\N{HORIZONTAL ELLIPSIS}")
            return
        c.big.setText(f"{PROMPT_TITLES.get(ph.condition, ph.condition)}  "
                      f"{max(0.0, ph.end_s - t):.0f}")
        c.colour_big(theme.condition_colour(ph.condition) if ph.condition != "neutral"
                     else theme.ACCENT)
        c.detail.setText(ph.prompt)
