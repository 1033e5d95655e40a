"""Where sessions are saved, and in which class: the setup page's "Save sessions in" row.

A class is a named folder of sessions inside the sessions folder, marked by a
``class.json`` (its name and when it was made). Picking a class puts each
volunteer's session into it, so the class board (key B) and the class
report read exactly that class. "No class" saves sessions in the sessions
folder itself, as before. Typing a new name creates the class when the next
session starts.
"""

from __future__ import annotations

import json
from pathlib import Path

from PyQt6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                             QPushButton, QVBoxLayout, QWidget)

from mimicry.runtime.recorder import default_sessions_dir, sanitize_participant
from mimicry.runtime.settings import AppSettings

CLASS_FILE = "class.json"
NO_CLASS = "No class (sessions on their own)"


def classes_in(root: Path) -> list[str]:
    """The classes in a sessions folder: its subfolders with a ``class.json``, by name."""
    try:
        return sorted(p.name for p in root.iterdir() if (p / CLASS_FILE).is_file())
    except OSError:
        return []


def class_folder_name(name: str) -> str:
    """A class name as a folder name (as participant ids are: letters, digits, - and _)."""
    return sanitize_participant(name.strip()) if name.strip() else ""


def make_class(root: Path, name: str) -> Path:
    """Create (or reuse) the class ``name`` in ``root``; raises OSError when it cannot."""
    from mimicry.io.session import wall_clock_now  # noqa: PLC0415

    folder = root / class_folder_name(name)
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / CLASS_FILE
    if not marker.is_file():
        marker.write_text(json.dumps({"name": name.strip(), "created_at": wall_clock_now()},
                                     indent=2), encoding="utf-8")
    return folder


class SaveBox(QWidget):
    """The sessions folder (with Choose...), the class in it, and the record checkbox."""

    def __init__(self, settings: AppSettings, record_text: str, parent=None) -> None:
        super().__init__(parent)
        self.out_dir = QLineEdit(settings.out_dir)
        self.out_dir.setPlaceholderText(str(default_sessions_dir()))
        self.browse = QPushButton("Choose\N{HORIZONTAL ELLIPSIS}")
        self.browse.clicked.connect(self._choose_out_dir)
        self.klass = QComboBox()
        self.klass.setEditable(True)
        self.klass.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.klass.lineEdit().setPlaceholderText("type a new class name, or pick one")
        self.klass.setToolTip("Each volunteer's session joins this class; the class board (B) "
                              "shows the class")
        self.record = QCheckBox(record_text)
        self.record.setChecked(settings.record)
        row = QHBoxLayout()
        row.addWidget(self.out_dir, 1)
        row.addWidget(self.browse)
        class_row = QHBoxLayout()
        class_row.addWidget(QLabel("Class:"))
        class_row.addWidget(self.klass, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(row)
        box.addLayout(class_row)
        box.addWidget(self.record)
        self.out_dir.editingFinished.connect(lambda: self.list_classes(self.class_name()))
        self.list_classes(settings.class_name)

    def root(self) -> Path:
        """The sessions folder (the default one when the field is empty)."""
        text = self.out_dir.text().strip()
        return Path(text).expanduser() if text else default_sessions_dir()

    def list_classes(self, selected: str = "") -> None:
        """Fill the class list from the sessions folder; keep ``selected`` (a new name too)."""
        self.klass.blockSignals(True)
        self.klass.clear()
        self.klass.addItem(NO_CLASS, "")
        for name in classes_in(self.root()):
            self.klass.addItem(name, name)
        i = self.klass.findData(selected) if selected else 0
        if i >= 0:
            self.klass.setCurrentIndex(i)
        else:
            self.klass.setEditText(selected)
        self.klass.blockSignals(False)

    def class_name(self) -> str:
        """The chosen class's folder name; empty for no class."""
        text = self.klass.currentText().strip()
        return "" if text in ("", NO_CLASS) else class_folder_name(text)

    def folder(self) -> Path:
        """Where the next session is saved: the class folder, or the sessions folder."""
        name = self.class_name()
        return self.root() / name if name else self.root()

    def prepare(self) -> str:
        """Create the chosen class if it is new; the problem in one line, or empty."""
        name = self.klass.currentText().strip()
        if not self.class_name() or not self.record.isChecked():
            return ""
        try:
            make_class(self.root(), name)
        except OSError as exc:
            return (f"cannot create the class folder {self.folder()}: "
                    f"{exc.strerror or exc}; choose a folder you can write to")
        self.list_classes(self.class_name())
        return ""

    def _choose_out_dir(self) -> None:
        d = QFileDialog.getExistingDirectory(self, "Save sessions in",
                                             self.out_dir.text() or self.out_dir.placeholderText())
        if d:
            self.out_dir.setText(d)
            self.list_classes("")

    def focus_free(self) -> tuple:
        """The controls that a click must not take the keyboard focus to (Space starts)."""
        return self.record, self.browse
