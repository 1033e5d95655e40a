"""The setup screen: who is watching, what is shown, which camera, where it is saved.

Builds a :class:`~mimicry.runtime.plan.SessionRequest`; nothing here measures.
Cameras are probed off the UI thread (:class:`~mimicry_app.worker.CameraProbe`);
when none opens, or the chosen one is missing or busy, the page says so and
offers the demo participant.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QEvent, QObject, Qt, pyqtSignal
from PyQt6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QFrame,
                             QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from mimicry.runtime.plan import SessionRequest
from mimicry.runtime.settings import CAPTURE, DYAD, FREE_RUN, AppSettings

from .class_picker import SaveBox
from .mood import MoodSetup

DEMO = "demo"
PROTOCOL_LABELS = {
    "quick": "Quick demo (about 1 minute)",
    "default": "Standard session (a few minutes)",
    "classroom": "Classroom demo (slow, big faces, about 2 minutes)",
    FREE_RUN: "Free run \N{EM DASH} you press H, S or N to show a face",
    "no_smile": "Try not to smile \N{EM DASH} smiling faces, keep a straight face (1 minute)",
    "yawn": "Contagious yawns \N{EM DASH} yawning faces and mouth movements (1.8 min)",
    "groups_quick": "Your team or theirs \N{EM DASH} faces labelled by team, for a class "
                    "(2.5 min)",
    "groups": "Your team or theirs \N{EM DASH} the full group-label study (4 min)",
    DYAD: "Two people \N{EM DASH} who leads whom? (two faces, no stimulus)",
    CAPTURE: "Teacher as stimulus \N{EM DASH} capture a volunteer\N{RIGHT SINGLE QUOTATION MARK}s "
             "faces (25 s, saves 3 photos)",
}
_OTHER_PROTOCOL = "__other_protocol__"
_OTHER_VIDEO = "__other_video__"


def source_label(spec: str) -> str:
    """How a source spec reads in the list."""
    from mimicry.sources import source_kind  # noqa: PLC0415

    kind = source_kind(spec)
    if kind == "camera":
        return f"Camera {spec}"
    if kind == "demo":
        return "Demo participant (no camera needed)"
    return f"Video: {Path(spec).name}"


#: The record checkbox's words: numbers only, or (teacher as stimulus) the three photos.
RECORD_TEXT = "Save the numbers to CSV (no images or video are saved)"
RECORD_TEXT_CAPTURE = "Save the session's numbers to CSV (the 3 photos are saved in any case)"


class _SpaceStarts(QObject):
    """Space in the participant field starts the session (ids have no spaces: they become _)."""

    def __init__(self, start, parent=None) -> None:
        super().__init__(parent)
        self._start = start

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt naming)
        if (event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Space
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self._start()
            return True
        return False


class SetupPage(QWidget):
    """Choose participant, protocol, camera and output folder.

    Signals
    -------
    start_requested(SessionRequest, bool classroom)
    refresh_cameras()
        The operator asked to look for cameras again.
    """

    start_requested = pyqtSignal(object, bool)
    refresh_cameras = pyqtSignal()

    def __init__(self, settings: AppSettings, parent=None) -> None:
        super().__init__(parent)
        self.paced = True
        self.model: str | None = None
        self.seed: int | None = None
        self.cameras: list[dict] | None = None  # None until probed
        self.board_names = settings.board_names  # the class board's choice, remembered
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 24, 40, 24)
        outer.addStretch(1)
        title = QLabel("Mimicry")
        title.setObjectName("pageTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        sub = QLabel("Does your face follow the faces you watch?")
        sub.setObjectName("heading")
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(sub)

        card = QFrame()
        card.setObjectName("card")
        card.setMaximumWidth(980)
        form = QFormLayout(card)
        form.setContentsMargins(24, 20, 24, 20)
        form.setVerticalSpacing(14)
        form.setHorizontalSpacing(18)

        self.participant = QLineEdit(settings.participant)
        self.participant.setPlaceholderText("e.g. p01, or a first name")
        self._space = _SpaceStarts(self.request_start, self)
        self.participant.installEventFilter(self._space)
        form.addRow("Participant", self.participant)

        self.protocol = QComboBox()
        for name, label in PROTOCOL_LABELS.items():
            self.protocol.addItem(label, name)
        self.protocol.addItem("Another protocol file\N{HORIZONTAL ELLIPSIS}", _OTHER_PROTOCOL)
        self.protocol_info = QLabel("")
        self.protocol_info.setObjectName("muted")
        self.protocol_info.setWordWrap(True)
        proto_box = QVBoxLayout()
        proto_box.addWidget(self.protocol)
        proto_box.addWidget(self.protocol_info)
        form.addRow("What to show", proto_box)

        self.source = QComboBox()
        self.refresh = QPushButton("Look again")
        self.refresh.clicked.connect(self._refresh_clicked)
        src_row = QHBoxLayout()
        src_row.addWidget(self.source, 1)
        src_row.addWidget(self.refresh)
        self.camera_info = QLabel("Looking for cameras\N{HORIZONTAL ELLIPSIS}")
        self.camera_info.setObjectName("muted")
        src_box = QVBoxLayout()
        src_box.addLayout(src_row)
        src_box.addWidget(self.camera_info)
        form.addRow("Camera", src_box)

        self.save = SaveBox(settings, RECORD_TEXT)
        self.out_dir, self.record = self.save.out_dir, self.save.record
        form.addRow("Save sessions in", self.save)

        self.classroom = QCheckBox("Faces full screen on the projector (second screen)")
        self.classroom.setChecked(settings.classroom)
        form.addRow("Classroom", self.classroom)

        self.expressions = QCheckBox("Ask for a wide smile and a sad face first")
        self.expressions.setToolTip("After the calm start the screen asks for the widest smile "
                                    "and a sad face, a few seconds each, so the results can be "
                                    "put as a share of this person\N{RIGHT SINGLE QUOTATION MARK}s "
                                    "own range. Untick to skip it.")
        self.expressions.setChecked(settings.expression_calibration)
        form.addRow("Expression range", self.expressions)
        self.mood = MoodSetup(settings.ask_mood)
        form.addRow("Mood", self.mood)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 10)
        row.addStretch(1)
        outer.addLayout(row)

        self.camera_banner = QLabel("")
        self.camera_banner.setObjectName("banner")
        self.camera_banner.setWordWrap(True)
        self.camera_banner.setMaximumWidth(760)
        self.use_demo = QPushButton("Use the demo participant")
        self.use_demo.clicked.connect(self.choose_demo)
        banner_row = QHBoxLayout()
        banner_row.addStretch(1)
        banner_row.addWidget(self.camera_banner, 6)
        banner_row.addWidget(self.use_demo)
        banner_row.addStretch(1)
        self._banner_widgets = (self.camera_banner, self.use_demo)
        outer.addLayout(banner_row)

        self.error = QLabel("")
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.setMaximumWidth(980)
        outer.addWidget(self.error, alignment=Qt.AlignmentFlag.AlignHCenter)

        self.start = QPushButton("Start  (Space)")
        self.start.setObjectName("primary")
        self.start.clicked.connect(self.request_start)
        outer.addWidget(self.start, alignment=Qt.AlignmentFlag.AlignHCenter)
        # A click on a box or list leaves the keyboard focus where it was, so Space still
        # starts (as the button says); Tab still reaches every control.
        for w in (self.protocol, self.source, self.classroom, self.expressions,
                  self.refresh, self.use_demo, *self.save.focus_free()):
            w.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        outer.addStretch(2)

        self.protocol.currentIndexChanged.connect(self._protocol_changed)
        self.source.activated.connect(self._source_activated)
        self.set_protocol(settings.protocol)
        self._sources: list[str] = []
        self.set_source(settings.source)
        self.show_camera_problem("")
        self.show_error("")

    # -- protocol ------------------------------------------------------------
    def set_protocol(self, spec: str) -> None:
        i = self.protocol.findData(spec)
        if i < 0:
            self.protocol.insertItem(self.protocol.count() - 1, f"File: {Path(spec).name}", spec)
            i = self.protocol.findData(spec)
        self.protocol.setCurrentIndex(i)
        self._protocol_changed()

    def protocol_spec(self) -> str:
        return self.protocol.currentData()

    def _protocol_changed(self) -> None:
        spec = self.protocol.currentData()
        if spec == _OTHER_PROTOCOL:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a protocol", "",
                                                  "Protocols (*.toml)")
            if path:
                self.set_protocol(path)
            else:
                self.protocol.setCurrentIndex(0)
            return
        self.protocol_info.setText(self._describe_protocol(spec))
        self.record.setText(RECORD_TEXT_CAPTURE if spec == CAPTURE else RECORD_TEXT)

    @staticmethod
    def _describe_protocol(spec: str) -> str:
        from mimicry.core.errors import MimicryError  # noqa: PLC0415
        from mimicry.protocol.load import load_protocol  # noqa: PLC0415

        if spec == FREE_RUN:
            return ("A 6-second calm start, then you choose: H shows a happy face, S a sad one, "
                    "N a neutral one. Press Esc when you are done.")
        if spec == CAPTURE:
            return ("A volunteer follows three prompts (neutral, smile, sad) for about 25 s. "
                    "The app keeps the best frame of each and SAVES THESE 3 PHOTOS, cropped to "
                    "the face, as a stimulus set in the folder below (under stimulus_sets), "
                    "ready to use in any protocol. Photos are saved only in this mode, because "
                    "you ask for it here.")
        if spec == DYAD:
            return ("Two people sit side by side in front of one camera and talk or pull faces. "
                    "The app follows both faces and shows whose expressions follow whose. Record "
                    "at least a minute; press Esc to finish.")
        try:
            p = load_protocol(spec)
        except MimicryError as exc:
            return str(exc)
        return p.description or p.name

    # -- source --------------------------------------------------------------
    def set_source(self, spec: str) -> None:
        """Select ``spec``, adding it to the list when it is not there."""
        if spec not in self._sources:
            self._sources.append(spec)
        self._rebuild_sources(spec)

    def source_spec(self) -> str:
        data = self.source.currentData()
        return data if data not in (None, _OTHER_VIDEO) else DEMO

    def _rebuild_sources(self, selected: str) -> None:
        from mimicry.sources import source_kind  # noqa: PLC0415

        specs = []
        if self.cameras is not None:
            specs += [str(c["index"]) for c in self.cameras]
        specs += [s for s in self._sources if source_kind(s) == "camera" and s not in specs]
        specs.append(DEMO)
        specs += [s for s in self._sources if source_kind(s) not in ("camera", "demo")]
        self.source.blockSignals(True)
        self.source.clear()
        by_index = {str(c["index"]): c for c in self.cameras or []}
        for s in specs:
            label = source_label(s)
            if s in by_index:
                c = by_index[s]
                label += f" \N{EM DASH} {c['width']}\N{MULTIPLICATION SIGN}{c['height']}"
            elif self.cameras is not None and source_kind(s) == "camera":
                label += " (not found)"
            self.source.addItem(label, s)
        self.source.addItem("A video file\N{HORIZONTAL ELLIPSIS}", _OTHER_VIDEO)
        i = self.source.findData(selected)
        self.source.setCurrentIndex(max(i, 0))
        self.source.blockSignals(False)
        self._check_camera()

    def _source_activated(self, _index: int) -> None:
        if self.source.currentData() == _OTHER_VIDEO:
            path, _ = QFileDialog.getOpenFileName(
                self, "Choose a video", "", "Videos (*.mp4 *.avi *.mov *.mkv *.webm *.gif)")
            self.set_source(path if path else DEMO)
            return
        self._check_camera()

    def set_cameras(self, cameras: list[dict]) -> None:
        """The result of a camera probe."""
        self.cameras = list(cameras)
        self.refresh.setEnabled(True)
        n = len(self.cameras)
        self.camera_info.setText(
            f"{n} camera{'s' if n != 1 else ''} found" if n else "No camera found on this computer")
        selected = self.source.currentData() or DEMO
        from mimicry.sources import source_kind  # noqa: PLC0415

        if not self.cameras and source_kind(selected) == "camera" and not self._explicit_source:
            selected = DEMO  # nothing to choose from: the demo stands in
        self._rebuild_sources(selected)

    _explicit_source = False

    def mark_explicit_source(self) -> None:
        """The source was given on the command line: keep it selected even if it is missing."""
        self._explicit_source = True

    def _refresh_clicked(self) -> None:
        self.refresh.setEnabled(False)
        self.camera_info.setText("Looking for cameras\N{HORIZONTAL ELLIPSIS}")
        self.refresh_cameras.emit()

    def _check_camera(self) -> None:
        from mimicry.sources import source_kind  # noqa: PLC0415

        spec = self.source_spec()
        if self.cameras is None:
            self.show_camera_problem("")
            return
        if not self.cameras and source_kind(spec) == "demo":
            self.show_camera_problem("No camera was found, so the demo participant will stand in "
                                     "(a rendered face, clearly labelled). Connect a camera and "
                                     "press \N{LEFT DOUBLE QUOTATION MARK}Look again"
                                     "\N{RIGHT DOUBLE QUOTATION MARK} to use it.",
                                     offer_demo=False)
        elif source_kind(spec) == "camera" and spec not in {str(c["index"]) for c in self.cameras}:
            self.show_camera_problem(f"Camera {spec} did not open: it is not connected, or another "
                                     f"program (a video call?) is using it.")
        else:
            self.show_camera_problem("")

    def show_camera_problem(self, text: str, offer_demo: bool = True) -> None:
        self.camera_banner.setText(text)
        self.camera_banner.setVisible(bool(text))
        self.use_demo.setVisible(bool(text) and offer_demo)

    def choose_demo(self) -> None:
        self.set_source(DEMO)
        self.show_error("")

    # -- output and start ----------------------------------------------------
    def show_error(self, text: str, offer_demo: bool = False) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        if offer_demo:
            self.show_camera_problem(text, offer_demo=True)
            self.error.hide()

    def request(self) -> SessionRequest:
        # A class's sessions go in its folder; otherwise the folder as typed ("" = the default).
        out_dir = str(self.save.folder()) if self.save.class_name() else self.out_dir.text().strip()
        return SessionRequest(
            source=self.source_spec(), protocol=self.protocol_spec(),
            participant=self.participant.text().strip() or "anonymous",
            out_dir=out_dir, record=self.record.isChecked(), paced=self.paced, model=self.model,
            seed=self.seed, expression_calibration=self.expressions.isChecked())

    def request_start(self) -> None:
        self.show_error(self.save.prepare())
        if self.error.text():
            return
        self.start_requested.emit(self.request(), self.classroom.isChecked())

    def settings(self) -> AppSettings:
        return AppSettings(source=self.source_spec(), protocol=self.protocol_spec(),
                           out_dir=self.out_dir.text().strip(),
                           participant=self.participant.text().strip(),
                           record=self.record.isChecked(), classroom=self.classroom.isChecked(),
                           expression_calibration=self.expressions.isChecked(),
                           ask_mood=self.mood.enabled(), class_name=self.save.class_name(),
                           board_names=self.board_names)
