"""Shared fixtures.

``testdata`` is ../shared/testdata beside the repository (real face clips and
photos). A user's clone won't have it, so tests that use it skip without it;
tests that must always run use faces the project renders itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TESTDATA = Path(os.environ.get("MIMICRY_TESTDATA", REPO.parent / "shared" / "testdata"))


@pytest.fixture(scope="session")
def testdata() -> Path:
    if not (TESTDATA / "SOURCES.md").is_file():
        pytest.skip(f"real face test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def face_photo():
    """A frontal neutral face (BGR), from the shipped stimulus faces or the test photos."""
    import cv2

    candidates = sorted((REPO / "assets" / "faces").glob("*/neutral.jpg"))
    candidates += [TESTDATA / "images" / "london_004_03_neutral.jpg"]
    for c in candidates:
        if c.is_file():
            return cv2.imread(str(c))
    pytest.skip("no face photo available")
