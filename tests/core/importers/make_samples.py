"""Write the sample files of the importer tests (tests/core/importers/data/).

One made-up participant, written as each tool writes its output (column names
from the tools' public formats: OpenFace's wiki "Output Format", Py-Feat's
``feat/utils/__init__.py`` and test data, iMotions exports as Py-Feat's and
others' readers expect them). A 6 s neutral baseline, then 14 trials (6 happy,
6 sad, 2 neutral faces, 3 s each, 2 s apart): the smile (AU12) rises 0.6 s
after every happy onset, the inner brow (AU1) and lip corners (AU15) after
every sad one; a second without a face at 40 s. Deterministic (seed 7).

    python tests/core/importers/make_samples.py            # rewrite data/
    python tests/core/importers/make_samples.py OUT_DIR    # write elsewhere
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
SEED = 7
FPS = 30.0
CALIBRATION_S = (0.0, 6.0)
FIRST_ONSET_S, STIMULUS_S, GAP_S, TAIL_S = 8.0, 3.0, 2.0, 3.0
CONDITIONS = ["happy"] * 6 + ["sad"] * 6 + ["neutral"] * 2
NO_FACE_S = (40.0, 41.0)
LATENCY_S = 0.6

OPENFACE_AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 20, 23, 25, 26, 45)
PYFEAT_AUS = (1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 17, 20, 23, 24, 25, 26, 28, 43)
FACET_AUS = (1, 2, 4, 5, 6, 7, 9, 10, 12, 14, 15, 17, 18, 20, 23, 24, 25, 26, 28, 43)
AFFDEX = ("Brow Furrow", "Brow Raise", "Cheek Raise", "Chin Raise", "Dimpler", "Eye Closure",
          "Eye Widen", "Inner Brow Raise", "Jaw Drop", "Lip Corner Depressor", "Lip Press",
          "Lip Pucker", "Lip Stretch", "Lip Suck", "Lid Tighten", "Mouth Open", "Nose Wrinkle",
          "Smile", "Smirk", "Upper Lip Raise")
AFFDEX_AU = {"Brow Furrow": 4, "Cheek Raise": 6, "Inner Brow Raise": 1, "Jaw Drop": 26,
             "Lip Corner Depressor": 15, "Smile": 12}
EMOTIONS = ("anger", "disgust", "fear", "happiness", "sadness", "surprise", "neutral")


def schedule() -> list[tuple[int, str, float, float, str]]:
    """(trial, condition, onset_s, offset_s, stimulus name) in time order."""
    rng = np.random.default_rng(SEED)
    order = list(rng.permutation(CONDITIONS))
    out, t = [], FIRST_ONSET_S
    for k, cond in enumerate(order, start=1):
        out.append((k, str(cond), t, t + STIMULUS_S, f"{cond}_face{k:02d}.jpg"))
        t += STIMULUS_S + GAP_S
    return out


def duration_s() -> float:
    return schedule()[-1][3] + TAIL_S


def _smooth_noise(rng, n: int, sd: float) -> np.ndarray:
    x = np.zeros(n)
    e = rng.normal(0.0, sd * np.sqrt(1 - 0.9 ** 2), n)
    for i in range(1, n):
        x[i] = 0.9 * x[i - 1] + e[i]
    return x


def _envelope(t: np.ndarray, on: float, off: float) -> np.ndarray:
    """0 -> 1 over 0.4 s from ``on``, back to 0 over 0.8 s from ``off``."""
    rise = np.clip((t - on) / 0.4, 0, 1)
    fall = 1 - np.clip((t - off) / 0.8, 0, 1)
    return np.minimum(rise, fall)


def intensities(fps: float) -> tuple[np.ndarray, dict[int, np.ndarray], np.ndarray]:
    """Times, 0-1 intensity of every action unit, and the face-found mask."""
    rng = np.random.default_rng(SEED)
    t = np.arange(int(round(duration_s() * fps))) / fps
    aus = sorted(set(OPENFACE_AUS) | set(PYFEAT_AUS) | set(FACET_AUS))
    out = {au: np.clip(0.05 + _smooth_noise(rng, len(t), 0.02), 0, 1) for au in aus}
    for _, cond, on, off, _ in schedule():
        env = _envelope(t, on + LATENCY_S, off + LATENCY_S)
        if cond == "happy":
            out[12] += 0.45 * env
            out[6] += 0.25 * env
        elif cond == "sad":
            out[1] += 0.30 * env
            out[15] += 0.20 * env
            out[4] += 0.10 * env
    for start in rng.uniform(2.0, duration_s() - 2.0, size=12):  # blinks
        out[45] += 0.9 * np.exp(-0.5 * ((t - start) / 0.05) ** 2)
    out = {au: np.clip(v, 0.0, 1.0) for au, v in out.items()}
    face = ~((t >= NO_FACE_S[0]) & (t < NO_FACE_S[1]))
    return t, out, face


def _write(path: Path, header: list[str], rows, delimiter: str = ",",
           preamble: list[str] = ()) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        for line in preamble:
            fh.write(line + "\n")
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_events(path: Path) -> None:
    """The stimulus timeline in mimicry's events.csv format."""
    rows = [["0.0000", "session_start", "", "", "", ""],
            [f"{CALIBRATION_S[0]:.4f}", "calibration_start", "", "", "", ""],
            [f"{CALIBRATION_S[1]:.4f}", "calibration_end", "", "", "", ""]]
    for k, cond, on, off, name in schedule():
        rows += [[f"{on:.4f}", "stimulus_onset", str(k), cond, name, "morph_s=0"],
                 [f"{off:.4f}", "stimulus_offset", str(k), cond, name, "morph_s=0"]]
    rows.append([f"{duration_s():.4f}", "session_end", "", "", "", ""])
    _write(path, ["t", "event", "trial", "condition", "stimulus_id", "detail"], rows)


