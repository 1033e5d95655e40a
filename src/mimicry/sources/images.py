"""An image file, or a folder of images in name order, one second apart."""

from __future__ import annotations

import os
from pathlib import Path

from mimicry.core.errors import InputError
from mimicry.core.messages import Frame
from mimicry.sources.base import IMAGE_EXTENSIONS, FrameSource, cv2_module as _cv2


class ImageSource(FrameSource):
    """One image file, or a folder of images in name order (one second apart)."""

    kind = "images"
    still_images = True

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        p = Path(path)
        self.name = str(p)
        if p.is_dir():
            files = sorted(f for f in p.iterdir()
                           if f.is_file() and f.suffix.lower() in IMAGE_EXTENSIONS)
            if not files:
                raise InputError(f"folder {p} holds no images; expected "
                                 f"{', '.join(sorted(IMAGE_EXTENSIONS))} files")
        elif p.is_file():
            files = [p]
        else:
            raise InputError(f"{p} not found; expected a video, an image or a folder of images")
        self.files = files
        self.n_frames = len(files)
        self._index = 0

    def read(self) -> Frame | None:
        if self._closed or self._index >= len(self.files):
            return None
        cv2 = _cv2()
        f = self.files[self._index]
        bgr = cv2.imread(str(f), cv2.IMREAD_COLOR)
        if bgr is None:
            raise InputError(f"cannot read image {f}: expected an image file OpenCV can decode")
        self.size = (bgr.shape[1], bgr.shape[0])
        frame = Frame(index=self._index, t=float(self._index),
                      image=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), source=f.name)
        self._index += 1
        return frame


def open_images(spec: str, *, realtime: bool | None = None, clock=None) -> ImageSource:
    return ImageSource(spec)
