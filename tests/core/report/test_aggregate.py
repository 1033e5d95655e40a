"""``mimicry aggregate``: one row per session, the index tested across people, self-rating."""

from __future__ import annotations

import csv
import json
from itertools import combinations

import numpy as np
import pytest
from report_chromium import chromium, screenshot
from report_helpers import GAINS, session_meta

from mimicry.commands.main import main
from mimicry.analysis.group import one_sample_test, sign_flip_test
from mimicry.report.aggregate import SESSION_COLUMNS, write_aggregate
from mimicry.report.self_rating import save_self_rating


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _swapped_pairs(values) -> int:
    return sum(a > b for a, b in combinations(values, 2))


def test_indices_follow_gain_and_self_rating_correlates(gain_sessions, tmp_path, capsys):
    out = tmp_path / "class"
    assert main(["aggregate", str(gain_sessions), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err
    rows = _read(out / "sessions.csv")
    assert list(rows[0]) == list(SESSION_COLUMNS)
    assert [r["participant"] for r in rows] == ["p01", "p02", "p03", "p04", "p05"]
    index = [float(r["mimicry_index"]) for r in rows]
    print("indices for gains", GAINS, "->", [round(x, 2) for x in index])
    assert _swapped_pairs(index) <= 1, index
    assert index[0] < 0 < index[-1]
    assert all(r["included"] == "1" for r in rows)
    assert [float(r["self_rating"]) for r in rows] == [1, 2, 4, 6, 7]

    group = json.loads((out / "group.json").read_text())
    corr = group["correlation"]
    print("self-rating vs index:", corr)
    assert corr["n"] == 5 and corr["source"] == "self-rating (1–7)"
    assert corr["pearson_r"] > 0.5 and corr["pearson_p"] < 0.05
    assert corr["spearman_rho"] > 0.5
    # Gains symmetric around 0: the group is not distinguishable from chance.
    assert group["index"]["n"] == 5 and group["index"]["p_t_test"] > 0.05
    assert group["index"]["sign_flip_method"] == "exact"
    # The old lag pooling is gone; the group lag comes from the group test only.
    assert "lag_s" not in group
    lag = group["lag_test"]
    assert lag["n"] == 5 and 0 < lag["p_value"] <= 1 and len(lag["mean_r"]) == len(lag["lags_s"])
    if lag["significant"]:
        assert lag["lag_s"] is not None and lag["ci_low"] <= lag["lag_s"] <= lag["ci_high"]
    else:
        assert lag["lag_s"] is None and "does not exceed" in lag["reason"]
    # Own lag tests are one-sided (positive): the two mimics, perhaps the gain-0 face.
    assert group["n_sessions_lag_tested"] == 5 and group["n_sessions_lag_significant"] in (2, 3)
    assert [r["xcorr_significant"] for r in rows][:2] == ["0", "0"]
    assert [r["xcorr_significant"] for r in rows][3:] == ["1", "1"]
    assert all(int(r["mixed_model_trials"]) == 16 for r in rows)
    mm = group["mixed_model"]
    assert mm["n_people"] == 5 and mm["n_trials"] == 80 and mm["estimate"] is not None
    assert mm["ci_low"] < mm["estimate"] < mm["ci_high"] and 0 <= mm["p_greater"] <= 1

    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"Pearson r = {corr['pearson_r']:+.2f}" in html
    assert "How easily do you feel what others feel?" in html
    assert f"{mm['estimate']:+.3f}" in html and "Group lag" in html
    assert "significantly on their own lag test" in printed.out
    for name in ("group_index.png", "group_curves.png", "group_rating.png"):
        assert (out / name).stat().st_size > 1000
    assert f"Pearson r = {corr['pearson_r']:+.2f}" in printed.out


def test_score_file_replaces_the_self_rating(gain_sessions, tmp_path):
    scores = tmp_path / "scores.csv"
    # A questionnaire score that runs against the gain, plus a person with no session.
    lines = ["participant,score"] + [f"p{k + 1:02d},{10 - 2 * k}" for k in range(5)] + ["p99,3"]
    scores.write_text("\n".join(lines) + "\n")
    agg = write_aggregate([gain_sessions], tmp_path / "out", scores=scores)
    assert [r.values["score"] for r in agg.rows] == [10, 8, 6, 4, 2]
    assert agg.correlation.n == 5 and agg.correlation.pearson_r < -0.5
    assert any("p99" in w for w in agg.warnings)
    by_session = tmp_path / "by_session.csv"
    by_session.write_text("session,score\np01_gain-1.0,1\np05_gain+1.0,9\n")
    agg = write_aggregate([gain_sessions], tmp_path / "out2", scores=by_session)
    assert [r.values["score"] for r in agg.rows] == [1, None, None, None, 9]
    assert agg.correlation.n == 2 and np.isnan(agg.correlation.pearson_r)
    assert any("at least 3 are needed" in w for w in agg.warnings)


def test_two_people_give_no_mixed_model_number(gain_sessions, tmp_path):
    folders = sorted(gain_sessions.iterdir())[3:]
    agg = write_aggregate(folders, tmp_path / "out")
    group = json.loads((tmp_path / "out" / "group.json").read_text())
    assert group["mixed_model"]["estimate"] is None
    assert "needs at least 3" in group["mixed_model"]["reason"]
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "needs at least 3" in html and not agg.mixed.ok


def test_group_tests_against_zero():
    x = np.array([0.8, 1.1, 0.3, 1.6, 0.9, -0.2, 1.3])
    res = one_sample_test(x)
    from scipy import stats

    ref = stats.ttest_1samp(x, 0.0)
    assert res.n == 7 and res.df == 6 and res.n_positive == 6
    assert res.t == pytest.approx(ref.statistic) and res.p_t_test == pytest.approx(ref.pvalue)
    assert res.ci_low < x.mean() < res.ci_high
    # Exact sign flips: only the observed signs and flipping the one negative value
    # (or fewer) give a mean this large: 2 of 128 one-sided, 4 of 128 two-sided.
    assert res.p_sign_flip_greater == pytest.approx(2 / 128)
    assert res.p_sign_flip == pytest.approx(4 / 128)
    p2, p1, method = sign_flip_test(np.array([1.0, 2.0, 3.0]))
    assert method == "exact" and p1 == pytest.approx(1 / 8) and p2 == pytest.approx(2 / 8)
    # Above 16 people: random flips, p = (1 + b) / (1 + m), close to the t-test.
    rng = np.random.default_rng(1)
    y = rng.normal(0.3, 1.0, 40)
    p2, _, method = sign_flip_test(y)
    assert method == "random" and abs(p2 - stats.ttest_1samp(y, 0).pvalue) < 0.05


def test_correlation_with_few_people_is_exact():
    from scipy import stats

    from mimicry.analysis.group import correlate

    c = correlate([1, 2, 4, 6, 7], [-20.0, -4.0, 0.1, 2.0, 9.0], "self-rating")
    assert c.n == 5 and c.spearman_rho == pytest.approx(1.0)
    assert c.spearman_p == pytest.approx(2 / 120)  # the order and its reverse, of 5! orders
    ref = stats.pearsonr([1, 2, 4, 6, 7], [-20.0, -4.0, 0.1, 2.0, 9.0])
    assert c.pearson_r == pytest.approx(ref.statistic) and c.pearson_p == pytest.approx(ref.pvalue)
    # Missing scores are left out; too few pairs give no numbers, not an error.
    c = correlate([1, np.nan, 3], [0.5, 1.0, np.nan], "x")
    assert c.n == 1 and np.isnan(c.pearson_r)


def test_incomplete_and_old_sessions_warn_not_crash(synthetic_session, tmp_path, capsys):
    root = tmp_path / "class"
    synthetic_session("class/p01", gain=1.0, seed=1, meta=session_meta("p01", self_rating=6))
    synthetic_session("class/p02", gain=0.5, seed=2, meta=session_meta("p02", self_rating=5))
    # Cut short: marked incomplete, the last trials never got an offset.
    synthetic_session("class/p03", gain=1.0, seed=3, events_filter=lambda e: e.t < 100,
                      meta=session_meta("p03", status="incomplete"))
    # An older layout: no session.json, only the columns older versions wrote.
    synthetic_session("class/p04", gain=0.8, seed=4)
    # Written by an older version, with a self-rating out of range.
    synthetic_session("class/p05", gain=0.2, seed=5,
                      meta=session_meta("p05", schema_version=0, app_version="0.0.9",
                                        self_rating=9))
    # Nothing to analyse: no stimulus was ever shown.
    synthetic_session("class/p06", gain=1.0, seed=6, meta=session_meta("p06"),
                      events_filter=lambda e: not e.event.startswith("stimulus"))
    # Only one happy trial left: no index.
    synthetic_session("class/p07", gain=1.0, seed=7, n_per_condition=1, meta=session_meta("p07"))
    out = tmp_path / "out"
    assert main(["aggregate", str(root), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    warned = [ln for ln in err.splitlines() if ln.startswith("mimicry aggregate: warning: ")]
    assert any("p03" in w and "incomplete" in w for w in warned)
    assert any("p04" in w and "no session.json" in w for w in warned)
    assert any("p05" in w and "older version" in w for w in warned)
    assert any("p05" in w and "self_rating 9" in w for w in warned)
    assert any("p06" in w and "not analysed" in w for w in warned)
    assert any("p07" in w and "too few valid" in w for w in warned)
    rows = {r["session"]: r for r in _read(out / "sessions.csv")}
    assert set(rows) == {f"p0{k}" for k in range(1, 8)}
    assert [rows[f"p0{k}"]["included"] for k in range(1, 8)] == ["1"] * 5 + ["0"] * 2
    assert rows["p03"]["status"] == "incomplete" and float(rows["p03"]["mimicry_index"]) > 0
    assert rows["p06"]["mimicry_index"] == "" and "no stimulus trials" in rows["p06"]["warnings"]
    group = json.loads((out / "group.json").read_text())
    assert group["n_sessions"] == 7 and group["index"]["n"] == 5
    assert group["index"]["mean"] > 0 and group["index"]["p_sign_flip_greater"] == 1 / 32
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Please note" in html and "p06" in html


@pytest.mark.parametrize("case", ["missing", "empty", "unwritable", "bad_scores",
                                  "missing_scores", "nothing_usable"])
def test_aggregate_bad_input_is_one_line_exit_2(case, synthetic_session, tmp_path, capsys):
    out = tmp_path / "out"
    if case == "missing":
        args = [str(tmp_path / "nope")]
    elif case == "empty":
        (tmp_path / "empty").mkdir()
        args = [str(tmp_path / "empty")]
    else:
        folder = synthetic_session("s", gain=1.0, seed=1, meta=session_meta("s"))
        args = [str(folder)]
        if case == "unwritable":
            (tmp_path / "a_file").write_text("x")
            out = tmp_path / "a_file" / "out"
        elif case == "bad_scores":
            (tmp_path / "scores.csv").write_text("participant,score\ns,high\n")
            args += ["--scores", str(tmp_path / "scores.csv")]
        elif case == "missing_scores":
            args += ["--scores", str(tmp_path / "none.csv")]
        else:
            (folder / "events.csv").unlink()
    assert main(["aggregate", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mimicry aggregate: error: ") and "\n" not in err


def test_self_rating_is_saved_into_session_json(synthetic_session):
    folder = synthetic_session("p", gain=1.0, seed=1, meta=session_meta("p"))
    meta = save_self_rating(folder, 5)
    saved = json.loads((folder / "session.json").read_text())
    assert saved == meta and saved["self_rating"] == 5 and saved["participant"] == "p"
    assert saved["self_rating_question"] == "How easily do you feel what others feel?"
    save_self_rating(folder, None)
    assert "self_rating" not in json.loads((folder / "session.json").read_text())
    from mimicry.core.errors import InputError

    for bad in (0, 8, 2.5, True, "4"):
        with pytest.raises(InputError, match="self_rating"):
            save_self_rating(folder, bad)


@pytest.mark.slow
def test_aggregate_of_tracked_sessions_orders_gains(real_gain_sessions, tmp_path):
    # The real pipeline end to end: rendered faces with gains -1 ... 1, tracked by
    # MediaPipe, analysed and pooled; the report opens offline in Chromium.
    out = tmp_path / "out"
    assert main(["aggregate", str(real_gain_sessions), "--out", str(out)]) == 0
    rows = _read(out / "sessions.csv")
    index = [float(r["mimicry_index"]) for r in rows]
    print("tracked: indices for gains", GAINS, "->", [round(x, 2) for x in index])
    assert _swapped_pairs(index) <= 1, index
    assert index[0] < 0 < index[-1]
    for r in rows:
        assert float(r["face_frames_pct"]) > 95
        assert r["status"] == "complete" and r["included"] == "1"
    # Every face that moves follows the stimulus about 0.6 s later (the simulated delay).
    for r, g in zip(rows, GAINS):
        if g != 0:
            assert 0.3 < float(r["xcorr_peak_lag_s"]) < 0.9
            assert (float(r["xcorr_peak_r"]) > 0) == (g > 0)
    group = json.loads((out / "group.json").read_text())
    corr = group["correlation"]
    print("tracked: self-rating vs index:", corr)
    assert corr["n"] == 5 and corr["pearson_r"] > 0.5 and corr["spearman_rho"] > 0.5
    # The two mimics pass their own lag test (gain 0 may add a chance one).
    assert group["n_sessions_lag_significant"] in (2, 3)
    lag = group["lag_test"]
    assert (0.3 < lag["lag_s"] < 0.9) if lag["significant"] else lag["reason"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"Pearson r = {corr['pearson_r']:+.2f}" in html
    assert "Mimicry — group results (5 sessions)" in html
    for name in ("group_index.png", "group_curves.png", "group_rating.png"):
        assert (out / name).stat().st_size > 1000
    if chromium() is not None:
        requests = screenshot(out / "report.html", tmp_path / "group.png", 1200, 2400)
        assert requests == [], requests
