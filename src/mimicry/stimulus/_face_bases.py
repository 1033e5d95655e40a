"""Expression bases of the built-in faces: sad, yawn and smile displacements, and the blink.

An expression "basis" is a displacement of every mesh vertex at full intensity,
shape (n_vertices, 2), pixels, synthesised from the neutral landmarks and
extended smoothly by a :class:`~mimicry.stimulus._face_mesh.Membrane`.
"""

from __future__ import annotations

import numpy as np

from mimicry.stimulus._face_mesh import (
    CHIN, EARS, FACE_OVAL, LEFT_BROW, LEFT_EYE_LOWER, LEFT_EYE_UPPER, LIPS, LIP_CORNERS,
    LIP_INNER_LOWER, LIP_INNER_UPPER, Membrane, NOSE, N_MESH, RIGHT_BROW, RIGHT_EYE_LOWER,
    RIGHT_EYE_UPPER, iod_px)

#: The yawn half-closes the eyes by this fraction of a full blink.
YAWN_EYE_CLOSURE = 0.75
#: Chin drop of a full yawn, in inter-ocular distances (MediaPipe's jawOpen
#: reads 0.65-0.95 at this opening; it saturates and then falls for wider).
YAWN_DROP_IOD = 0.5
#: Fraction of the sad mouth (corners down) mixed into the yawn: a wide-open
#: mouth with level corners is read as a smile by the face model.
YAWN_CORNERS_DOWN = 1.0
#: Exponent of the ramp (0 mid-lip .. 1 at the corners) by which the lips
#: follow the corners in a yawn; a broad ramp keeps the packed lip contours
#: from crossing.
YAWN_CORNER_RAMP = 2.0
#: Face-outline points below this fraction of the mouth-corner-to-chin height
#: drop with the chin; those between follow the membrane.
YAWN_CHIN_FROM = 0.7
#: In a blink the upper lid covers this fraction of the lid gap, the lower lid the rest.
BLINK_UPPER = 0.9


def _lips() -> tuple[int, ...]:
    return LIPS


def lip_sides(lm: np.ndarray) -> dict[int, int]:
    """Which side of the mouth each lip landmark is on: -1 upper, +1 lower, 0 corner.

    The four lip contours are packed a few pixels apart, so every lip
    displacement below depends only on x and on the side: points at the same
    x on the same lip move together and the contours never cross.
    """
    iu, il = np.array(LIP_INNER_UPPER), np.array(LIP_INNER_LOWER)
    seam = 0.5 * (lm[iu] + lm[il])
    order = np.argsort(seam[:, 0])
    out = {}
    for i in LIPS:
        if i in LIP_CORNERS:
            out[i] = 0
        elif i in LIP_INNER_UPPER:
            out[i] = -1
        elif i in LIP_INNER_LOWER:
            out[i] = 1
        else:
            sy = np.interp(lm[i, 0], seam[order, 0], seam[order, 1])
            out[i] = -1 if lm[i, 1] < sy else 1
    return out


def _eyes() -> tuple[int, ...]:
    return tuple(sorted(set(RIGHT_EYE_UPPER + RIGHT_EYE_LOWER + LEFT_EYE_UPPER
                            + LEFT_EYE_LOWER)))


def sad_basis(lm: np.ndarray, mem: Membrane) -> np.ndarray:
    """Displacements of a sad face (AU1+4 inner brows up and together, AU15 lip
    corners down, AU17 chin raise), shape (n_vertices, 2), pixels.
    """
    return sad_brow_basis(lm, mem) + sad_mouth_basis(lm, mem)


def sad_brow_basis(lm: np.ndarray, mem: Membrane) -> np.ndarray:
    """The brow part of :func:`sad_basis` (AU1+4), shape (n_vertices, 2), pixels."""
    u = iod_px(lm)
    ctrl: dict[int, np.ndarray] = {}
    mid_x = float(lm[[168, 6, 1], 0].mean())
    for brow, upper in ((RIGHT_BROW, RIGHT_EYE_UPPER), (LEFT_BROW, LEFT_EYE_UPPER)):
        xs = lm[list(brow), 0]
        dist = np.abs(xs - mid_x)
        d_in, d_out = dist.min(), dist.max()
        for i, x in zip(brow, xs):
            t = (abs(x - mid_x) - d_in) / max(d_out - d_in, 1e-6)  # 0 inner .. 1 outer
            ctrl[i] = np.array([0.035 * u * (1 - t) * -np.sign(x - mid_x),
                                -0.17 * u * (1 - t) ** 1.4 + 0.025 * u * t])
        # The inner part of the upper lid lifts a little (the "sad eye").
        n = len(upper) - 1
        for k, i in enumerate(upper):
            t = k / n  # 0 outer corner .. 1 inner corner
            ctrl[i] = np.array([0.0, -0.035 * u * t ** 2 * (k < n)])
    zero = set(_eyes()) | set(NOSE) | set(_lips()) | set(FACE_OVAL)
    return mem.extend(ctrl, zero - set(ctrl))


