"""Frame sources (camera, video, images, the demo participant) behind one interface, opened by name.

The contract and the registry are :mod:`mimicry.sources.base`; each kind is one module.
"""

from mimicry.sources.base import FrameSource, open_source, register_source, source_kind

__all__ = ["FrameSource", "open_source", "register_source", "source_kind"]
