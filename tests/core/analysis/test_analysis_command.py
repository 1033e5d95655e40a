"""``mimicry analyze SESSION_DIR``: files written, summary printed, errors in one line."""

import csv
import json


from mimicry.analysis.offline import TRIAL_CSV_COLUMNS
from mimicry.commands.main import main


def _run(capsys, *argv):
    code = main(["analyze", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_analyze_writes_trials_and_summary(session_dir, capsys):
    folder = session_dir(n_per_condition=8, gain=1.0, delay_s=0.6, seed=1)
    code, out, err = _run(capsys, folder)
    assert code == 0, err
    with open(folder / "trials.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == TRIAL_CSV_COLUMNS
    assert len(rows) == 24
    for col in ("trial", "condition", "stimulus_id", "valid", "invalid_reason",
                "face_frames_pct", "smile_mean", "smile_peak", "smile_latency_s",
                "brow_raise_inner_mean", "frown_mean", "valence_latency_s",
                "sad_composite_mean", "sad_composite_peak", "sad_composite_latency_s"):
        assert col in rows[0]
    happy = [r for r in rows if r["condition"] == "happy"]
    assert all(float(r["smile_mean"]) > 0.1 for r in happy)

    s = json.loads((folder / "summary.json").read_text())
    for key in ("mimicry_index", "p_value", "effect_size", "lag_s", "n_trials",
                "n_valid_trials", "face_frames_pct", "channels", "p_floor", "xcorr",
                "baseline", "parameters", "mimicry_version", "analysis_version",
                "conclusion", "session_status"):
        assert key in s, key
    assert s["conclusion"] == "mimicry" and s["mimicry_index"] > 0 and s["p_value"] < 0.05
    assert s["n_trials"] == 24 and s["session_status"] == "complete"
    assert abs(s["lag_s"] - 0.6) < 1 / 30
    assert s["xcorr"]["p_value"] < 0.05 and len(s["xcorr"]["r"]) == len(s["xcorr"]["lags_s"])
    assert s["baseline"]["source"] == "calibration"
    assert abs(s["baseline"]["median"]["brow_raise_inner"] - 0.25) < 0.03
    assert s["channels"]["smile"]["responded"]["happy"]["of"] == 8
    assert "Your smile rose at" in out and "of 8 happy faces, and by chance at" in out
    assert "Your face followed the faces about 0.6 s later" in out
    assert s["primary"]["method"] == "shuffle"  # no design in a signal-level session
    assert "No randomisation design was recorded" in out
    assert "Chance alone gives a result this strong" in out


def test_null_session_says_not_distinguishable(session_dir, capsys):
    # Seed chosen so that this null session is not (by chance) significant;
    # the null rate itself is tested in test_analysis_calibration.py.
    for seed in range(10, 20):
        folder = session_dir(n_per_condition=8, gain=0.0, seed=seed)
        code, out, _ = _run(capsys, folder)
        s = json.loads((folder / "summary.json").read_text())
        if s["conclusion"] == "not_distinguishable_from_chance":
            assert "This is not distinguishable from chance." in out
            assert s["p_value"] >= 0.05
            return
    raise AssertionError("no null session was not distinguishable from chance")


def test_quick_session_is_too_short(session_dir, capsys):
    folder = session_dir(n_per_condition=3, gain=1.0, seed=3)
    code, out, _ = _run(capsys, folder)
    assert code == 0
    s = json.loads((folder / "summary.json").read_text())
    assert s["conclusion"] == "too_short"
    assert "too short to conclude anything" in out and "at least 6 of each are needed" in out


def test_incomplete_session_is_reported(session_dir, capsys):
    folder = session_dir(n_per_condition=4, seed=4, status="incomplete")
    code, out, _ = _run(capsys, folder)
    assert code == 0
    assert json.loads((folder / "summary.json").read_text())["session_status"] == "incomplete"
    assert "did not finish normally" in out and "incomplete" in out


def test_no_session_json_is_unknown_status(session_dir, capsys):
    folder = session_dir(n_per_condition=4, seed=5, status=None)
    assert _run(capsys, folder)[0] == 0
    assert json.loads((folder / "summary.json").read_text())["session_status"] == "unknown"


def test_second_face_is_ignored_with_a_note(session_dir, capsys):
    folder = session_dir(n_per_condition=4, seed=6, extra_faces=1)
    code, out, _ = _run(capsys, folder)
    assert code == 0
    s = json.loads((folder / "summary.json").read_text())
    assert s["n_trials"] == 12
    assert any("only face 0 was analysed" in n for n in s["notes"])


def test_missing_folder_and_files_are_one_line_errors(tmp_path, session_dir, capsys):
    code, out, err = _run(capsys, tmp_path / "nope")
    assert code == 2 and err.count("\n") == 1 and str(tmp_path / "nope") in err
    folder = session_dir(n_per_condition=2, seed=7)
    (folder / "events.csv").unlink()
    code, out, err = _run(capsys, folder)
    assert code == 2 and err.count("\n") == 1 and "events.csv" in err
    (folder / "frames.csv").unlink()
    code, out, err = _run(capsys, folder)
    assert code == 2 and "frames.csv" in err


def test_session_without_trials_is_a_clear_error(session_dir, capsys):
    folder = session_dir(n_per_condition=2, seed=8,
                         events_filter=lambda e: not e.event.startswith("stimulus"))
    code, out, err = _run(capsys, folder)
    assert code == 2 and "no stimulus trials" in err and err.count("\n") == 1
    assert not (folder / "summary.json").exists()


def test_summary_json_is_strict_json(session_dir, capsys):
    # Invalid trials give NaN numbers inside; the file must still be valid JSON (null).
    folder = session_dir(n_per_condition=2, seed=9)
    assert _run(capsys, folder)[0] == 0
    text = (folder / "summary.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)


def test_invalid_trials_are_reported_not_averaged(session_dir, knock_out, capsys):
    def hide_face(frames, sch):
        tr = sch.trials[4]
        knock_out(frames, tr.onset_s, tr.offset_s + 0.5)

    folder = session_dir(n_per_condition=8, seed=12, modify=hide_face)
    code, out, _ = _run(capsys, folder)
    assert code == 0
    with open(folder / "trials.csv", newline="") as fh:
        rows = {int(r["trial"]): r for r in csv.DictReader(fh)}
    assert rows[5]["valid"] == "0" and "had a face" in rows[5]["invalid_reason"]
    assert rows[5]["smile_mean"] == "" and rows[5]["face_frames_pct"] == "0"
    s = json.loads((folder / "summary.json").read_text())
    assert s["n_valid_trials"] == 23 and s["invalid_trials"][0]["trial"] == 5
    cond = s["invalid_trials"][0]["condition"]
    assert s["n_valid_by_condition"][cond] == 7
    assert "Trial 5" in out and "left out" in out
