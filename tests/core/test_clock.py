"""The one pacing rule shared by paced sources."""

from mimicry.core.clock import ManualClock, Pacer


def test_pacer_holds_frames_to_real_time_and_reports_lateness():
    clock = ManualClock(100.0)
    pacer = Pacer(clock)
    assert pacer.wait_until(0.0) == 0.0 and clock.now() == 100.0
    assert pacer.wait_until(0.5) == 0.0 and clock.now() == 100.5  # slept until due
    clock.advance(2.0)                                               # the consumer stalled
    assert abs(pacer.wait_until(1.0) - 1.5) < 1e-9                   # 1.5 s late, no sleep
    assert clock.now() == 102.5
