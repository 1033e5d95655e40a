"""What every activity panel is: it fills the shared activity card and draws the readings it is sent."""

from __future__ import annotations


class ActivityPanel:
    """One activity's view on the live page's activity card (:class:`mimicry_app.demo_modes.DemoPanel`).

    The card owns the title, the big number, the detail and note lines; a panel
    may add one widget of its own (:meth:`widget`) and writes the card's texts.

    Parameters
    ----------
    card : DemoPanel
    plan : SessionPlan
    """

    def __init__(self, card, plan) -> None:
        self.card = card
        self.plan = plan
        #: The widget :meth:`widget` made (set by the card).
        self.own_widget = None

    def widget(self):
        """The panel's own widget under the big number (None: nothing more)."""
        return None

    def start(self) -> None:
        """Write the texts shown before the first reading."""

    def draw(self, reading) -> None:
        """Draw one reading of the activity's live state."""
