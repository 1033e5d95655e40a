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
