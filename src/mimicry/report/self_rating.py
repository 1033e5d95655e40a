"""The optional end-of-session self-rating, kept in ``session.json`` as ``self_rating``.

"How easily do you feel what others feel?", 1 (not at all easily) to 7 (very
easily). ``mimicry aggregate`` correlates it with the mimicry index.
"""

from __future__ import annotations

import os
from pathlib import Path

from mimicry.core.errors import InputError

SELF_RATING_KEY = "self_rating"
SELF_RATING_QUESTION = "How easily do you feel what others feel?"
#: Answer labels of the two ends of the scale.
SELF_RATING_ENDS = ("not at all easily", "very easily")
SELF_RATING_MIN, SELF_RATING_MAX = 1, 7


def save_self_rating(folder: str | os.PathLike, rating: int | None) -> dict:
    """Store (or with None remove) the self-rating in ``folder/session.json``.

    The file is rewritten atomically with every other key kept.

    Returns
    -------
    dict
        The new ``session.json`` content.
    """
    from mimicry.io.session import SESSION_FILE, read_json, write_session_json  # noqa: PLC0415

    from mimicry.core.check import check_int  # noqa: PLC0415

    if rating is not None:
        check_int("self_rating", rating, SELF_RATING_MIN, SELF_RATING_MAX, error=InputError,
                  expected=f"a whole number from {SELF_RATING_MIN} to {SELF_RATING_MAX}")
    folder = Path(folder)
    path = folder / SESSION_FILE
    meta = read_json(path) if path.is_file() else {}
    if rating is None:
        meta.pop(SELF_RATING_KEY, None)
        meta.pop("self_rating_question", None)
    else:
        meta[SELF_RATING_KEY] = rating
        meta["self_rating_question"] = SELF_RATING_QUESTION
    write_session_json(folder, meta)
    return meta
