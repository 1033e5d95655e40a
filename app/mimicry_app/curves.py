"""Trial-averaged response curves for the results screen: the core's, unchanged.

The computation lives in :mod:`mimicry.report.curves` so that the results
screen and the HTML reports draw the same curves; this module keeps the
app's name for it (``response_curves(folder)``).
"""

from __future__ import annotations

from mimicry.report.curves import (AFTER_END_S, CURVE_CHANNELS, GRID_STEP_S,  # noqa: F401
                                   ResponseCurves)
from mimicry.report.curves import session_response_curves as response_curves  # noqa: F401
