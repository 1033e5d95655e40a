"""Build the built-in stimulus face assets from the Face Research Lab London Set.

Run once; the outputs in ``assets/faces/`` are committed::

    python scripts/build_face_assets.py [--src /work/shared/testdata/images]

For each identity it

1. reads the neutral (``NNN_03``) and smiling (``NNN_08``) photo of one person
   (same session, frontal, 1350 x 1350 px);
2. finds MediaPipe's 478 landmarks on both and aligns the smiling photo onto
   the neutral one with a similarity transform fitted on points a smile does
   not move (eye corners, nose bridge, forehead, temples), so the two photos
   differ only by the expression;
3. crops both to the same square around the head (hair and shoulders
   included) and resizes it to ``SIZE_PX``;
4. saves ``neutral.jpg`` and ``smile.jpg`` (JPEG quality ``JPEG_QUALITY``) and
   ``mesh.npz`` with the landmarks re-detected on the saved crops.

It also saves ``face_mesh.npz``: MediaPipe's face-mesh tessellation as
triangles (shared by all identities), so rendering never imports mediapipe.

Landmarks are re-detected on the saved JPEGs (not transformed from the
originals) so that they match exactly what the renderer will warp.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mimicry.stimulus import _face_bases as fb
from mimicry.stimulus import _face_mesh as fm  # noqa: E402
from mimicry.stimulus._face_probe import FaceProbe  # noqa: E402
from mimicry.stimulus._face_warp import MeshWarp  # noqa: E402

#: identity name -> London Set person number.
PEOPLE: dict[str, str] = {
    "alex": "004",
    "blake": "005",
    "casey": "021",
    "drew": "025",
    "eden": "030",
}
#: Neutral photos the face model reads as smiling get their lip corners
#: lowered by this fraction of the synthetic sad-mouth displacement (about
#: 0.04 inter-ocular distances at 0.4): person 025's neutral reads smile 0.48
#: as photographed, 0.08 after. It still looks neutral.
NEUTRAL_FIX: dict[str, float] = {"drew": 0.4}
SIZE_PX = 1080
JPEG_QUALITY = 90
#: Crop side as a multiple of the face height (forehead landmark 10 to chin 152).
CROP_PER_FACE_HEIGHT = 2.25
#: Vertical offset of the crop centre below the face centre, as a fraction of the side.
CROP_DROP = 0.025
#: Landmarks a smile barely moves: eye corners, nose bridge, forehead, temples.
STABLE_POINTS = (33, 133, 362, 263, 168, 6, 197, 10, 151, 9, 8, 127, 356, 70, 300)


def _read_rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise SystemExit(f"cannot read {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _write_jpeg(path: Path, rgb: np.ndarray) -> None:
    ok = cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                     [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
    if not ok:
        raise SystemExit(f"cannot write {path}")


def crop_transform(lm: np.ndarray, src_size: tuple[int, int]) -> np.ndarray:
    """Affine (2, 3) from original pixels to the saved square crop.

    Parameters
    ----------
    lm : ndarray, shape (478, 2)
        Neutral-photo landmarks, original pixels.
    src_size : (width, height)
        Original image size, pixels.
    """
    face_h = float(np.linalg.norm(lm[152] - lm[10]))
    side = CROP_PER_FACE_HEIGHT * face_h
    w, h = src_size
    side = min(side, w, h)
    cx = float(np.mean(lm[[33, 263, 152, 10], 0]))
    cy = float(0.5 * (lm[10, 1] + lm[152, 1]) + CROP_DROP * side)
    x0 = min(max(cx - side / 2, 0.0), w - side)
    y0 = min(max(cy - side / 2, 0.0), h - side)
    s = SIZE_PX / side
    return np.array([[s, 0.0, -s * x0], [0.0, s, -s * y0]])


def _compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The affine ``a @ b`` (apply b first), both (2, 3)."""
    a3 = np.vstack([a, [0, 0, 1]])
    b3 = np.vstack([b, [0, 0, 1]])
    return (a3 @ b3)[:2]


def face_triangles() -> np.ndarray:
    """MediaPipe's face-mesh tessellation as oriented triangles (n, 3)."""
    from mediapipe.tasks.python.vision import FaceLandmarksConnections

    edges = [(c.start, c.end) for c in FaceLandmarksConnections.FACE_LANDMARKS_TESSELATION]
    return fm.tessellation_triangles(edges)