def sad_mouth_basis(lm: np.ndarray, mem: Membrane) -> np.ndarray:
    """The mouth part of :func:`sad_basis` (AU15+17), shape (n_vertices, 2), pixels."""
    u = iod_px(lm)
    xl, xr = lm[61, 0], lm[291, 0]
    xc, half = 0.5 * (xl + xr), 0.5 * abs(xr - xl)
    ctrl: dict[int, np.ndarray] = {}
    for i in _lips():
        w = min(abs(lm[i, 0] - xc) / half, 1.0) ** 2  # 0 middle .. 1 corners
        ctrl[i] = np.array([-0.02 * u * w * np.sign(lm[i, 0] - xc),
                            0.11 * u * w - 0.025 * u * (1 - w)])
    # Chin boss raised (AU17).
    for i in (CHIN, 148, 377, 175, 199, 200):
        ctrl[i] = np.array([0.0, -0.04 * u])
    zero = set(_eyes()) | set(NOSE) | set(FACE_OVAL) | set(RIGHT_BROW + LEFT_BROW)
    return mem.extend(ctrl, zero - set(ctrl))


def yawn_basis(lm: np.ndarray, z: np.ndarray, mem: Membrane) -> np.ndarray:
    """Displacements of a wide yawn, shape (n_vertices, 2), pixels: jaw dropped,
    lower lip far down, upper lip a little up, corners in and down. The
    half-closed eyes are added by the renderer through the blink operator
    (see :data:`YAWN_EYE_CLOSURE`).

    Parameters
    ----------
    lm : ndarray, shape (>=468, 2)
        Neutral landmarks, pixels.
    z : ndarray, shape (>=468,)
        Their depth, pixels (MediaPipe's z; negative towards the camera).
    mem : Membrane
    """
    u = iod_px(lm)
    # The mandible turns about the ears: in a frontal view a point drops in
    # proportion to how far in front of the ear axis it sits.
    z_pivot = float(z[list(EARS)].mean())
    fwd = np.clip((z_pivot - z[:N_MESH]) / max(z_pivot - z[CHIN], 1.0), 0.0, 1.3)
    drop = YAWN_DROP_IOD * u
    xc = 0.5 * (lm[61, 0] + lm[291, 0])
    half = 0.5 * abs(lm[291, 0] - lm[61, 0])
    corner_y = 0.5 * (lm[61, 1] + lm[291, 1])
    # The lower lip drops as much as the chin (lips and chin ride on the
    # mandible together; letting the lips drop more folds the skin between),
    # and the corners by one amount, so the packed lip contours move together.
    drop_lip = drop
    drop_corner = 0.55 * drop * float(fwd[[61, 291]].mean())
    ctrl: dict[int, np.ndarray] = {}
    for i, side in lip_sides(lm).items():
        r = min(abs(lm[i, 0] - xc) / half, 1.0)
        cw = r ** YAWN_CORNER_RAMP  # 0 in the middle .. 1 at the corners, a broad ramp
        # Corners pulled in: an oval, not a grin (a wide mouth makes the face
        # model read a smile).
        dx = -0.08 * u * cw * np.sign(lm[i, 0] - xc)
        if side < 0:    # upper lip lifts a little in an arch, showing the teeth
            dy = -0.055 * u * (1 - r ** 2) + cw * drop_corner
        elif side > 0:  # lower lip rides on the jaw
            dy = (1 - cw) * drop_lip + cw * drop_corner
        else:
            dx, dy = -0.08 * u * np.sign(lm[i, 0] - xc), drop_corner
        ctrl[i] = np.array([dx, dy])
    chin_y = lm[CHIN, 1]
    # The chin drops with the lower lip; the outline above the mouth corners
    # stays; the jaw line in between is left to the membrane (pinning it
    # folds the cheek over it).
    for i in FACE_OVAL:
        t = (lm[i, 1] - corner_y) / max(chin_y - corner_y, 1.0)
        if t <= 0:
            ctrl[i] = np.zeros(2)
        elif t >= YAWN_CHIN_FROM:
            ctrl[i] = np.array([0.0, drop * min(fwd[i], 1.0)])
    zero = set(_eyes()) | set(NOSE) | set(RIGHT_BROW + LEFT_BROW)
    d = mem.extend(ctrl, zero - set(ctrl))
    # Lip corners stretched down and back, as in a real yawn.
    return d + YAWN_CORNERS_DOWN * sad_mouth_basis(lm, mem)


