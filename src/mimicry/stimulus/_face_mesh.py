"""Landmark geometry of the built-in faces: index sets, anchors, expression bases.

All positions are pixels of the asset crop (or of the render size after
scaling); lengths that describe expressions are in units of the
inter-ocular distance (IOD, eye centre to eye centre) so that one recipe fits
every face. Image axes: x to the right, y down; the person's right eye is on
the image's left.

An expression "basis" is a displacement of every mesh vertex at full
intensity, shape (n_vertices, 2), pixels. The happy basis is measured (the
smiling photo's landmarks minus the neutral photo's); sad and yawn are
synthesised here from the neutral landmarks: displacements are set on key
points (lips, brows, lids, chin) and extended smoothly to the rest of the
mesh by a :class:`Membrane` (harmonic interpolation), which keeps the warp
from folding. The blink is built per frame from the current lid positions
(see :func:`blink_operator`) so that it closes the eye exactly whatever shape
the lids already have (a smile narrows them).

The numbers were tuned by eye on the contact sheet and checked against what
MediaPipe's face model reads (``tests/core/stimulus/test_face_render.py``).
"""

from __future__ import annotations

import numpy as np

N_MESH = 468  # MediaPipe's face mesh without the 10 iris points

# Eye contours, outer corner -> inner corner (corners included).
RIGHT_EYE_UPPER = (33, 246, 161, 160, 159, 158, 157, 173, 133)
RIGHT_EYE_LOWER = (33, 7, 163, 144, 145, 153, 154, 155, 133)
LEFT_EYE_UPPER = (263, 466, 388, 387, 386, 385, 384, 398, 362)
LEFT_EYE_LOWER = (263, 249, 390, 373, 374, 380, 381, 382, 362)
# Brows, outer -> inner: lower edge then upper edge.
RIGHT_BROW = (46, 53, 52, 65, 55, 70, 63, 105, 66, 107)
LEFT_BROW = (276, 283, 282, 295, 285, 300, 293, 334, 296, 336)
# Lips, right corner -> left corner.
LIP_INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIP_INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
LIP_OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIP_OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
#: All 80 lip landmarks (four contours from the outer edge to the inner edge).
LIPS = (0, 11, 12, 13, 14, 15, 16, 17, 37, 38, 39, 40, 41, 42, 61, 62, 72, 73, 74, 76, 77,
        78, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90, 91, 95, 96, 146, 178, 179, 180, 181,
        183, 184, 185, 191, 267, 268, 269, 270, 271, 272, 291, 292, 302, 303, 304, 306,
        307, 308, 310, 311, 312, 314, 315, 316, 317, 318, 319, 320, 321, 324, 325, 375,
        402, 403, 404, 405, 407, 408, 409, 415)
#: The mouth corner of each of the four lip contours, right and left.
LIP_CORNERS = (61, 76, 62, 78, 291, 306, 292, 308)
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379,
             378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127,
             162, 21, 54, 103, 67, 109)
NOSE = (1, 2, 4, 5, 6, 19, 45, 48, 64, 94, 97, 98, 115, 168, 195, 197, 220, 275, 278,
        294, 326, 327, 344, 440)
CHIN = 152
#: Points used to place the head's rotation centre and the ears' depth.
EARS = (234, 454)

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


def smoothstep(x):
    """3x^2 - 2x^3 on [0, 1], clipped outside."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def iod_px(lm: np.ndarray) -> float:
    """Inter-ocular distance of landmarks ``lm`` (478 or 468, 2), pixels."""
    r = lm[list(RIGHT_EYE_UPPER + RIGHT_EYE_LOWER)].mean(0)
    le = lm[list(LEFT_EYE_UPPER + LEFT_EYE_LOWER)].mean(0)
    return float(np.linalg.norm(le - r))


def anchors(lm: np.ndarray, size_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Anchor points around the face: a ring in the hair and neck, and the frame.

    Parameters
    ----------
    lm : ndarray, shape (>=468, 2)
        Neutral landmarks, pixels.
    size_px : float
        Image side, pixels.

    Returns
    -------
    ring : ndarray, shape (n_ring, 2)
        An ellipse 1.4 times the face oval, clipped to the image: it turns
        with the head, so hair and ears follow head motion, and it follows
        expressions smoothly (the chin dropping drags the neck along).
    frame : ndarray, shape (n_frame, 2)
        Points along the image border; they never move, so the image edge
        never tears.
    """
    oval = lm[list(FACE_OVAL)]
    c = oval.mean(0)
    half = (oval.max(0) - oval.min(0)) / 2.0
    ang = np.linspace(0, 2 * np.pi, 28, endpoint=False)
    ring = c + 1.4 * half * np.stack([np.cos(ang), np.sin(ang)], 1)
    margin = 0.04 * size_px
    ok = np.all((ring > margin) & (ring < size_px - 1 - margin), axis=1)
    ring = ring[ok]
    e = size_px - 1.0
    t = np.linspace(0, e, 9)[:-1]
    frame = np.concatenate([
        np.stack([t, np.zeros_like(t)], 1), np.stack([np.full_like(t, e), t], 1),
        np.stack([e - t, np.full_like(t, e)], 1), np.stack([np.zeros_like(t), e - t], 1),
    ])
    return ring, frame


