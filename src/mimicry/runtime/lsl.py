"""Lab Streaming Layer: the channels as a stream, stimulus events as markers.

Two outlets, so EEG and EMG labs can synchronise with LabRecorder:

- ``<name>-channels`` (type ``Expression``): one sample per tracked frame and
  face slot: face_id, face_detected, then every channel of
  :data:`mimicry.core.channels.CHANNELS` (NaN when no face), timestamped with LSL's
  clock at the moment the frame was tracked;
- ``<name>-markers`` (type ``Markers``): one string sample per event,
  ``event|trial|condition|stimulus_id|detail``.

Requires ``pylsl`` (``pip install "mimicry[lsl]"``).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from mimicry.core.channels import CHANNELS
from mimicry.core.errors import InputError


class LslPublisher:
    def __init__(self, name: str = "mimicry", *, faces: int = 1, nominal_fps: float = 30.0) -> None:
        # liblsl logs INFO lines to stderr unless told otherwise.
        os.environ.setdefault("LSLAPICFG", str(Path(__file__).with_name("lsl_api.cfg")))
        try:
            import pylsl  # noqa: PLC0415
        except ImportError:
            raise InputError("--lsl needs pylsl; install it with: pip install pylsl") from None
        except RuntimeError as exc:  # pylsl raises this when liblsl is missing
            raise InputError(f"--lsl: pylsl could not load liblsl ({exc})") from None
        self._pylsl = pylsl
        self.name = name
        info = pylsl.StreamInfo(f"{name}-channels", "Expression", 2 + len(CHANNELS),
                                nominal_fps, pylsl.cf_float32, f"{name}-channels")
        chans = info.desc().append_child("channels")
        for label in ("face_id", "face_detected", *CHANNELS):
            ch = chans.append_child("channel")
            ch.append_child_value("label", label)
        self.channels = pylsl.StreamOutlet(info)
        minfo = pylsl.StreamInfo(f"{name}-markers", "Markers", 1, pylsl.IRREGULAR_RATE,
                                 pylsl.cf_string, f"{name}-markers")
        self.markers = pylsl.StreamOutlet(minfo)
        self._closed = False

    def on_frame(self, frame, observations) -> None:
        now = self._pylsl.local_clock()
        for o in observations:
            vals = [float(o.face_id), 1.0 if o.detected else 0.0]
            vals += [o.channels[c] if o.detected else math.nan for c in CHANNELS]
            self.channels.push_sample(vals, now)

    def on_event(self, event) -> None:
        trial = "" if event.trial is None else str(event.trial)
        self.markers.push_sample(
            [f"{event.event}|{trial}|{event.condition}|{event.stimulus_id}|{event.detail}"])

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            del self.channels, self.markers