def smile_basis(lm: np.ndarray, mem: Membrane) -> np.ndarray:
    """A synthetic closed-mouth smile (AU12 lip corners out and up, AU6 cheeks
    and lower lids up), shape (n_vertices, 2), pixels.

    Used to strengthen a smiling photo whose smile the face model does not read.
    """
    u = iod_px(lm)
    xl, xr = lm[61, 0], lm[291, 0]
    xc, half = 0.5 * (xl + xr), 0.5 * abs(xr - xl)
    ctrl: dict[int, np.ndarray] = {}
    for i in _lips():
        r = min(abs(lm[i, 0] - xc) / half, 1.0)
        # Corners out more than up: a flat, wide smile looks natural; a
        # strongly curved one looks like a smirk.
        ctrl[i] = np.array([0.12 * u * r ** 1.2 * np.sign(lm[i, 0] - xc),
                            -0.08 * u * r ** 1.5])
    # Cheeks bunch up and out (AU6 with AU12).
    for i in (50, 280, 101, 330, 36, 266, 205, 425, 187, 411, 123, 352):
        ctrl[i] = np.array([0.015 * u * np.sign(lm[i, 0] - xc), -0.05 * u])
    for upper, lower in ((RIGHT_EYE_UPPER, RIGHT_EYE_LOWER), (LEFT_EYE_UPPER, LEFT_EYE_LOWER)):
        ux = lm[list(upper), 0]
        for i in lower[1:-1]:
            # A quarter of the local lid gap, so the lids never cross.
            gap = lm[i, 1] - float(_interp_weights(ux, lm[i, 0]) @ lm[list(upper), 1])
            ctrl[i] = np.array([0.0, -0.25 * max(gap, 0.0)])
    zero = set(_eyes()) | set(NOSE) | set(FACE_OVAL) | set(RIGHT_BROW + LEFT_BROW)
    return mem.extend(ctrl, zero - set(ctrl))


def blink_operator(lm: np.ndarray, mem: Membrane) -> np.ndarray:
    """Linear operator giving a full blink's y displacement from current y positions.

    ``dy = K @ y`` closes both eyes: each upper-lid point moves down
    :data:`BLINK_UPPER` and each lower-lid point up the rest of the lid gap at its x, measured from
    wherever the lids currently are (a smile has already narrowed them); the
    skin around follows smoothly (:class:`Membrane`), brows, nose, lips and
    face outline stay.

    Returns
    -------
    K : ndarray, shape (n_vertices, n_vertices)
    """
    n = mem.n
    K = np.zeros((n, n))
    lid_rows = []
    for upper, lower in ((RIGHT_EYE_UPPER, RIGHT_EYE_LOWER), (LEFT_EYE_UPPER, LEFT_EYE_LOWER)):
        ux, lx = lm[list(upper), 0], lm[list(lower), 0]
        for pts, xs_other, other, c in ((upper, lx, lower, BLINK_UPPER),
                                        (lower, ux, upper, BLINK_UPPER - 1.0)):
            for i in pts[1:-1]:
                w_other = _interp_weights(xs_other, lm[i, 0])
                # dy_i = c * (y_lower(x_i) - y_upper(x_i)), both from current positions.
                if c > 0:
                    K[i, i] -= c
                    for j, w in zip(other, w_other):
                        K[i, j] += c * w
                else:
                    K[i, i] += c
                    for j, w in zip(other, w_other):
                        K[i, j] -= c * w
                lid_rows.append(i)
    zero = (set(_eyes()) - set(lid_rows)) | set(NOSE) | set(_lips()) | set(FACE_OVAL) \
        | set(RIGHT_BROW + LEFT_BROW)
    fixed_idx, free_idx, h = mem.operator(set(lid_rows) | zero)
    K[free_idx] = h @ K[fixed_idx]
    return K


def _interp_weights(xs: np.ndarray, x: float) -> np.ndarray:
    """Weights w with w @ f(xs) the linear interpolation of f at x."""
    order = np.argsort(xs)
    sx = xs[order]
    w = np.zeros(len(xs))
    k = int(np.clip(np.searchsorted(sx, x), 1, len(sx) - 1))
    x0, x1 = sx[k - 1], sx[k]
    a = 0.0 if x1 == x0 else (x - x0) / (x1 - x0)
    a = min(max(a, 0.0), 1.0)
    w[order[k - 1]] += 1 - a
    w[order[k]] += a
    return w
