"""An app session, like every command, never touches the network (see tests/core/test_no_network.py)."""

from __future__ import annotations

import pytest

from network_trace import MIMICRY, needs_strace, traced


@needs_strace
@pytest.mark.slow
def test_an_app_session_never_touches_the_network(tmp_path, tiny_protocol):
    pytest.importorskip("PyQt6")
    env = {"QT_QPA_PLATFORM": "offscreen", "MIMICRY_CONFIG_DIR": str(tmp_path / "config")}
    r, bad = traced([*MIMICRY, "app", "--source", "demo", "--protocol", str(tiny_protocol),
                     "--fast", "--participant", "net", "--out", str(tmp_path / "out"),
                     "--autostart", "--quit-after", "8"], tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    assert bad == []
    (folder,) = (tmp_path / "out").iterdir()
    assert (folder / "frames.csv").stat().st_size > 1000