def write_openface(path: Path) -> None:
    t, au, face = intensities(FPS)
    rng = np.random.default_rng(SEED + 1)
    header = (["frame", "face_id", "timestamp", "confidence", "success", "gaze_angle_x",
               "gaze_angle_y", "pose_Tx", "pose_Ty", "pose_Tz", "pose_Rx", "pose_Ry", "pose_Rz"]
              + [f"AU{a:02d}_r" for a in OPENFACE_AUS]
              + [f"AU{a:02d}_c" for a in sorted(OPENFACE_AUS + (28,))])
    rows = []
    for i in range(len(t)):
        ok = bool(face[i])
        r = [str(i + 1), "0", f"{t[i]:.3f}", "0.98" if ok else "0.03", "1" if ok else "0"]
        r += [f"{v:.3f}" for v in rng.normal(0, 0.05, 2)]
        r += [f"{v:.1f}" for v in rng.normal((10, 40, 550), 5)]
        r += [f"{v:.3f}" for v in rng.normal(0, 0.05, 3)]
        r += [f"{5 * au[a][i]:.2f}" if ok else "0.00" for a in OPENFACE_AUS]
        r += [("1.00" if au.get(a, np.zeros(len(t)))[i] > 0.2 else "0.00") if ok else "0.00"
              for a in sorted(OPENFACE_AUS + (28,))]
        rows.append(r)
    # OpenFace writes ", " between cells
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(", ".join(header) + "\n")
        for r in rows:
            fh.write(", ".join(r) + "\n")


