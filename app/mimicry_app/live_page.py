"""The live session screen: stimulus, camera, meter, key hints, plots (:class:`LivePage`)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .camera_view import CameraView
from .demo_modes import DemoPanel
from .live_plots import LivePlots
from .meter import MimicryMeter
from .stimulus_panel import StimulusView


class LivePage(QWidget):
    """The session screen: stimulus, camera, meter, key hints, plots."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(10)
        self.stimulus = StimulusView(operator=True)
        top.addWidget(self.stimulus, 5)
        right = QVBoxLayout()
        self.camera = CameraView()
        right.addWidget(self.camera, 3)
        self.meter = MimicryMeter()
        right.addWidget(self.meter, 0)
        self.demo = DemoPanel()  # replaces the meter in the classroom demos
        self.demo.hide()
        right.addWidget(self.demo, 0)
        top.addLayout(right, 4)
        lay.addLayout(top, 3)
        self.hints = QLabel("")
        self.hints.setObjectName("keyHints")
        self.hints.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hints.hide()
        lay.addWidget(self.hints)
        self.plots = LivePlots()
        lay.addWidget(self.plots, 2)
        self._top = top

    def set_projecting(self, projecting: bool) -> None:
        """With a projector the stimulus here is only a preview: give the room to the camera."""
        self._top.setStretch(0, 2 if projecting else 5)
        self._top.setStretch(1, 5 if projecting else 4)
