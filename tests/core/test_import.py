"""``import mimicry`` is cheap, and the core never imports Qt."""

import subprocess
import sys

HEAVY = ("mediapipe", "cv2", "scipy", "matplotlib", "PyQt6", "pyqtgraph")


def _loaded_after(stmt: str) -> set[str]:
    code = (f"import sys; {stmt}; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {m for m in out.stdout.strip().split(",") if m}


def test_import_mimicry_loads_no_heavy_module():
    assert _loaded_after("import mimicry") == set()


def test_cli_parser_loads_no_heavy_module():
    # `mimicry --help` builds every subcommand's parser; that must stay cheap too.
    assert _loaded_after("import mimicry.commands.main as c; c.build_parser()") == set()


def test_core_modules_never_import_qt():
    stmt = ("import mimicry.runtime.process, mimicry.tracking.mediapipe_tracker, mimicry.sources.base, mimicry.io.session, "
            "mimicry.runtime.diagnostics, mimicry.io.writers")
    assert not _loaded_after(stmt) & {"PyQt6", "pyqtgraph"}


def test_import_contract_holds(repo):
    # The import-linter contract in pyproject.toml: mimicry never imports PyQt6,
    # pyqtgraph or mimicry_app, directly or indirectly.
    import shutil

    lint = shutil.which("lint-imports")
    if lint is None:
        import pytest

        pytest.skip("import-linter not installed")
    r = subprocess.run([lint], cwd=repo, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