def _approx_time(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{int(seconds % 60):02d}"


def write_pyfeat(path: Path) -> None:
    t, au, face = intensities(FPS)
    rng = np.random.default_rng(SEED + 2)
    header = (["frame", "FaceRectX", "FaceRectY", "FaceRectWidth", "FaceRectHeight",
               "FaceScore", "Pitch", "Roll", "Yaw"] + [f"AU{a:02d}" for a in PYFEAT_AUS]
              + list(EMOTIONS) + ["input", "approx_time"])
    rows = []
    for i in range(len(t)):
        r = [str(i)]
        if face[i]:
            r += [f"{v:.2f}" for v in rng.normal((200, 140, 170, 250), 2)]
            r += ["0.999"] + [f"{v:.2f}" for v in rng.normal(0, 2, 3)]
            r += [f"{au[a][i]:.3f}" for a in PYFEAT_AUS]
            happy = float(au[12][i])
            r += [f"{v:.3f}" for v in (0.02, 0.02, 0.02, happy, au[15][i], 0.02,
                                       max(0.0, 0.9 - happy))]
        else:
            r += [""] * (len(header) - 3)
        r += ["participant.mp4", _approx_time(i / FPS)]
        rows.append(r)
    _write(path, header, rows)


def write_imotions(path: Path) -> None:
    """iMotions 9 style: '#' metadata lines, commas, AFFDEX 0-100, a GSR sensor's rows too."""
    t, au, face = intensities(FPS)
    trials = schedule()
    preamble = ["#INFO,Name,P01", "#INFO,Study,Mimicry sample", "#INFO,Gender,FEMALE",
                "#METADATA,Exported with,iMotions 9 style (made up for tests)", "#DATA"]
    header = (["Row", "Timestamp", "EventSource", "SlideEvent", "SourceStimuliName",
               "SampleNumber", "Anger", "Joy", "Sadness", "Engagement", "Valence"]
              + list(AFFDEX) + ["Blink", "BlinkRate", "Pitch", "Yaw", "Roll",
                                "Interocular Distance", "GSR Conductance CAL"])

    def stimulus(s: float) -> str:
        if CALIBRATION_S[0] <= s < CALIBRATION_S[1]:
            return "Baseline"
        for _, _, on, off, name in trials:
            if on <= s < off:
                return name
        return "Fixation"

    rows, row, gsr_next = [], 1, 0.0
    for i in range(len(t)):
        while gsr_next <= t[i]:  # another sensor's samples, no expression data
            rows.append([str(row), f"{1000 * gsr_next:.0f}", "Shimmer GSR", "",
                         stimulus(gsr_next), ""] + [""] * (len(header) - 7) + ["2.31"])
            row += 1
            gsr_next += 0.5
        r = [str(row), f"{1000 * t[i]:.0f}", "Affectiva AFFDEX", "", stimulus(t[i]), str(i)]
        if face[i]:
            r += ["0.1", f"{100 * au[12][i]:.2f}", f"{100 * au[15][i]:.2f}", "10", "0"]
            r += [f"{100 * au[AFFDEX_AU[c]][i]:.2f}" if c in AFFDEX_AU else "0.50"
                  for c in AFFDEX]
            r += ["1" if au[45][i] > 0.5 else "0", "12", "1.0", "-2.0", "0.5", "60"]
        else:
            r += [""] * (len(header) - 7)
        r += [""]
        rows.append(r)
        row += 1
    _write(path, header, rows, preamble=preamble)


def write_facet(path: Path) -> None:
    """iMotions 6 FACET style: '#' metadata, a blank line, tabs, evidence (log10 odds), 15 fps."""
    fps = 15.0
    t, au, face = intensities(fps)
    trials = schedule()
    preamble = ["#Study : MimicrySample", "#Date : 20260301 10:15:00", "#Version : 6.1.2667.3",
                "#TestRunDate : 20260301 10:00:00.000 (+01:00)", ""]
    header = (["StudyName", "ExportDate", "Name", "Age", "Gender", "StimulusName", "SlideType",
               "EventSource", "Timestamp", "MediaTime", "PostMarker", "Annotation", "FrameNo",
               "FrameTime", "NoOfFaces"] + [f"AU{a} Evidence" for a in FACET_AUS]
              + ["Yaw Degrees", "Pitch Degrees", "Roll Degrees", "LiveMarker", "MarkerText"])

    def stimulus(s: float) -> str:
        if CALIBRATION_S[0] <= s < CALIBRATION_S[1]:
            return "Baseline"
        return next((name for _, _, on, off, name in trials if on <= s < off), "Fixation")

    rows = []
    for i in range(len(t)):
        ms = f"{1000 * t[i]:.0f}"
        r = ["MimicrySample", "20260301", "P01", "30", "FEMALE", stimulus(t[i]), "TestImage",
             "Emotient FACET", ms, ms, "", "", str(i), ms, "1" if face[i] else "0"]
        if face[i]:
            p = np.clip([au[a][i] for a in FACET_AUS], 0.01, 0.99)
            r += [f"{v:.4f}" for v in np.log10(p / (1 - p))] + ["0.5", "1.0", "-0.5"]
        else:
            r += [""] * (len(FACET_AUS) + 3)
        r += ["", "start" if i == 0 else ""]
        rows.append(r)
    _write(path, header, rows, delimiter="\t", preamble=preamble)


def main(out: Path = DATA) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_events(out / "events_sample.csv")
    write_openface(out / "openface_sample.csv")
    write_pyfeat(out / "pyfeat_sample.csv")
    write_imotions(out / "imotions_sample.csv")
    write_facet(out / "imotions_facet_sample.txt")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
