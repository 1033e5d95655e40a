"""``mimicry import``: each tool's sample imports, and analyze, report and aggregate read it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from mimicry.commands.main import main
from mimicry.io.importers import detect
from mimicry.io.session import load_session
from mimicry.io.tables import read_events, read_frames

DATA = Path(__file__).resolve().parent / "data"
EVENTS = DATA / "events_sample.csv"

#: sample file, tool, --events needed, a source column kept in frames.csv
SAMPLES = [
    ("openface_sample.csv", "openface", True, "src_AU12_r"),
    ("pyfeat_sample.csv", "pyfeat", True, "src_AU12"),
    ("imotions_sample.csv", "imotions", False, "src_Smile"),
    ("imotions_facet_sample.txt", "imotions", False, "src_AU12 Evidence"),
]


def _import(src: Path, out: Path, *extra: str) -> int:
    return main(["import", str(src), "--out", str(out), *extra])


@pytest.mark.parametrize("name, tool, needs_events, src_column", SAMPLES,
                         ids=[s[0] for s in SAMPLES])
def test_sample_imports_and_analyze_and_report_read_it(tmp_path, capsys, name, tool,
                                                        needs_events, src_column):
    out = tmp_path / "session"
    extra = ["--from", tool] + (["--events", str(EVENTS)] if needs_events else [])
    assert _import(DATA / name, out, *extra) == 0
    assert sorted(p.name for p in out.iterdir()) == ["events.csv", "frames.csv", "session.json"]

    frames = read_frames(out / "frames.csv")
    assert src_column in frames.extra
    assert np.nanmax(frames.channels["smile"]) <= 1.0
    assert np.nanmin(frames.channels["smile"]) >= 0.0
    assert np.isnan(frames.blendshapes).all()
    meta = json.loads((out / "session.json").read_text())
    assert meta["kind"] == "import" and meta["status"] == "complete"
    assert meta["source"]["tool"] == tool
    assert meta["source"]["name"] == str(DATA / name)
    assert meta["source"]["sha256"] == hashlib.sha256((DATA / name).read_bytes()).hexdigest()
    assert meta["source"]["conversion"]["channels"]["smile"]
    assert len(read_events(out / "events.csv")) > 0

    assert main(["analyze", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["effect_size"] > 0.2  # the samples smile back at every happy face
    assert summary["n_valid_trials"] == 14
    assert main(["report", str(out)]) == 0
    assert (out / "report.html").stat().st_size > 10_000
    assert load_session(out).status == "complete"


def test_aggregate_reads_imported_sessions(tmp_path):
    for name, tool, needs_events, _ in SAMPLES[:3]:
        extra = ["--events", str(EVENTS)] if needs_events else []
        assert _import(DATA / name, tmp_path / "sessions" / tool, *extra) == 0
    assert main(["aggregate", str(tmp_path / "sessions"), "--out", str(tmp_path / "group")]) == 0
    group = json.loads((tmp_path / "group" / "group.json").read_text())
    assert group["n_sessions"] == group["n_included"] == 3


@pytest.mark.parametrize("name, tool", [(s[0], s[1]) for s in SAMPLES])
def test_the_header_tells_the_tool(name, tool):
    assert detect(DATA / name) == tool


def test_import_without_from_picks_the_tool(tmp_path, capsys):
    out = tmp_path / "pf"
    assert _import(DATA / "pyfeat_sample.csv", out, "--events", str(EVENTS)) == 0
    assert "from pyfeat" in capsys.readouterr().out
    assert json.loads((out / "session.json").read_text())["source"]["tool"] == "pyfeat"


def test_openface_scale_and_failed_frames(tmp_path):
    out = tmp_path / "of"
    assert _import(DATA / "openface_sample.csv", out, "--events", str(EVENTS)) == 0
    f = read_frames(out / "frames.csv")
    au12 = f.extra["src_AU12_r"].astype(float)
    success = f.extra["src_success"].astype(float) == 1
    assert np.array_equal(f.face_detected, success)
    np.testing.assert_allclose(f.channels["smile"][success], au12[success] / 5, atol=1e-4)
    assert np.isnan(f.channels["smile"][~success]).all()  # OpenFace's zeros are no face
    assert "src_AU12_c" in f.extra
    np.testing.assert_allclose(f.t, f.extra["src_timestamp"].astype(float), atol=1e-4)
    # valence as the tracker computes it
    v = f.channels["smile"] - np.clip(f.channels["brow_raise_inner"] + f.channels["frown"], 0, 1)
    np.testing.assert_allclose(f.channels["valence"], v, atol=2e-4)


def test_pyfeat_time_from_approx_time_or_fps(tmp_path, capsys):
    assert _import(DATA / "pyfeat_sample.csv", tmp_path / "a", "--events", str(EVENTS)) == 0
    assert "frame rate 30 fps" in capsys.readouterr().err
    f = read_frames(tmp_path / "a" / "frames.csv")
    np.testing.assert_allclose(f.t, f.extra["src_frame"].astype(float) / 30.0, atol=1e-4)
    assert np.isnan(f.channels["blink"]).all()  # Py-Feat has no AU45
    assert _import(DATA / "pyfeat_sample.csv", tmp_path / "b", "--fps", "25",
                   "--events", str(EVENTS)) == 0
    f = read_frames(tmp_path / "b" / "frames.csv")
    assert f.t[-1] == pytest.approx(float(f.extra["src_frame"][-1]) / 25.0, abs=1e-4)


def test_imotions_affdex_scale_other_sensors_and_stimuli(tmp_path):
    out = tmp_path / "im"
    assert _import(DATA / "imotions_sample.csv", out) == 0
    f = read_frames(out / "frames.csv")
    assert set(f.extra["src_EventSource"]) == {"Affectiva AFFDEX"}  # GSR rows left out
    np.testing.assert_allclose(f.t, f.extra["src_Timestamp"].astype(float) / 1000, atol=1e-4)
    np.testing.assert_allclose(f.channels["smile"], f.extra["src_Smile"].astype(float) / 100,
                               atol=1e-4)
    assert set(np.unique(f.channels["blink"])) <= {0.0, 1.0}
    events = read_events(out / "events.csv")
    onsets = [e for e in events if e.event == "stimulus_onset"]
    assert [e.trial for e in onsets] == list(range(1, 15))
    assert sorted(e.condition for e in onsets) == ["happy"] * 6 + ["neutral"] * 2 + ["sad"] * 6
    assert all(e.condition in e.stimulus_id for e in onsets)
    assert [e.event for e in events][:2] == ["calibration_start", "calibration_end"]
    assert any(f.trial[f.condition == "happy"])  # the stimulus columns are filled


def test_imotions_facet_evidence_is_logistic(tmp_path):
    out = tmp_path / "fc"
    assert _import(DATA / "imotions_facet_sample.txt", out) == 0
    f = read_frames(out / "frames.csv")
    evidence = f.extra["src_AU12 Evidence"].astype(float)
    np.testing.assert_allclose(f.channels["smile"], 1 / (1 + 10 ** -evidence), atol=1e-4)
    assert np.isnan(f.channels["blink"]).all()  # FACET has no AU45
    markers = [e for e in read_events(out / "events.csv") if e.event == "marker"]
    assert [m.detail for m in markers] == ["label=MarkerText: start"]


def test_events_file_overrides_the_files_stimuli(tmp_path, capsys):
    own = tmp_path / "events.csv"
    own.write_text("t,event,trial,condition,stimulus_id,detail\n"
                   "8,stimulus_onset,1,sad,x,\n11,stimulus_offset,1,sad,x,\n")
    assert _import(DATA / "imotions_sample.csv", tmp_path / "s", "--events", str(own)) == 0
    assert "14 stimuli imotions_sample.csv names are ignored" in capsys.readouterr().err
    events = read_events(tmp_path / "s" / "events.csv")
    assert [(e.event, e.condition) for e in events] == [("stimulus_onset", "sad"),
                                                        ("stimulus_offset", "sad")]


def test_without_events_the_import_works_and_says_analysis_needs_them(tmp_path, capsys):
    assert _import(DATA / "openface_sample.csv", tmp_path / "s") == 0
    err = capsys.readouterr().err
    assert "needs a stimulus timeline" in err and "--events" in err
    assert read_events(tmp_path / "s" / "events.csv") == []


def test_an_older_imotions_export_in_latin_1(tmp_path):
    text = (DATA / "imotions_facet_sample.txt").read_text().replace("\tP01\t", "\tZoë\t")
    old = tmp_path / "export.txt"
    old.write_bytes(text.encode("latin-1"))
    assert _import(old, tmp_path / "s") == 0
    f = read_frames(tmp_path / "s" / "frames.csv")
    assert set(f.extra["src_Name"]) == {"Zoë"}
