"""``mimicry report``: a self-contained report.html, checked in headless Chromium offline."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest

from mimicry.commands.main import main

from report_chromium import chromium, screenshot
from report_helpers import session_meta


def _png(path):
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"), dtype=int)


def _has_colour(img, rgb, tol=40, min_pixels=200) -> bool:
    return int((np.abs(img - np.array(rgb)).sum(axis=2) < tol).sum()) >= min_pixels


def _assert_self_contained(html: str) -> None:
    # Every image is embedded; nothing links outside the file.
    srcs = re.findall(r"""\b(?:src|href)\s*=\s*['"]([^'"]*)['"]""", html)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs), srcs[:3]
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert not re.search(r"https?://|//[a-z]|@import|url\(", text, re.I)
    assert "<script" not in html.lower()
    assert "default-src 'none'" in html  # the page itself forbids network requests


@pytest.mark.slow
def test_report_of_a_tracked_session(quick_processed, tmp_path, capsys):
    folder = tmp_path / "session"
    shutil.copytree(quick_processed, folder)
    assert main(["report", str(folder)]) == 0
    assert "report.html" in capsys.readouterr().out
    for name in ("report.html", "report_curves.png", "report_xcorr.png", "report_trials.png"):
        assert (folder / name).stat().st_size > 1000, name
    html = (folder / "report.html").read_text(encoding="utf-8")
    _assert_self_contained(html)
    # The analysis's own summary, every line of it.
    assert main(["analyze", str(folder)]) == 0
    summary = json.loads((folder / "summary.json").read_text())
    import html as html_mod

    for line in summary["summary_text"].splitlines():
        if line.strip():
            assert html_mod.escape(line.strip(), quote=True) in html
    for heading in ("What happened", "Average response to each kind of face",
                    "Does the face follow the stimulus in time?", "Every trial",
                    "Data quality", "About this session"):
        assert heading in html
    # The numbers shown are the analysis's.
    assert f"{summary['effect_size']:+.3f}" in html and f"{summary['mde_80']:.3f}" in html
    assert f"{summary['xcorr']['peak_lag_s']:.2f} s" in html
    assert "100.0% of" in html  # the rendered face is found in every frame
    n_trial_rows = len(re.findall(r"<tr(?: class='invalid')?><td class='num'>\d+</td>", html))
    assert n_trial_rows == summary["n_trials"] == 9
    # The curves PNG shows the happy (orange) and sad (blue) curves.
    curves = _png(folder / "report_curves.png")
    assert _has_colour(curves, (0xF0, 0x8A, 0x24)) and _has_colour(curves, (0x2E, 0x6F, 0xBA))


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="chromium is not installed")
def test_report_opens_offline_in_headless_chromium(quick_processed, tmp_path):
    folder = tmp_path / "session"
    shutil.copytree(quick_processed, folder)
    assert main(["report", str(folder)]) == 0
    shot = tmp_path / "report.png"
    requests = screenshot(folder / "report.html", shot, width=1200, height=3000)
    assert requests == [], f"the report asked for the network: {requests}"
    img = _png(shot)
    assert img.shape == (3000, 1200, 3)
    # Rendered, not blank: the page background, the accent rule under the title, and
    # the embedded plots with the condition colours.
    assert _has_colour(img, (0x1F, 0x7A, 0x8C), min_pixels=1000)
    assert _has_colour(img, (0xF0, 0x8A, 0x24)) and _has_colour(img, (0x2E, 0x6F, 0xBA))
    assert _has_colour(img, (0xEC, 0xEC, 0xE8), min_pixels=10_000)
    # The images decode: a broken <img> would leave the figure area flat white.
    top = img[:1500]
    assert np.unique(top.reshape(-1, 3), axis=0).shape[0] > 500


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed")
def test_network_check_catches_a_page_that_fetches(tmp_path):
    # The check above would fail for a report with an external image or font.
    page = tmp_path / "leaky.html"
    page.write_text("<html><body><h1>x</h1><img src='https://example.org/a.png'>"
                    "<link rel='stylesheet' href='http://fonts.example.org/f.css'></body></html>")
    requests = screenshot(page, tmp_path / "leaky.png", width=400, height=300)
    assert any("example.org/a.png" in u for u in requests)


def test_report_of_a_simulated_session_shows_quality_and_metadata(synthetic_session):
    folder = synthetic_session("p07", gain=1.0, seed=4,
                               meta=session_meta("p07", self_rating=6))
    assert main(["report", str(folder)]) == 0
    html = (folder / "report.html").read_text(encoding="utf-8")
    _assert_self_contained(html)
    assert "Mimicry report — p07" in html
    assert "Frames dropped by the camera</th><td>3</td>" in html
    # Head-pose spread: simulated with SD 3°, 2°, 1° for yaw, pitch, roll.
    m = re.search(r"yaw (\d+\.\d)°, pitch (\d+\.\d)°, roll (\d+\.\d)°", html)
    assert m and abs(float(m[1]) - 3) < 0.3 and abs(float(m[2]) - 2) < 0.2
    assert abs(float(m[3]) - 1) < 0.1
    assert "6 of 7 (“How easily do you feel what others feel?”)" in html
    assert "camera 0" in html and "2026-03-01T10:15:00+01:00" in html
    # The conclusion card says what the app's screen says (8+8 trials, gain 1).
    from mimicry.analysis.summary import VERDICT_WORDS

    assert f"{VERDICT_WORDS['mimicry']}</div>" in html


def test_report_of_an_incomplete_session_warns(synthetic_session):
    folder = synthetic_session("cut", gain=1.0, seed=5,
                               meta=session_meta("cut", status="incomplete"),
                               events_filter=lambda e: e.t < 90)
    assert main(["report", str(folder)]) == 0
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "The session is marked incomplete" in html


def test_report_of_a_folder_without_session_json(synthetic_session):
    folder = synthetic_session("old", gain=0.5, seed=6)  # no session.json: an older layout
    assert main(["report", str(folder)]) == 0
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "no session.json: metadata unknown" in html


@pytest.mark.parametrize("case", ["missing", "no_frames", "no_events", "no_trials",
                                  "unwritable"])
def test_report_bad_input_is_one_line_exit_2(case, synthetic_session, tmp_path, capsys):
    args = []
    if case == "missing":
        args = [str(tmp_path / "nope")]
    elif case == "no_frames":
        (tmp_path / "empty").mkdir()
        args = [str(tmp_path / "empty")]
    else:
        folder = synthetic_session("s", gain=1.0, seed=1)
        args = [str(folder)]
        if case == "no_events":
            (folder / "events.csv").unlink()
        elif case == "no_trials":
            text = (folder / "events.csv").read_text().splitlines()
            (folder / "events.csv").write_text("\n".join(
                ln for ln in text if "stimulus_" not in ln) + "\n")
        else:
            (tmp_path / "a_file").write_text("x")
            args += ["--out", str(tmp_path / "a_file" / "report.html")]
    assert main(["report", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mimicry report: error: ") and "\n" not in err
    assert "Traceback" not in err