def relax_mouth(img: np.ndarray, lm: np.ndarray, amount: float) -> np.ndarray:
    """Lower the lip corners of ``img`` by ``amount`` of the sad-mouth basis (mesh warp)."""
    lm = lm[: fm.N_MESH].astype(np.float64)
    size = img.shape[0]
    ring, frame = fm.anchors(lm, size)
    v0 = np.concatenate([lm, ring, frame])
    tri = fm.triangulate(face_triangles(), v0)
    mem = fm.Membrane(tri, len(v0), frame=range(len(lm) + len(ring), len(v0)))
    v = v0 + amount * fb.sad_mouth_basis(lm, mem)
    (x0, y0, x1, y1), maps = MeshWarp(tri, size).maps(
        v, [v0], np.abs(v - v0).max(1) > 1e-3)
    out = img.copy()
    out[y0:y1, x0:x1] = cv2.remap(img, maps[0], None, cv2.INTER_CUBIC,
                                  borderMode=cv2.BORDER_REPLICATE)
    return out


def build(src: Path, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "face_mesh.npz", triangles=face_triangles().astype(np.int16))
    report = []
    with FaceProbe() as probe:
        for name, num in PEOPLE.items():
            neutral = _read_rgb(src / f"london_{num}_03_neutral.jpg")
            smile = _read_rgb(src / f"london_{num}_08_smiling.jpg")
            rn, rs = probe.read(neutral), probe.read(smile)
            if rn is None or rs is None:
                raise SystemExit(f"no face found for {name} ({num})")
            # Smile photo -> neutral photo, similarity (rotation, scale, shift).
            sim, _ = cv2.estimateAffinePartial2D(
                rs.landmarks_px[list(STABLE_POINTS)], rn.landmarks_px[list(STABLE_POINTS)],
                method=cv2.LMEDS)
            crop = crop_transform(rn.landmarks_px, (neutral.shape[1], neutral.shape[0]))
            size = (SIZE_PX, SIZE_PX)
            n_img = cv2.warpAffine(neutral, crop, size, flags=cv2.INTER_CUBIC,
                                   borderMode=cv2.BORDER_REPLICATE)
            s_img = cv2.warpAffine(smile, _compose(crop, sim), size, flags=cv2.INTER_CUBIC,
                                   borderMode=cv2.BORDER_REPLICATE)
            d = out / name
            d.mkdir(exist_ok=True)
            _write_jpeg(d / "neutral.jpg", n_img)
            _write_jpeg(d / "smile.jpg", s_img)
            fix = NEUTRAL_FIX.get(name, 0.0)
            if fix:
                r0 = probe.read(_read_rgb(d / "neutral.jpg"))
                _write_jpeg(d / "neutral.jpg", relax_mouth(n_img, r0.landmarks_px, fix))
            # Re-detect on exactly what was saved.
            rn2 = probe.read(_read_rgb(d / "neutral.jpg"))
            rs2 = probe.read(_read_rgb(d / "smile.jpg"))
            if rn2 is None or rs2 is None:
                raise SystemExit(f"no face found on the saved crops of {name}")
            np.savez_compressed(
                d / "mesh.npz",
                neutral=rn2.landmarks_px.astype(np.float32),
                smile=rs2.landmarks_px.astype(np.float32),
                neutral_z=rn2.z_px.astype(np.float32),
                smile_z=rs2.z_px.astype(np.float32),
                size_px=np.int32(SIZE_PX),
                person=np.str_(num),
            )
            line = (f"{name} ({num}): neutral fix {fix}, neutral smile {rn2.channels['smile']:.2f} "
                    f"inner-brow {rn2.channels['brow_raise_inner']:.2f}; smiling photo smile "
                    f"{rs2.channels['smile']:.2f}")
            print(line)
            report.append(line)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=Path("/work/shared/testdata/images"),
                    help="folder holding london_NNN_03_neutral.jpg / london_NNN_08_smiling.jpg")
    ap.add_argument("--out", type=Path, default=ROOT / "assets" / "faces")
    args = ap.parse_args(argv)
    build(args.src, args.out)
    print(f"built {len(PEOPLE)} identities in {args.out} on {datetime.date.today()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
