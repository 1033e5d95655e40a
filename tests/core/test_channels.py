import numpy as np
import pytest

from mimicry.core.channels import BLENDSHAPE_INDEX, CHANNELS, compute_channels, pose_from_matrix


def _bs(**scores):
    b = np.zeros(52, dtype=np.float32)
    for k, v in scores.items():
        b[BLENDSHAPE_INDEX[k]] = v
    return b


def test_every_channel_is_computed():
    assert set(compute_channels(_bs())) == set(CHANNELS)


def test_formulas():
    ch = compute_channels(_bs(mouthSmileLeft=0.8, mouthSmileRight=0.6, mouthFrownLeft=0.1,
                              browDownLeft=0.4, browDownRight=0.2, browInnerUp=0.3,
                              eyeSquintLeft=0.5, eyeSquintRight=0.3, jawOpen=0.7,
                              eyeBlinkLeft=1.0, eyeBlinkRight=0.0))
    assert ch["smile"] == pytest.approx(0.7)
    assert ch["frown"] == pytest.approx(0.05)
    assert ch["brow_lower"] == pytest.approx(0.3)
    assert ch["brow_raise_inner"] == pytest.approx(0.3)
    assert ch["cheek_raise"] == pytest.approx(0.4)  # eyeSquint carries AU6
    assert ch["jaw_open"] == pytest.approx(0.7)
    assert ch["blink"] == pytest.approx(0.5)
    assert ch["valence"] == pytest.approx(0.7 - 0.35)


def test_valence_ignores_brow_lower_and_clips_sadness():
    # browDown rises on broad squinting smiles: it must not pull valence down.
    smile = compute_channels(_bs(mouthSmileLeft=0.9, mouthSmileRight=0.9, browDownLeft=0.9,
                                 browDownRight=0.9))
    assert smile["valence"] == pytest.approx(0.9)
    sad = compute_channels(_bs(browInnerUp=0.9, mouthFrownLeft=0.6, mouthFrownRight=0.6))
    assert sad["valence"] == pytest.approx(-1.0)


def _rot(yaw=0.0, pitch=0.0, roll=0.0):
    y, p, r = np.radians([yaw, pitch, roll])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    m = np.eye(4)
    m[:3, :3] = ry @ rx @ rz
    return m


@pytest.mark.parametrize("yaw,pitch,roll", [(20, 0, 0), (0, 15, 0), (0, 0, -10), (12, -8, 5)])
def test_pose_round_trip_magnitudes(yaw, pitch, roll):
    got = pose_from_matrix(_rot(yaw, -pitch, roll))
    assert got == pytest.approx((yaw, pitch, roll), abs=1e-6)


# --- The channel registry: one entry per channel, every list derived from it ---

def test_derived_lists_keep_their_order():
    from mimicry.analysis.config import ANALYSIS_CHANNELS, INDEX_CHANNELS, SAD_COMPOSITE
    from mimicry.analysis.offline import TRIAL_CSV_CHANNELS
    from mimicry.core.channels import SAD_CHANNELS
    from mimicry.io.formats import FRAME_COLUMNS

    assert CHANNELS == ("smile", "frown", "brow_lower", "brow_raise_inner", "cheek_raise",
                        "jaw_open", "blink", "valence")
    assert SAD_CHANNELS == ("brow_raise_inner", "frown")
    assert SAD_COMPOSITE == "sad_composite"
    assert ANALYSIS_CHANNELS == CHANNELS + ("sad_composite",)
    assert INDEX_CHANNELS == {"smile": 1.0, "sad_composite": -1.0}
    assert TRIAL_CSV_CHANNELS == ("smile", "brow_raise_inner", "frown", "sad_composite",
                                  "valence", "cheek_raise", "brow_lower", "jaw_open", "blink")
    assert FRAME_COLUMNS[4:4 + len(CHANNELS)] == CHANNELS
    assert FRAME_COLUMNS[4 + len(CHANNELS)] == "yaw"


#: Run in a fresh interpreter: an extension registers its channel before importing the
#: rest of mimicry, so every list derived from the registry includes it.
EXTRA_CHANNEL_SCRIPT = """
import numpy as np, pytest
from mimicry.core import channels
idx = (channels.BLENDSHAPE_INDEX["mouthPressLeft"], channels.BLENDSHAPE_INDEX["mouthPressRight"])
channels.register(channels.Channel(
    "lip_press", "AU24", lambda b, done: float((b[idx[0]] + b[idx[1]]) / 2.0)))

from mimicry.analysis import config, offline
from mimicry.io import formats, writers
from mimicry.simulate.signal import VirtualParticipant, make_schedule, simulate_frames

name = "lip_press"
assert name in channels.CHANNELS and name in config.ANALYSIS_CHANNELS
b = np.zeros(52, dtype=np.float32)
b[idx[0]], b[idx[1]] = 0.4, 0.2
assert channels.compute_channels(b)[name] == pytest.approx(0.3)
# frames.csv columns (the writer reads formats.FRAME_COLUMNS)
assert name in formats.FRAME_COLUMNS and writers.FRAME_COLUMNS is formats.FRAME_COLUMNS
assert formats.FRAME_COLUMNS.index(name) < formats.FRAME_COLUMNS.index("yaw")

sch = make_schedule(3, seed=1)
frames = simulate_frames(sch.trials, VirtualParticipant(), seed=2)
assert name in frames.channels and np.isfinite(frames.channels[name]).any()
result = offline.analyze_session(frames, sch.events)

# trials.csv columns and rows
cols = [f"{name}_{m}" for m in ("mean", "peak", "latency_s")]
assert set(cols) <= set(offline.TRIAL_CSV_COLUMNS)
rows = offline.trial_rows(result)
assert rows and all(set(cols) <= set(r) for r in rows)
assert list(rows[0]) == list(offline.TRIAL_CSV_COLUMNS)
# summary.json channels
assert name in offline.summary_dict(result)["channels"]
print("flowed")
"""


def test_an_extra_channel_flows_everywhere():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", EXTRA_CHANNEL_SCRIPT], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "flowed", r.stdout + r.stderr


def test_registry_is_restored_after_the_extra_channel():
    from mimicry.analysis import offline
    from mimicry.io import formats

    assert "lip_press" not in CHANNELS
    assert not any(c.startswith("lip_press") for c in formats.FRAME_COLUMNS)
    assert not any(c.startswith("lip_press") for c in offline.TRIAL_CSV_COLUMNS)
