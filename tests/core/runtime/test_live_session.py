"""The live session's Qt-free pieces: free-run timeline, pause, session clock."""

from __future__ import annotations

import numpy as np
import pytest

from mimicry.core.messages import Frame
from mimicry.protocol.load import load_protocol
from mimicry.sources import FrameSource
from mimicry.runtime import freerun
from mimicry.runtime.freerun import FreeRunTimeline
from mimicry.runtime.pause import MAX_EXTRAPOLATION_S, PausableSource, SessionClock


def test_free_run_trials_start_after_a_neutral_gap():
    tl = FreeRunTimeline(load_protocol("classroom"), seed=2, calibration_s=6.0)
    a = tl.add("happy", now_s=2.0)  # during calibration: waits for its end
    assert a.onset_s == pytest.approx(6.0)
    assert a.offset_s - a.onset_s == pytest.approx(tl.protocol.stimulus_s)
    assert tl.pending(a.onset_s + 1.0) and not tl.pending(a.end_s)
    b = tl.add("sad", now_s=a.onset_s + 1.0)  # pressed too early: after the gap
    assert b.onset_s == pytest.approx(a.end_s + freerun.MIN_GAP_S)
    c = tl.add("neutral", now_s=100.0)
    assert c.onset_s == pytest.approx(100.0 + freerun.FREE_RUN_LEAD_S)
    assert [t.trial for t in tl.trials] == [1, 2, 3]
    ids = [tl.identity_for(n) for n in range(1, 9)]
    assert "blake" not in ids  # the virtual participant is never a stimulus
    assert all(x != y for x, y in zip(ids, ids[1:]))
    assert tl.phase(1.0) == ("calibration", None)
    assert tl.phase(a.onset_s + 0.1) == ("trial", a)
    assert tl.phase(c.end_s + 1) == ("waiting", None)
    with pytest.raises(Exception, match="condition"):
        tl.add("angry", now_s=200.0)


class _FakeCamera(FrameSource):
    """Frames 1/30 s apart on a frame counter; ``skip`` stands in for time passing."""

    kind = "camera"

    def __init__(self):
        super().__init__()
        self.name, self.fps, self.size = "fake", 30.0, (8, 8)
        self.i = 0

    def skip(self, n):  # a paused camera keeps capturing and overwriting
        self.i += n
        self.dropped += n

    def read(self):
        f = Frame(index=self.i, t=self.i / 30.0, image=np.zeros((8, 8, 3), np.uint8))
        self.i += 1
        return f


def test_pause_is_cut_out_of_the_session_clock():
    cam = _FakeCamera()
    now = [0.0]
    src = PausableSource(cam, mono=lambda: now[0])
    times = [src.read().t for _ in range(3)]
    src.pause()
    assert src.paused
    now[0] = 10.0
    cam.skip(300)  # ten seconds of frames the camera threw away
    src.resume()
    times += [src.read().t for _ in range(3)]
    assert np.allclose(np.diff(times), 1 / 30.0)
    assert src.dropped == 0
    assert src.take_pause_report() == pytest.approx(10.0)
    assert src.take_pause_report() is None


def test_session_clock_extrapolates_only_when_paced():
    now = [100.0]
    paced = SessionClock(paced=True, mono=lambda: now[0])
    assert paced.now() == 0.0  # before the first frame
    paced.update(5.0, 100.0)
    now[0] = 100.2
    assert paced.now() == pytest.approx(5.2)
    now[0] = 110.0  # frames stopped coming: do not run away
    assert paced.now() == pytest.approx(5.0 + MAX_EXTRAPOLATION_S)
    paced.set_paused(True)
    assert paced.now() == 5.0
    unpaced = SessionClock(paced=False, mono=lambda: now[0])
    unpaced.update(7.0, 0.0)
    assert unpaced.now() == 7.0
