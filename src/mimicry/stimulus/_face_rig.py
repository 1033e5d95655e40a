"""The rig of one built-in face: its photos and mesh prepared at one size, and drawing a frame."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import cv2
import numpy as np

from mimicry.core.assets import faces_dir
from mimicry.stimulus import _face_bases as fb
from mimicry.stimulus import _face_mesh as fm
from mimicry.stimulus._face_warp import MeshWarp

_ASSET_SIZE_PX = 1080
_LASH_W = 0.04
#: Identities whose smiling photo the face model does not read as a smile
#: (person 005 smiles with closed lips: smile 0.00): their happy shape adds
#: this much of the synthetic smile of :func:`_face_mesh.smile_basis`.
_SMILE_BOOST = {"blake": 1.3}


def _read_rgb(path: Path) -> np.ndarray:
    from mimicry.core.errors import InputError

    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise InputError(f"face asset {path} is missing or unreadable; reinstall mimicry "
                         "or run scripts/build_face_assets.py")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


@functools.lru_cache(maxsize=1)
def _face_triangles() -> np.ndarray:
    return np.load(faces_dir() / "face_mesh.npz")["triangles"].astype(np.int32)


@functools.lru_cache(maxsize=8)
def _load_identity(identity: str) -> dict:
    d = faces_dir() / identity
    mesh = np.load(d / "mesh.npz")
    return {
        "neutral": _read_rgb(d / "neutral.jpg"),
        "smile": _read_rgb(d / "smile.jpg"),
        "lm_n": mesh["neutral"].astype(np.float64),
        "lm_s": mesh["smile"].astype(np.float64),
        "z_n": mesh["neutral_z"].astype(np.float64),
    }


@functools.lru_cache(maxsize=8)
def _geometry(identity: str) -> dict:
    """Mesh, anchors and expression bases of one identity, in asset pixels.

    Everything here scales with the image (the membrane is scale-free and the
    blink operator is linear with rows summing to zero), so it is computed
    once per identity and rescaled per render size.
    """
    a = _load_identity(identity)
    s = _ASSET_SIZE_PX
    lm_n, lm_s = a["lm_n"][: fm.N_MESH], a["lm_s"][: fm.N_MESH]
    z = a["z_n"][: fm.N_MESH]
    ring, frame = fm.anchors(lm_n, s)
    n_l, n_r, n_f = fm.N_MESH, len(ring), len(frame)
    v_neutral = np.concatenate([lm_n, ring, frame])
    v_smile = np.concatenate([lm_s, ring, frame])
    n_v = len(v_neutral)
    tri = fm.triangulate(_face_triangles(), v_neutral)
    mem = fm.Membrane(tri, n_v, frame=range(n_l + n_r, n_v))
    # Measured smile: every landmark given, the ring follows smoothly.
    happy = mem.extend({i: d for i, d in enumerate(lm_s - lm_n)})
    if identity in _SMILE_BOOST:
        happy += _SMILE_BOOST[identity] * fb.smile_basis(lm_n, mem)
    return {
        "v_neutral": v_neutral, "v_smile": v_smile, "triangles": tri,
        "bases": {"happy": happy, "sad": fb.sad_basis(lm_n, mem),
                  "yawn": fb.yawn_basis(lm_n, z, mem)},
        "blink_k": fb.blink_operator(lm_n, mem),
        "z": np.concatenate([z, np.zeros(n_r + n_f)]),
        "head_w": np.concatenate([np.ones(n_l + n_r), np.zeros(n_f)])[:, None],
    }


class _Rig:
    """Everything prepared for one identity at one size (cached)."""

    def __init__(self, identity: str, size_px: int) -> None:
        a = _load_identity(identity)
        g = _geometry(identity)
        s = size_px
        k = s / _ASSET_SIZE_PX

        def scale(p):  # pixel-centre aware rescale of asset coordinates
            return (p + 0.5) * k - 0.5

        interp = cv2.INTER_AREA if s < _ASSET_SIZE_PX else cv2.INTER_CUBIC
        self.neutral = cv2.resize(a["neutral"], (s, s), interpolation=interp)
        self.smile = cv2.resize(a["smile"], (s, s), interpolation=interp)
        self.size_px = s
        self.v_neutral = scale(g["v_neutral"])
        self.v_smile = scale(g["v_smile"])
        lm_n = self.v_neutral[: fm.N_MESH]
        self.iod_px = fm.iod_px(lm_n)
        self.bases = {name: b * k for name, b in g["bases"].items()}
        self.blink_k = g["blink_k"]
        self.z = g["z"] * k
        self.head_w = g["head_w"]
        self.head_centre = lm_n.mean(0)
        self.warp = MeshWarp(g["triangles"], s)
        self.mask = _face_mask(lm_n, s, self.iod_px)
        self._mouth_poly = list(fm.LIP_INNER_UPPER) + list(fm.LIP_INNER_LOWER[-2:0:-1])
        self.lash_rgb = _lash_colour(self.neutral, lm_n)

    def vertices(self, e, blink: float, head: tuple[float, float, float],
                 scale: float) -> np.ndarray:
        """Where the mesh vertices are drawn, (n_vertices, 2) pixels: expression
        bases, then the blink (from the lids' current positions), then the
        head pose (3-D rotation of the face points about the head centre, with
        MediaPipe's depth for parallax; the frame anchors stay)."""
        v = self.v_neutral.copy()
        for name in ("happy", "sad"):
            w = getattr(e, name)
            if w:
                v += w * self.bases[name]
        if e.jaw:
            v += e.jaw * self.bases["yawn"]
        closure = min(1.0, blink + fb.YAWN_EYE_CLOSURE * e.yawn)
        if closure > 0:
            v[:, 1] += closure * (self.blink_k @ v[:, 1])
        yaw, pitch, roll = (math.radians(float(h)) for h in head)
        if yaw or pitch or roll or scale != 1.0:
            d = v - self.head_centre
            x, y, z = d[:, 0], d[:, 1], self.z
            # Yaw (about the vertical axis): positive turns the nose towards image right.
            x, z = x * math.cos(yaw) - z * math.sin(yaw), x * math.sin(yaw) + z * math.cos(yaw)
            # Pitch: positive lifts the nose (looking up).
            cp, sp = math.cos(pitch), math.sin(pitch)
            y, z = y * cp + z * sp, -y * sp + z * cp
            # Roll: positive tilts the top of the head towards image left.
            x, y = x * math.cos(roll) + y * math.sin(roll), -x * math.sin(roll) + y * math.cos(roll)
            moved = self.head_centre + scale * np.stack([x, y], 1)
            v = v + self.head_w * (moved - v)
        return v

    def render(self, e, blink: float, head: tuple[float, float, float],
               scale: float = 1.0) -> np.ndarray:
        """One RGB frame; arguments already validated. ``scale`` is the idle
        breathing scale of the head (1 = as photographed)."""
        v = self.vertices(e, blink, head, scale)
        happy = float(e.happy)
        sources = [self.v_neutral]
        moving = np.abs(v - self.v_neutral).max(1) > 1e-3
        if happy > 0:
            sources.append(self.v_smile)
            moving |= np.abs(v - self.v_smile).max(1) > 1e-3
        res = self.warp.maps(v, sources, moving)
        out = self.neutral.copy()
        if res is None:
            return out
        (x0, y0, x1, y1), maps = res
        # Written straight into the output (a view), no extra copy.
        cv2.remap(self.neutral, maps[0], None, cv2.INTER_LINEAR,
                  dst=out[y0:y1, x0:x1], borderMode=cv2.BORDER_REPLICATE)
        if happy > 0:
            # The smiling photo only matters where the face mask is: blend there.
            oval = v[list(fm.FACE_OVAL)]
            m = 0.45 * self.iod_px
            bx0, by0 = np.maximum(np.floor(oval.min(0) - m).astype(int), [x0, y0])
            bx1, by1 = np.minimum(np.ceil(oval.max(0) + m).astype(int), [x1, y1])
            if bx1 > bx0 and by1 > by0:
                sub = (slice(by0 - y0, by1 - y0), slice(bx0 - x0, bx1 - x0))
                sm = cv2.remap(self.smile, maps[1][sub], None, cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
                alpha = cv2.remap(self.mask, maps[0][sub], None, cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
                alpha = alpha.astype(np.float32) * (happy / 255.0)
                nb = out[by0:by1, bx0:bx1]
                out[by0:by1, bx0:bx1] = cv2.blendLinear(nb, sm, 1.0 - alpha, alpha)
        if e.jaw > 0:
            self._paint_mouth(out, v, float(e.jaw))
        closure = min(1.0, blink + fb.YAWN_EYE_CLOSURE * e.yawn)
        if closure > 0.5:
            self._paint_lashes(out, v, closure)
        return out

    def _paint_mouth(self, out: np.ndarray, v: np.ndarray, yawn: float) -> None:
        """Paint the open mouth (shadowed cavity, upper teeth, tongue) inside the inner lips."""
        poly = v[self._mouth_poly]
        u = self.iod_px
        x0, y0 = np.floor(poly.min(0) - 4).astype(int)
        x1, y1 = np.ceil(poly.max(0) + 5).astype(int)
        x0, y0 = max(x0, 0), max(y0, 0)
        x1, y1 = min(x1, self.size_px), min(y1, self.size_px)
        if x1 - x0 < 3 or y1 - y0 < 3:
            return
        h, w = y1 - y0, x1 - x0
        m = np.zeros((h, w), np.uint8)
        pts = np.round((poly - [x0, y0]) * 16).astype(np.int32)
        cv2.fillPoly(m, [pts], 255, lineType=cv2.LINE_AA, shift=4)
        sig = max(0.6, 0.008 * u)
        mask = cv2.GaussianBlur(m, (0, 0), sig).astype(np.float32) / 255.0
        if mask.max() <= 0:
            return
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        upper = v[list(fm.LIP_INNER_UPPER)]
        lower = v[list(fm.LIP_INNER_LOWER)]
        ou, ol = np.argsort(upper[:, 0]), np.argsort(lower[:, 0])
        y_up = np.interp(xs[0], upper[ou, 0], upper[ou, 1])[None, :]
        y_lo = np.interp(xs[0], lower[ol, 0], lower[ol, 1])[None, :]
        gap = np.maximum(y_lo - y_up, 1e-3)
        xc = 0.5 * (v[78, 0] + v[308, 0])
        half = max(0.5 * abs(v[308, 0] - v[78, 0]), 1.0)
        r = np.clip(np.abs(xs - xc) / half, 0.0, 1.0)  # 0 centre .. 1 corner
        # Cavity: near black in the throat, warmer towards the lips.
        dark = np.array([12, 5, 6], np.float32)
        warm = np.array([66, 27, 30], np.float32)
        edge = np.clip(cv2.GaussianBlur(1.0 - mask, (0, 0), 0.03 * u) * 1.6, 0, 1)
        col = dark + (warm - dark) * (0.45 * edge)[..., None]
        # Tongue: a soft, dim mound low in the middle.
        gap_max = float(gap.max())
        ty = (ys - (y_lo - 0.12 * gap_max)) / max(0.32 * gap_max, 1.0)
        tongue = np.exp(-(r / 0.75) ** 2 - ty ** 2) * (ys < y_lo)
        col += (np.array([88, 38, 42], np.float32) - col) * (0.55 * tongue)[..., None]
        # Upper teeth: a band under the upper lip, fading towards the corners
        # and in shadow at its lower edge.
        teeth_h = np.minimum(0.085 * u, 0.3 * gap)
        depth = (ys - y_up) / np.maximum(teeth_h, 1e-3)
        tooth = np.clip((1.0 - depth) * 4.0, 0.0, 1.0) * (ys > y_up - 1.0)
        tooth *= 1.0 - fm.smoothstep((r - 0.35) / 0.4)
        teeth_col = np.array([206, 196, 180], np.float32)
        shade = (0.95 - 0.35 * r - 0.2 * np.clip(depth, 0, 1))[..., None]
        col += (teeth_col * shade - col) * (0.9 * tooth)[..., None]
        a = (mask * min(1.0, yawn * 4.0))[..., None]
        roi = out[y0:y1, x0:x1].astype(np.float32)
        out[y0:y1, x0:x1] = np.clip(roi + (col - roi) * a + 0.5, 0, 255).astype(np.uint8)

    def _paint_lashes(self, out: np.ndarray, v: np.ndarray, closure: float) -> None:
        """Darken the line where the lids meet on a (nearly) closed eye.

        The warp squeezes the eye opening to nothing; resampling across that
        seam picks up a little sclera, which reads as a grey line. Real closed
        eyes show the lash line there instead.
        """
        a = 0.85 * float(fm.smoothstep((closure - 0.55) / 0.45))
        if a <= 0:
            return
        u = self.iod_px
        for upper in (fm.RIGHT_EYE_UPPER, fm.LEFT_EYE_UPPER):
            pts = v[list(upper)]
            x0, y0 = np.floor(pts.min(0) - 0.1 * u).astype(int)
            x1, y1 = np.ceil(pts.max(0) + 0.1 * u).astype(int)
            x0, y0 = max(x0, 0), max(y0, 0)
            x1, y1 = min(x1, self.size_px), min(y1, self.size_px)
            if x1 - x0 < 3 or y1 - y0 < 3:
                continue
            m = np.zeros((y1 - y0, x1 - x0), np.uint8)
            line = np.round((pts - [x0, y0]) * 16).astype(np.int32)
            th = max(1, int(round(_LASH_W * u)))
            cv2.polylines(m, [line], False, 255, thickness=th, lineType=cv2.LINE_AA, shift=4)
            m = cv2.GaussianBlur(m, (0, 0), max(0.5, 0.008 * u))
            al = (m.astype(np.float32) * (a / 255.0))[..., None]
            roi = out[y0:y1, x0:x1].astype(np.float32)
            out[y0:y1, x0:x1] = np.clip(roi + (self.lash_rgb - roi) * al + 0.5, 0, 255
                                        ).astype(np.uint8)


def _lash_colour(img: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """Colour of the upper lash lines: the darkest fifth of the pixels along them, (3,) float32."""
    pts = np.concatenate([lm[list(fm.RIGHT_EYE_UPPER[1:-1])], lm[list(fm.LEFT_EYE_UPPER[1:-1])]])
    h, w = img.shape[:2]
    samples = []
    for dy in (-2, -1, 0, 1):
        p = np.round(pts + [0, dy]).astype(int)
        p = np.clip(p, 0, [w - 1, h - 1])
        samples.append(img[p[:, 1], p[:, 0]])
    s = np.concatenate(samples).astype(np.float32)
    lum = s.mean(1)
    dark = s[lum <= np.quantile(lum, 0.2)]
    return dark.mean(0)


def _face_mask(lm: np.ndarray, size_px: int, iod: float) -> np.ndarray:
    """Feathered mask of the face (uint8, 255 inside) where the smiling photo is blended in.

    The forehead edge is pulled down, clear of the hairline, which differs
    between the two photos.
    """
    oval = lm[list(fm.FACE_OVAL)].copy()
    c = lm.mean(0)
    top = oval[:, 1] < lm[[33, 263], 1].mean()
    oval[top, 1] += 0.18 * iod * ((lm[[33, 263], 1].mean() - oval[top, 1])
                                  / max(lm[[33, 263], 1].mean() - lm[10, 1], 1.0))
    oval = c + 0.97 * (oval - c)
    m = np.zeros((size_px, size_px), np.uint8)
    cv2.fillPoly(m, [np.round(oval * 16).astype(np.int32)], 255, lineType=cv2.LINE_AA, shift=4)
    return cv2.GaussianBlur(m, (0, 0), 0.12 * iod)


@functools.lru_cache(maxsize=12)
def _rig(identity: str, size_px: int) -> _Rig:
    return _Rig(identity, size_px)