def tessellation_triangles(edges) -> np.ndarray:
    """Triangles of MediaPipe's face-mesh tessellation, consistently oriented.

    MediaPipe publishes the tessellation as edges; its faces are the 3-cycles
    of that graph, minus the two 3-cycles that are not faces (their three
    edges are each shared by three triangles).

    Parameters
    ----------
    edges : iterable of (int, int)
        ``FaceLandmarksConnections.FACE_LANDMARKS_TESSELATION`` as index pairs.

    Returns
    -------
    ndarray, shape (n_tri, 3), int
        Vertex indices, all with the same winding (as faces of one surface).
    """
    import itertools
    from collections import Counter, deque

    es = {tuple(sorted(e)) for e in edges}
    adj: dict[int, set[int]] = {}
    for a, b in es:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    tris = {tuple(sorted((a, b, c))) for a, b in es for c in adj[a] & adj[b]}
    count = Counter(e for t in tris for e in itertools.combinations(t, 2))
    tris = sorted(t for t in tris
                  if not all(count[e] == 3 for e in itertools.combinations(t, 2)))
    by_edge: dict[tuple[int, int], list[int]] = {}
    for i, t in enumerate(tris):
        for e in itertools.combinations(t, 2):
            by_edge.setdefault(e, []).append(i)
    oriented: list[list[int] | None] = [None] * len(tris)
    for start in range(len(tris)):
        if oriented[start] is not None:
            continue
        oriented[start] = list(tris[start])
        queue = deque([start])
        while queue:
            i = queue.popleft()
            t = oriented[i]
            for k in range(3):
                a, b = t[k], t[(k + 1) % 3]
                for j in by_edge[tuple(sorted((a, b)))]:
                    if oriented[j] is None:
                        c = next(x for x in tris[j] if x not in (a, b))
                        oriented[j] = [b, a, c]  # a shared edge runs the other way
                        queue.append(j)
    return np.array(oriented, dtype=np.int32)


def _signed_area(p: np.ndarray, tri: np.ndarray) -> np.ndarray:
    a, b, c = p[tri[:, 0]], p[tri[:, 1]], p[tri[:, 2]]
    return 0.5 * ((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1])
                  - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0]))


def _zipper(upper, lower) -> list[tuple[int, int, int]]:
    """Triangles bridging two contours that share their end points (lids, lips)."""
    out = []
    for i in range(len(upper) - 1):
        out.append((upper[i], upper[i + 1], lower[i + 1]))
        out.append((upper[i], lower[i + 1], lower[i]))
    return [t for t in out if len(set(t)) == 3]


def triangulate(face_tris: np.ndarray, points: np.ndarray) -> np.ndarray:
    """All triangles of the warp mesh, each wound positively on ``points``.

    Parameters
    ----------
    face_tris : ndarray, shape (n, 3)
        The face-mesh tessellation (:func:`tessellation_triangles`); it has
        holes at the eyes and the mouth.
    points : ndarray, shape (n_vertices, 2)
        Neutral landmarks (first :data:`N_MESH`) then the anchors.

    Returns
    -------
    ndarray, shape (n_tri, 3), int32
        The face mesh; triangles bridging each eye (lid to lid) and the lips
        (so lids can close and the mouth can open); and a Delaunay
        triangulation of the face outline, the ring and the frame, outside
        the face. Face-mesh triangles that face away from the camera (folds at
        the silhouette) keep their winding and so have negative area.
    """
    face = np.asarray(face_tris, dtype=np.int32)
    if np.median(_signed_area(points, face)) < 0:
        face = face[:, [0, 2, 1]]
    eyes = np.array(_zipper(RIGHT_EYE_UPPER, RIGHT_EYE_LOWER)
                    + _zipper(LEFT_EYE_UPPER, LEFT_EYE_LOWER), dtype=np.int32)
    mouth = np.array(_zipper(LIP_INNER_UPPER, LIP_INNER_LOWER), dtype=np.int32)
    # Wind the eye bridges on the open neutral eyes, the mouth bridges on an
    # opened mouth: on closed lips they are slivers whose sign is noise.
    eyes = _wind_positive(eyes, points)
    opened = points.copy()
    opened[list(LIP_INNER_LOWER[1:-1]), 1] += 0.1 * iod_px(points)
    mouth = _wind_positive(mouth, opened)
    # Outside the face: Delaunay on outline + anchors, keeping triangles whose
    # centre lies outside the outline.
    oval = np.array(FACE_OVAL)
    outer_idx = np.concatenate([oval, np.arange(N_MESH, len(points))])
    import cv2

    outer = outer_idx[_delaunay(points[outer_idx])]
    cen = points[outer].mean(1)
    poly = points[oval].astype(np.float32)
    keep = np.array([cv2.pointPolygonTest(poly, (float(x), float(y)), False) < 0
                     for x, y in cen])
    outer = outer[keep].astype(np.int32)
    return np.concatenate([face, eyes, mouth, _wind_positive(outer, points)])


