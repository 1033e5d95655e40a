"""The built-in faces read as their intended expression to the face model itself.

Every check runs real MediaPipe inference (Face Landmarker, IMAGE mode, the
shipped model) on rendered frames; nothing here is a stored number. Faces are
rendered at 480 px, the size of the virtual participant videos.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy.stats import spearmanr

from mimicry.core.channels import CHANNELS
from mimicry.core.errors import ConfigError
from mimicry.stimulus.face import (
    IDENTITIES, PARTICIPANT_IDENTITY, Expression, FaceAnimator, FaceRenderer, expression_for,
    faces_dir,
)

SIZE_PX = 480
STEPS = np.linspace(0.0, 1.0, 6)
#: The channel each condition must move (see mimicry.core.channels.SAD_CHANNELS for sad).
KEY = {"happy": "smile", "sad": "brow_raise_inner", "yawn": "jaw_open"}


@pytest.fixture(scope="module")
def probe():
    from mimicry.stimulus._face_probe import FaceProbe

    p = FaceProbe()
    yield p
    # Closed explicitly: the landmarker's __del__ errors at interpreter exit.
    p.close()


def _read(probe, img):
    res = probe.read(img)
    assert res is not None, "the face model found no face"
    return res.channels


def _photo(identity: str) -> np.ndarray:
    bgr = cv2.imread(str(faces_dir() / identity / "neutral.jpg"))
    return cv2.resize(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), (SIZE_PX, SIZE_PX),
                      interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="module")
def readings(probe):
    """Channels per identity: the neutral photo, a neutral render, 0-1 ramps, a blink."""
    out = {}
    for ident in IDENTITIES:
        r = FaceRenderer(ident, SIZE_PX)
        d = {"photo": _read(probe, _photo(ident)),
             "neutral": _read(probe, r.render(Expression())),
             "blink": _read(probe, r.render(Expression(), blink=1.0))}
        for cond in KEY:
            d[cond] = [_read(probe, r.render(expression_for(cond, float(x)))) for x in STEPS]
        out[ident] = d
    return out


def test_identities_and_participant():
    assert len(IDENTITIES) >= 4
    assert all(i.islower() and i.isalpha() for i in IDENTITIES)
    assert PARTICIPANT_IDENTITY in IDENTITIES


@pytest.mark.parametrize("identity", IDENTITIES)
def test_happy_reads_as_smile(readings, identity):
    full = readings[identity]["happy"][-1]
    assert full["smile"] >= 0.6
    assert full["valence"] > readings[identity]["neutral"]["valence"] + 0.4


@pytest.mark.parametrize("identity", IDENTITIES)
def test_sad_raises_inner_brows_and_not_smile(readings, identity):
    neutral, full = readings[identity]["neutral"], readings[identity]["sad"][-1]
    assert full["brow_raise_inner"] >= neutral["brow_raise_inner"] + 0.15
    assert full["smile"] <= neutral["smile"] + 0.05
    assert full["valence"] <= neutral["valence"] - 0.15


@pytest.mark.parametrize("identity", IDENTITIES)
def test_yawn_opens_jaw_and_is_not_a_smile(readings, identity):
    full = readings[identity]["yawn"][-1]
    assert full["jaw_open"] >= 0.5
    # A yawn must not leak into the valence channels.
    assert full["smile"] <= readings[identity]["neutral"]["smile"] + 0.1
    assert full["brow_raise_inner"] <= readings[identity]["neutral"]["brow_raise_inner"] + 0.15


@pytest.mark.parametrize("identity", IDENTITIES)
def test_neutral_render_reads_like_the_photo(readings, identity):
    photo, neutral = readings[identity]["photo"], readings[identity]["neutral"]
    for ch in CHANNELS:
        assert abs(neutral[ch] - photo[ch]) <= 0.1, ch
    # The participant's baseline must not look like an expression.
    assert neutral["smile"] <= 0.15
    assert neutral["jaw_open"] <= 0.1


@pytest.mark.parametrize("condition", list(KEY))
@pytest.mark.parametrize("identity", IDENTITIES)
def test_key_channel_rises_with_intensity(readings, identity, condition):
    values = [c[KEY[condition]] for c in readings[identity][condition]]
    rho = spearmanr(STEPS, values).statistic
    assert rho >= 0.9, values
    assert values[-1] - values[0] >= 0.3, values


def test_blink_closes_the_eyes(readings):
    closed = {i: readings[i]["blink"]["blink"] for i in IDENTITIES}
    opened = {i: readings[i]["neutral"]["blink"] for i in IDENTITIES}
    assert sum(v >= 0.4 for v in closed.values()) >= len(IDENTITIES) - 1, closed
    assert all(closed[i] >= opened[i] + 0.2 for i in IDENTITIES), (closed, opened)


def test_head_rotation_reads_back_with_the_same_sign(probe):
    r = FaceRenderer(PARTICIPANT_IDENTITY, SIZE_PX)

    def pose(head):
        res = probe.read(r.render(Expression(), head=head))
        assert res is not None
        return np.array(res.pose)

    for axis in range(3):
        plus, minus = [0.0] * 3, [0.0] * 3
        plus[axis], minus[axis] = 6.0, -6.0
        diff = pose(tuple(plus)) - pose(tuple(minus))
        assert diff[axis] >= 4.0, (axis, diff)  # 12 degrees apart, read as >= 4


@pytest.mark.parametrize("identity", IDENTITIES)
def test_idle_motion_keeps_the_face_detected_and_neutral(probe, readings, identity):
    anim = FaceAnimator(identity, SIZE_PX, seed=7, blinks=False)
    photo = readings[identity]["photo"]
    for t in (0.0, 3.3, 7.9, 13.1):
        ch = _read(probe, anim.frame(t, Expression()))
        assert abs(ch["smile"] - photo["smile"]) <= 0.1
        assert abs(ch["brow_raise_inner"] - photo["brow_raise_inner"]) <= 0.1
    # With an expression on, too.
    ch = _read(probe, anim.frame(5.0, Expression(happy=1.0)))
    assert ch["smile"] >= 0.6


def test_animator_is_deterministic_and_order_free():
    a = FaceAnimator(PARTICIPANT_IDENTITY, 200, seed=3)
    b = FaceAnimator(PARTICIPANT_IDENTITY, 200, seed=3)
    times = [7.31, 0.5, 19.02, 3.3]
    first = [a.frame(t, Expression(sad=0.4)) for t in times]
    second = [b.frame(t, Expression(sad=0.4)) for t in reversed(times)][::-1]
    for x, y in zip(first, second):
        assert np.array_equal(x, y)
    # Blink times do not depend on which times were asked for first.
    late_first = FaceAnimator(PARTICIPANT_IDENTITY, 64, seed=3)
    late_first.blink(600.0)
    fresh = FaceAnimator(PARTICIPANT_IDENTITY, 64, seed=3)
    grid = np.arange(0.0, 30.0, 0.01)
    assert [late_first.blink(x) for x in grid] == [fresh.blink(x) for x in grid]
    c = FaceAnimator(PARTICIPANT_IDENTITY, 200, seed=4)
    assert not np.array_equal(c.frame(7.31, Expression(sad=0.4)), first[0])


def test_animator_blinks_naturally(probe):
    anim = FaceAnimator(PARTICIPANT_IDENTITY, SIZE_PX, seed=0, idle_motion=0.0)
    t = np.arange(0.0, 20.0, 1 / 120)
    closure = np.array([anim.blink(x) for x in t])
    starts = t[1:][(closure[1:] > 0) & (closure[:-1] == 0)]
    assert 3 <= len(starts) <= 12, starts  # every ~2-6 s
    assert closure.max() > 0.95
    # Each blink is short: closure > 0.5 lasts well under a quarter second.
    half = closure > 0.5
    runs = np.diff(np.flatnonzero(np.diff(np.r_[0, half.astype(int), 0])))[::2] / 120
    assert runs.max() < 0.2
    # The rendered blink is a blink to the face model.
    peak = float(t[np.argmax(closure)])
    shut = _read(probe, anim.frame(peak, Expression()))["blink"]
    assert anim.blink(peak + 1.0) == 0.0
    opened = _read(probe, anim.frame(peak + 1.0, Expression()))["blink"]
    assert shut >= opened + 0.2
    no_blinks = FaceAnimator(PARTICIPANT_IDENTITY, 64, seed=0, blinks=False)
    assert max(no_blinks.blink(x) for x in t[::10]) == 0.0


@pytest.mark.parametrize("size_px", [96, 333])
def test_render_contract(size_px):
    r = FaceRenderer(IDENTITIES[0], size_px)
    assert r.size_px == size_px
    img = r.render(Expression(happy=0.5, yawn=0.2), blink=0.3, head=(2.0, -1.0, 1.5))
    assert img.shape == (size_px, size_px, 3) and img.dtype == np.uint8
    neutral = r.render(Expression())
    neutral[:] = 0  # the caller owns the array; the next frame is unaffected
    assert r.render(Expression()).any()
    assert not np.array_equal(img, r.render(Expression()))


def test_expression_for():
    assert expression_for("happy", 0.3) == Expression(happy=0.3)
    assert expression_for("sad", 1.0) == Expression(sad=1.0)
    assert expression_for("yawn", 0.0) == Expression()
    assert expression_for("neutral", 0.8) == Expression()


def test_errors_name_the_parameter():
    with pytest.raises(ConfigError, match="'identity'.*'alex'.*'zed'"):
        FaceRenderer("zed")
    with pytest.raises(ConfigError, match="'identity'"):
        FaceAnimator("Alex")
    with pytest.raises(ConfigError, match="'happy'.*0 to 1.*1.5"):
        Expression(happy=1.5)
    with pytest.raises(ConfigError, match="'sad'"):
        Expression(sad=-0.1)
    with pytest.raises(ConfigError, match="'yawn'"):
        Expression(yawn=float("nan"))
    with pytest.raises(ConfigError, match="'condition'.*'happy'.*'angry'"):
        expression_for("angry", 0.5)
    with pytest.raises(ConfigError, match="'intensity'"):
        expression_for("happy", 2.0)
    r = FaceRenderer(IDENTITIES[0], 96)
    with pytest.raises(ConfigError, match="'blink'"):
        r.render(Expression(), blink=1.2)
    with pytest.raises(ConfigError, match="'head'"):
        r.render(Expression(), head=(30.0, 0.0, 0.0))
    with pytest.raises(ConfigError, match="'size_px'"):
        FaceRenderer(IDENTITIES[0], 10)
    with pytest.raises(ConfigError, match="'t_s'"):
        FaceAnimator(IDENTITIES[0], 96).frame(float("inf"), Expression())


@pytest.mark.parametrize("identity", [i for i in IDENTITIES if i != PARTICIPANT_IDENTITY])
def test_labelled_faces_read_like_the_unlabelled_ones(probe, readings, identity):
    """A group label (coloured frame, caption band at the top) does not change what the
    face model reads: the groups protocols' faces are the same stimuli."""
    from mimicry.protocol.load import load_protocol
    from mimicry.stimulus.track import labelled_frame

    groups = load_protocol("groups").groups
    r = FaceRenderer(identity, SIZE_PX)
    for group in (groups.own, groups.other):
        for cond, plain in (("happy", readings[identity]["happy"][-1]),
                            ("sad", readings[identity]["sad"][-1]),
                            ("neutral", readings[identity]["neutral"])):
            expr = expression_for(cond, 1.0) if cond != "neutral" else Expression()
            got = _read(probe, labelled_frame(r.render(expr), group.rgb, group.name))
            for ch in ("smile", "brow_raise_inner", "valence"):
                assert abs(got[ch] - plain[ch]) <= 0.1, (group.key, cond, ch)
    happy = _read(probe, labelled_frame(r.render(expression_for("happy", 1.0)),
                                        groups.own.rgb, groups.own.name))
    assert happy["smile"] >= 0.6
