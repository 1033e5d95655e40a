"""Piecewise-affine backward warp of a triangle mesh, computed on a coarse grid.

Each frame the target triangles (where the vertices are now) are rasterised
into a triangle-index image on a grid of at most ``MAX_GRID`` cells per side.
Inside a triangle the backward map is affine, so every cell's displacement
(source position minus cell position) is one row of a per-triangle table
applied to the cell's coordinates. The displacement is lightly smoothed,
upsampled to full resolution with a bilinear resize and fed to one
``cv2.remap`` per source image. Triangles whose vertices do not move are not
drawn: cells outside every drawn triangle keep zero displacement (identity),
which is exact there.

Working on displacements rather than absolute coordinates keeps the upsampled
map exact at the edge of the computed region (zero stays zero), so there is
no seam.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Largest grid side: 480 px frames get a map every 2 px, 1080 px every 4 px.
MAX_GRID = 280
#: Gaussian smoothing of the displacement, grid cells. Upsampling a
#: piecewise-affine map bilinearly wobbles sharp image edges where the
#: stretch changes between triangles (a stair pattern with the grid's
#: period); a light blur of the displacement (not of the image) removes it
#: and softens the creases at triangle edges.
SMOOTH_CELLS = 1.0
#: Triangles thinner than this (grid cells) are evaluated with clamped
#: barycentric coordinates: their affine map would extrapolate wildly just
#: outside them (a closing eyelid squeezes the eye triangles to nothing).
THIN_CELLS = 1.5
_SHIFT = 4  # fixed-point bits for sub-pixel triangle rasterisation


class MeshWarp:
    """Backward maps for one triangulation at one image size.

    Parameters
    ----------
    triangles : ndarray, shape (n_tri, 3), int
        Vertex indices, wound so that their area is positive when unfolded.
    size_px : int
        Output image side, pixels.
    """

    def __init__(self, triangles: np.ndarray, size_px: int) -> None:
        self.triangles = np.ascontiguousarray(triangles, dtype=np.int32)
        self.size_px = int(size_px)
        self.step = max(1, int(round(self.size_px / MAX_GRID)))
        self.grid = -(-self.size_px // self.step)  # ceil
        # Pixel coordinates of the grid cells' centres, and of every pixel.
        c = (np.arange(self.grid, dtype=np.float32) + 0.5) * self.step - 0.5
        self._cy, self._cx = np.meshgrid(c, c, indexing="ij")
        ys, xs = np.mgrid[0:self.size_px, 0:self.size_px].astype(np.float32)
        self._xy = np.ascontiguousarray(np.dstack([xs, ys]))

    def maps(self, target: np.ndarray, sources: list[np.ndarray], moving: np.ndarray,
             ) -> tuple[tuple[int, int, int, int], list[np.ndarray]] | None:
        """Backward maps over the region that moves.

        Parameters
        ----------
        target : ndarray, shape (n_vertices, 2)
            Where the vertices are drawn, pixels.
        sources : list of ndarray, shape (n_vertices, 2)
            Where each source image has those vertices, pixels (one or two).
        moving : ndarray, shape (n_vertices,), bool
            Vertices whose target differs from their place in some source;
            triangles with no moving vertex are identity and skipped.

        Returns
        -------
        roi : (x0, y0, x1, y1)
            Pixel box the maps cover (x1, y1 exclusive).
        maps : list of ndarray, shape (y1 - y0, x1 - x0, 2), float32
            One per source: the source pixel (x, y) to sample for each output
            pixel of the box (``cv2.remap``'s two-channel map).
        None
            When nothing moves.
        """
        tri = self.triangles[moving[self.triangles].any(1)]
        if len(tri) == 0:
            return None
        step, g = self.step, self.grid
        tg = (target + 0.5) / step - 0.5  # grid-cell coordinates
        a, b, c = tg[tri[:, 0]], tg[tri[:, 1]], tg[tri[:, 2]]
        lo = np.minimum(np.minimum(a, b), c).min(0)
        hi = np.maximum(np.maximum(a, b), c).max(0)
        pad = 2 + int(np.ceil(3 * SMOOTH_CELLS))
        gx0, gy0 = np.clip(np.floor(lo) - pad, 0, g).astype(int)
        gx1, gy1 = np.clip(np.ceil(hi) + pad + 1, 0, g).astype(int)
        if gx1 <= gx0 or gy1 <= gy0:
            return None

        # Which triangles to draw, in which order: folded ones (negative area)
        # first so they only fill what no proper triangle covers; then proper
        # ones from small to large so large ones own the shared edges. Slivers
        # are skipped. Thin triangles are numbered last so their cells can be
        # found by index.
        e1, e2 = b - a, c - a
        cross = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
        longest = np.sqrt(np.maximum.reduce([(e1 ** 2).sum(1), (e2 ** 2).sum(1),
                                             ((c - b) ** 2).sum(1)]))
        height = np.abs(cross) / np.maximum(longest, 1e-9)
        drawn = np.abs(cross) > 2e-4
        thin = drawn & (height < THIN_CELLS)
        fat = drawn & ~thin
        number = np.concatenate([np.nonzero(fat)[0], np.nonzero(thin)[0]])
        n_fat = int(fat.sum())
        rank = np.empty(len(tri), np.int64)
        rank[number] = np.arange(len(number))
        order = np.nonzero(drawn)[0]
        order = order[np.lexsort((np.abs(cross[order]), cross[order] > 0))]

        # A fresh buffer per call: one cached warp may serve several threads.
        ids = np.full((gy1 - gy0, gx1 - gx0), -1, np.int32)
        fixed = np.round((tg[tri] - [gx0, gy0]) * (1 << _SHIFT)).astype(np.int32)
        for k in order:
            cv2.fillConvexPoly(ids, fixed[k], int(rank[k]), lineType=cv2.LINE_8,
                               shift=_SHIFT)

        # Per drawn triangle: the affine map from a target pixel to the
        # barycentric coordinates (l1, l2), in pixel units.
        tri_d = tri[number]
        ta = target[tri_d[:, 0]]
        v1, v2 = target[tri_d[:, 1]] - ta, target[tri_d[:, 2]] - ta
        den = v1[:, 0] * v2[:, 1] - v2[:, 0] * v1[:, 1]
        den = np.where(np.abs(den) < 1e-12, 1e-12, den)
        # l1 = ( v2y*(x-ax) - v2x*(y-ay)) / den ; l2 = (-v1y*(x-ax) + v1x*(y-ay)) / den
        bary = np.empty((len(tri_d), 2, 3))
        bary[:, 0, 0], bary[:, 0, 1] = v2[:, 1] / den, -v2[:, 0] / den
        bary[:, 1, 0], bary[:, 1, 1] = -v1[:, 1] / den, v1[:, 0] / den
        bary[:, :, 2] = -(bary[:, :, 0] * ta[:, None, 0] + bary[:, :, 1] * ta[:, None, 1])
        # Displacement table: for each source, (dx, dy) = D @ (x, y, 1) with
        # D = S0 + (S1 - S0) l1 + (S2 - S0) l2 - identity.
        n_s = len(sources)
        table = np.zeros((len(tri_d) + 1, 2 * n_s, 3), np.float64)  # last row: identity cell
        for j, src in enumerate(sources):
            s0 = src[tri_d[:, 0]]
            d1, d2 = src[tri_d[:, 1]] - s0, src[tri_d[:, 2]] - s0
            for q in range(2):  # x, y
                row = (d1[:, q, None] * bary[:, 0] + d2[:, q, None] * bary[:, 1])
                row[:, 2] += s0[:, q]
                row[:, q] -= 1.0
                table[:-1, 2 * j + q] = row
        table = table.astype(np.float32)

        cx, cy = self._cx[gy0:gy1, gx0:gx1], self._cy[gy0:gy1, gx0:gx1]
        rows = table[ids]  # (h, w, 2 * n_s, 3); id -1 picks the identity row
        disp = rows[..., 0] * cx[..., None] + rows[..., 1] * cy[..., None] + rows[..., 2]

        # Thin triangles: clamped barycentric coordinates instead.
        sel = np.flatnonzero(ids >= n_fat)
        if len(sel):
            k = ids.ravel()[sel]
            px, py = cx.ravel()[sel], cy.ravel()[sel]
            l1 = bary[k, 0, 0] * px + bary[k, 0, 1] * py + bary[k, 0, 2]
            l2 = bary[k, 1, 0] * px + bary[k, 1, 1] * py + bary[k, 1, 2]
            l1, l2 = np.clip(l1, 0, 1), np.clip(l2, 0, 1)
            s = np.maximum(l1 + l2, 1.0)
            l1, l2 = l1 / s, l2 / s
            flat = disp.reshape(-1, 2 * n_s)
            for j, src in enumerate(sources):
                s0, s1, s2 = (src[tri_d[k, m]] for m in range(3))
                sx = s0 + (s1 - s0) * l1[:, None] + (s2 - s0) * l2[:, None]
                flat[sel, 2 * j] = sx[:, 0] - px
                flat[sel, 2 * j + 1] = sx[:, 1] - py

        h_roi, w_roi = gy1 - gy0, gx1 - gx0
        x0, y0 = gx0 * step, gy0 * step
        x1, y1 = min(gx1 * step, self.size_px), min(gy1 * step, self.size_px)
        ident = self._xy[y0:y1, x0:x1]
        out = []
        for j in range(n_s):
            d = np.ascontiguousarray(disp[..., 2 * j:2 * j + 2])
            if SMOOTH_CELLS > 0:
                d = cv2.GaussianBlur(d, (0, 0), SMOOTH_CELLS)
            if step > 1:
                d = cv2.resize(d, (w_roi * step, h_roi * step), interpolation=cv2.INTER_LINEAR)
            out.append(cv2.add(d[: y1 - y0, : x1 - x0], ident))
        return (x0, y0, x1, y1), out