def _delaunay(points: np.ndarray) -> np.ndarray:
    """Delaunay triangles (n, 3) of ``points`` (m, 2), as indices (OpenCV's Subdiv2D;
    scipy.spatial would cost half a second to import)."""
    import cv2

    lo, hi = points.min(0) - 10.0, points.max(0) + 10.0
    sub = cv2.Subdiv2D((int(np.floor(lo[0])), int(np.floor(lo[1])),
                        int(np.ceil(hi[0] - lo[0])) + 1, int(np.ceil(hi[1] - lo[1])) + 1))
    index = {}
    for i, (x, y) in enumerate(points.astype(np.float32)):
        sub.insert((float(x), float(y)))
        index[(float(x), float(y))] = i
    out = []
    for t in sub.getTriangleList():
        key = [(float(np.float32(t[2 * j])), float(np.float32(t[2 * j + 1]))) for j in range(3)]
        if all(k in index for k in key):  # drops triangles on Subdiv2D's virtual corners
            out.append([index[k] for k in key])
    return np.array(out, dtype=np.int64)


def _wind_positive(tri: np.ndarray, points: np.ndarray) -> np.ndarray:
    tri = tri.copy()
    neg = _signed_area(points, tri) < 0
    tri[neg] = tri[neg][:, [0, 2, 1]]
    return tri


class Membrane:
    """Smooth extension of displacements given at some vertices to the others.

    The free vertices take the harmonic interpolation (each is the mean of its
    mesh neighbours, uniform weights) of the fixed ones. Being convex
    combinations along the mesh, the results vary smoothly and keep nearby
    points in order, so the warp does not fold (unlike Gaussian spreading,
    which can move a point past its neighbour on the tightly packed lip rings).

    Parameters
    ----------
    triangles : ndarray, shape (n_tri, 3)
        The warp mesh (:func:`triangulate`).
    n_vertices : int
    frame : sequence of int
        Vertices that never move (the image border).
    """

    def __init__(self, triangles: np.ndarray, n_vertices: int, frame) -> None:
        a = np.zeros((n_vertices, n_vertices))
        t = np.asarray(triangles)
        for i, j in ((0, 1), (1, 2), (2, 0)):
            a[t[:, i], t[:, j]] = 1.0
            a[t[:, j], t[:, i]] = 1.0
        self.laplacian = np.diag(a.sum(1)) - a
        self.n = n_vertices
        self.frame = set(int(i) for i in frame)

    def operator(self, fixed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(fixed_idx, free_idx, H) with ``x[free] = H @ x[fixed]``."""
        fixed_idx = np.array(sorted(set(int(i) for i in fixed) | self.frame))
        mask = np.ones(self.n, bool)
        mask[fixed_idx] = False
        free_idx = np.nonzero(mask)[0]
        lap = self.laplacian
        h = -np.linalg.solve(lap[np.ix_(free_idx, free_idx)], lap[np.ix_(free_idx, fixed_idx)])
        return fixed_idx, free_idx, h

    def extend(self, ctrl: dict[int, np.ndarray], zero=()) -> np.ndarray:
        """Displacements (n_vertices, 2): ``ctrl`` where given, 0 on ``zero`` and
        the frame, harmonic elsewhere."""
        fixed_idx = np.array(sorted(set(ctrl) | set(int(i) for i in zero) | self.frame))
        mask = np.ones(self.n, bool)
        mask[fixed_idx] = False
        free_idx = np.nonzero(mask)[0]
        x = np.zeros((self.n, 2))
        for i, d in ctrl.items():
            x[i] = d
        lap = self.laplacian
        x[free_idx] = -np.linalg.solve(lap[np.ix_(free_idx, free_idx)],
                                       lap[np.ix_(free_idx, fixed_idx)] @ x[fixed_idx])
        return x


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
