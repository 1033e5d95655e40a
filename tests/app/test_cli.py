"""``mimicry app`` on the command line: options, a missing PyQt6, the core/GUI boundary."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import mimicry.commands.app as app_command


def _parse(*argv):
    from mimicry.commands.main import build_parser

    parser, _ = build_parser()
    return parser.parse_args(["app", *argv])


def test_app_options():
    args = _parse("--source", "demo", "--protocol", "classroom", "--participant", "p01",
                  "--out", "sessions", "--classroom", "--fullscreen", "--model", "m.task")
    assert (args.source, args.protocol, args.participant, args.out, args.model) == (
        "demo", "classroom", "p01", "sessions", "m.task")
    assert args.classroom and args.fullscreen
    defaults = _parse()
    assert defaults.source is None and not defaults.classroom  # remembered settings decide


def test_hidden_options_stay_out_of_help():
    from mimicry.commands.main import build_parser

    parser, _ = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    help_text = sub.choices["app"].format_help()
    assert "--classroom" in help_text and "--source" in help_text
    assert "--screenshot" not in help_text and "--quit-after" not in help_text


def test_options_override_remembered_settings(monkeypatch):
    from mimicry_app.main import options_from_args
    from mimicry.runtime.settings import AppSettings, save_settings

    save_settings(AppSettings(source="1", protocol="default", participant="old"))
    opts = options_from_args(_parse("--source", "demo", "--classroom"))
    assert opts.settings.source == "demo" and opts.settings.classroom
    assert opts.settings.protocol == "default" and opts.settings.participant == "old"
    assert opts.explicit_source


def test_without_pyqt6_one_line_and_exit_2():
    code = ("import sys; sys.modules['PyQt6'] = None; "
            "from mimicry.commands.main import main; sys.exit(main(['app']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("mimicry app: error:") and "PyQt6" in lines[0]


def test_the_core_imports_the_gui_only_by_name():
    # The command module may name mimicry_app only in importlib.import_module("...").
    tree = ast.parse(Path(app_command.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] in ("mimicry_app", "PyQt6", "pyqtgraph")
                           for a in node.names)
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] not in ("mimicry_app", "PyQt6", "pyqtgraph")


def test_opencv_qt_variables_are_removed():
    from mimicry_app.qt_env import remove_opencv_qt_paths

    env = {"QT_QPA_PLATFORM_PLUGIN_PATH": "/x/site-packages/cv2/qt/plugins",
           "QT_QPA_FONTDIR": "/x/site-packages/cv2/qt/fonts", "OTHER": "1"}
    assert sorted(remove_opencv_qt_paths(env)) == ["QT_QPA_FONTDIR", "QT_QPA_PLATFORM_PLUGIN_PATH"]
    assert env == {"OTHER": "1"}
    mine = {"QT_QPA_PLATFORM_PLUGIN_PATH": "/opt/qt6/plugins"}
    assert remove_opencv_qt_paths(mine) == [] and mine  # a path the user set stays


def test_no_display_one_line_and_exit_2():
    from mimicry_app.main import display_problem

    assert display_problem({"DISPLAY": ":0"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    if sys.platform.startswith("linux"):
        assert "no display found" in display_problem({})
        env = {k: v for k, v in __import__("os").environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        r = subprocess.run([sys.executable, "-m", "mimicry.commands.main", "app"], env=env,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2
        assert r.stderr.strip().splitlines() == [r.stderr.strip()]
        assert "no display found" in r.stderr


def test_missing_system_libraries_one_line_and_exit_2(tmp_path, library_missing):
    """Without Qt's X11 libraries the app names them (Qt itself would abort naming another)."""
    # A made-up name (this machine has the real libraries) on a stand-in plugin.
    plugin = library_missing("libxcb-gone.so.4", "libqxcb.so")
    # The real app, with PyQt6's X11 plugin standing for one that lacks a library.
    script = ("import sys, mimicry.runtime.diagnostics as d; "
              f"d.xcb_plugin = lambda: {str(plugin)!r}; "
              "from mimicry.commands.main import main; sys.exit(main(['app']))")
    env = {k: v for k, v in __import__("os").environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=":99", MIMICRY_CONFIG_DIR=str(tmp_path / "config"))
    r = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2, r.stderr
    (line,) = r.stderr.strip().splitlines()
    assert "libxcb-gone.so.4" in line and "sudo apt-get install libxcb-gone4" in line
