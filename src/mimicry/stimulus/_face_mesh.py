"""Landmark geometry of the built-in faces: index sets, anchors, triangulation, the membrane.

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
