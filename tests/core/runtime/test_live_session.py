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


def test_pause_keeps_the_demo_participant_in_step():
    """After a pause the demo participant renders the session time, not its own clock's."""
    from mimicry.core.clock import ManualClock
    from mimicry.simulate.live_demo import DemoParticipantSource

    clock = ManualClock()
    demo = DemoParticipantSource(realtime=True, clock=clock, fps=30.0, size_px=96)
    rendered = []
    animator = demo._animator

    class Spy:  # records the time each frame was rendered at
        def frame(self, t, expr):
            rendered.append(t)
            return animator.frame(t, expr)

    demo._animator = Spy()
    src = PausableSource(demo, mono=clock.now)
    out = [src.read().t for _ in range(4)]
    for _ in range(3):  # three pauses of 10 s
        src.pause()
        clock.advance(10.0)
        src.resume()
        out += [src.read().t for _ in range(4)]
    assert np.allclose(np.diff(out), 1 / 30.0)
    assert np.allclose(rendered, out), "the face is rendered at the session's time"
    assert demo.dropped == 0 and src.dropped == 0
    src.close()


def test_paused_trials_are_left_out_of_the_analysis():
    """A trial the session was paused in is marked invalid, offline and live alike."""
    from mimicry.analysis.config import ANALYSIS_CHANNELS, AnalysisConfig
    from mimicry.analysis.streaming import StreamingAnalyzer
    from mimicry.analysis.trials import PAUSED_REASON, paused_during, trial_responses
    from mimicry.protocol.timeline import Trial, is_pause, pause_marker, pause_times

    cfg = AnalysisConfig()
    trials = [Trial(n, c, "ana", 2.0 + 4.0 * n, 4.0 + 4.0 * n, 1.0, 0.3, 0)
              for n, c in enumerate(["happy", "sad", "happy"], start=1)]
    pause = pause_marker(10.6, 12.5)  # during trial 2 (10-12 s)
    assert is_pause(pause) and pause_times([pause]) == [10.6]
    assert [paused_during(tr, [10.6], cfg) for tr in trials] == [False, True, False]

    t = np.arange(0.0, 20.0, 1 / 30.0)
    values = np.zeros((len(t), len(ANALYSIS_CHANNELS)))
    face = np.ones(len(t), bool)
    from mimicry.analysis.baseline import Baseline

    n = len(ANALYSIS_CHANNELS)
    base = Baseline("calibration", np.zeros(n), np.full(n, 0.01), np.full(n, 0.01), len(t),
                    0.0, 2.0, "")
    res = trial_responses(t, face, values, trials, base, cfg, pauses=[10.6])
    assert [r.valid for r in res] == [True, False, True]
    assert res[1].invalid_reason == PAUSED_REASON

    live = StreamingAnalyzer(cfg)
    events = sorted([e for tr in trials for e in (tr.onset_event(), tr.offset_event())] + [pause],
                    key=lambda e: e.t)
    done = []
    for tt in t:
        while events and events[0].t <= tt:
            live.add_event(events.pop(0))
        done += live.add_frame(tt, True, {ch: 0.0 for ch in ANALYSIS_CHANNELS[:-1]})
    assert [u.trial.valid for u in done] == [True, False, True]


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
