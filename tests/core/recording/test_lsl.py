"""Lab Streaming Layer: the channel and marker outlets, read back by local inlets."""

from __future__ import annotations

import math
import subprocess
import sys
import time

import pytest

pylsl = pytest.importorskip("pylsl")

from mimicry.core.channels import CHANNELS  # noqa: E402
from mimicry.runtime.lsl import LslPublisher  # noqa: E402
from mimicry.core.messages import FaceObservation, Frame, StimulusEvent  # noqa: E402

TINY = """
schema_version = 1
name = "tiny_lsl"
description = "Test protocol: one face of each condition, about 8 s."
seed = 3

[calibration]
duration_s = 3.0

[trials]
per_condition = 1
stimulus_s = 1.2
morph_s = 0.3
iti_s = 0.8
iti_jitter_s = 0.0
"""


def _inlet(name: str, timeout_s: float = 10.0):
    found = pylsl.resolve_byprop("name", name, timeout=timeout_s)
    assert found, f"no LSL stream named {name}"
    inlet = pylsl.StreamInlet(found[0])
    inlet.open_stream(timeout=timeout_s)
    return inlet


def _pull_all(inlet, until_s: float, stop=lambda got: False) -> list:
    got = []
    deadline = time.monotonic() + until_s
    while time.monotonic() < deadline and not stop(got):
        sample, ts = inlet.pull_sample(timeout=0.2)
        if sample is not None:
            got.append((sample, ts))
    return got


def test_publisher_streams_channels_and_markers():
    pub = LslPublisher(name="mimicry-unit", faces=2, nominal_fps=30.0)
    try:
        chan, mark = _inlet("mimicry-unit-channels"), _inlet("mimicry-unit-markers")
        info = chan.info()
        assert info.type() == "Expression" and info.channel_count() == 2 + len(CHANNELS)
        labels, ch = [], info.desc().child("channels").child("channel")
        while not ch.empty():
            labels.append(ch.child_value("label"))
            ch = ch.next_sibling()
        assert labels == ["face_id", "face_detected", *CHANNELS]
        values = {c: 0.1 * (i + 1) for i, c in enumerate(CHANNELS)}
        values["valence"] = -0.25
        time.sleep(0.5)  # let the inlets connect before the first push
        for k in range(5):
            obs = [FaceObservation(t=k / 30, frame=k, face_id=0, detected=True, channels=values),
                   FaceObservation(t=k / 30, frame=k, face_id=1, detected=False)]
            pub.on_frame(Frame(index=k, t=k / 30, image=None), obs)
        pub.on_event(StimulusEvent(t=1.0, event="stimulus_onset", trial=3, condition="happy",
                                   stimulus_id="alex", detail="intensity=1"))
        samples = _pull_all(chan, 5.0, stop=lambda got: len(got) >= 10)
        markers = _pull_all(mark, 5.0, stop=lambda got: len(got) >= 1)
    finally:
        pub.close()
    assert len(samples) == 10
    first, second = samples[0][0], samples[1][0]
    assert first[:2] == [0.0, 1.0] and second[:2] == [1.0, 0.0]
    for c, v in zip(CHANNELS, first[2:]):
        assert v == pytest.approx(values[c], abs=1e-6)
    assert all(math.isnan(v) for v in second[2:])  # no face: NaN, not 0
    assert samples[-1][1] >= samples[0][1]  # LSL timestamps in order
    assert markers[0][0] == ["stimulus_onset|3|happy|alex|intensity=1"]


def test_record_with_lsl_streams_the_session(tmp_path):
    proto = tmp_path / "tiny.toml"
    proto.write_text(TINY)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mimicry.commands.main", "record", "--source", "demo", "--protocol",
         str(proto), "--participant", "lsl01", "--no-display", "--lsl", "--no-analyze",
         "--out", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        chan = _inlet("mimicry-lsl01-channels", timeout_s=30)
        mark = _inlet("mimicry-lsl01-markers", timeout_s=10)
        markers = _pull_all(mark, 30.0,
                            stop=lambda got: any("session_end" in s[0][0] for s in got))
        samples = _pull_all(chan, 2.0)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    kinds = [s[0][0].split("|")[0] for s in markers]
    assert kinds.count("stimulus_onset") == 3 and kinds.count("stimulus_offset") == 3
    assert "calibration_end" in kinds and kinds[-1] == "session_end"
    # The demo participant's face is tracked and streamed (at least the last seconds of it).
    assert len(samples) > 10 and all(s[0][1] == 1.0 for s in samples)
