"""The class board: its numbers (core) and its page (offscreen), a damaged session flagged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core" / "report"))
from report_helpers import session_meta, write_session  # noqa: E402

MIMICRY = [sys.executable, "-m", "mimicry.commands.main"]


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory):
    from mimicry.protocol.questionnaire import load_questionnaire, save_answers

    root = tmp_path_factory.mktemp("class1")
    sites = load_questionnaire("sites")
    for k, (name, gain, score) in enumerate((("Maria Lopez", 1.0, 5), ("Tom", 0.5, 3),
                                             ("Ann Lee", 0.0, 2))):
        f = write_session(root / f"2026-12-02_10000{k}_{name.split()[0]}", gain=gain,
                          seed=40 + k, meta=session_meta(name))
        save_answers(f, sites, {"empathetic": score})
        r = subprocess.run([*MIMICRY, "analyze", str(f)], capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stderr
    bad = write_session(root / "2026-12-02_100009_broken", gain=1.0, seed=49,
                        meta=session_meta("Broken"))
    (bad / "summary.json").write_text("{not json", encoding="utf-8")
    return root


def test_board_numbers_and_the_damaged_session(class_dir):
    from mimicry.report.class_board import load_board

    b = load_board(class_dir)
    assert [r.name for r in b.rows] == ["Maria", "Tom", "Ann", "Broken"]
    assert len(b.with_effect) == 3 and b.mean.n == 3
    assert b.rows[3].flag.startswith("summary.json cannot be read")
    assert b.correlation is not None and b.correlation.n == 3
    assert b.rows[0].effect > b.rows[2].effect  # gain 1 vs gain 0
    assert "Holland, Wingert & Tang 2021" in b.empathy_sentence()
    initials = load_board(class_dir, "initials")
    assert [r.name for r in initials.rows][:3] == ["M. L.", "T.", "A. L."]
    assert [r.name for r in load_board(class_dir, "number").rows][:2] == ["#1", "#2"]


def test_board_page_draws_three_dots_and_flags_the_damage(qtbot, class_dir):
    from mimicry_app.class_board import ClassBoardPage

    page = ClassBoardPage()
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    page.show_folder(class_dir)
    assert [n for n, _ in page.dot_points] == ["Maria", "Tom", "Ann"]
    assert len(page.scatter_points) == 3
    assert "broken" in page.text.text() and "cannot be read" in page.text.text()
    assert "3 people" in page.text.text()
    page.names.setCurrentIndex(2)  # numbers
    assert [n for n, _ in page.dot_points] == ["#1", "#2", "#3"]


def test_app_board_on_a_missing_folder_is_one_line(tmp_path):
    r = subprocess.run([*MIMICRY, "app", "--board", str(tmp_path / "nope")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "--board" in r.stderr


def test_app_board_opens_a_class_with_a_damaged_session(class_dir, tmp_path):
    """`mimicry app --board DIR`, as a teacher types it: the window opens on the board."""
    import os

    from PyQt6.QtGui import QColor, QImage

    from mimicry_app import theme

    shot = tmp_path / "board.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MIMICRY_CONFIG_DIR=str(tmp_path / "cfg"))
    r = subprocess.run([*MIMICRY, "app", "--board", str(class_dir), "--screenshot", str(shot),
                        "--quit-after", "3"], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    img = QImage(str(shot))
    assert not img.isNull() and img.width() > 600
    # The three people's dots are drawn in the accent colour on the left half.
    c = QColor(theme.ACCENT)
    near = sum(1 for x in range(0, img.width() // 2, 2) for y in range(0, img.height(), 2)
               if abs(img.pixelColor(x, y).red() - c.red())
               + abs(img.pixelColor(x, y).green() - c.green())
               + abs(img.pixelColor(x, y).blue() - c.blue()) < 60)
    assert near > 30, "no dots on the board"


def test_the_empathy_line_says_why_there_is_no_correlation(tmp_path):
    """Three people whose estimates are all the same: no r, and the board says why."""
    from mimicry.protocol.questionnaire import load_questionnaire, save_answers
    from mimicry.report.class_board import load_board

    sites = load_questionnaire("sites")
    for k, name in enumerate(("Ada", "Ben", "Cy")):
        f = write_session(tmp_path / f"2026-12-02_11000{k}_{name}", gain=1.0, seed=7,
                          meta=session_meta(name))
        save_answers(f, sites, {"empathetic": 3 + k})
        r = subprocess.run([*MIMICRY, "analyze", str(f)], capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stderr
    b = load_board(tmp_path)
    assert len({round(row.effect, 9) for row in b.rows}) == 1
    line = b.empathy_sentence()
    assert "all the same" in line and "needs at least 3" not in line, line
