"""Keep the face model off the network.

MediaPipe's Tasks library ships a usage logger that posts to
``play.googleapis.com`` from a thread it starts when a task is created; it has
no switch to turn it off. Mimicry promises that nothing touches the network,
so every landmarker is created by :func:`create_offline`: on a fresh thread
that first installs a seccomp filter denying ``socket()`` and ``connect()``.
A seccomp filter is inherited by every thread created after it, so the
logger's thread (and MediaPipe's other threads) can neither open a socket nor
look a name up, while the rest of the process (Qt's X11 connection, an LSL
outlet the user asked for) is untouched.

libseccomp itself is called through ctypes: the Python wrappers on PyPI find it
with ``ctypes.util.find_library``, which runs ``ldconfig`` on every import.
On systems without seccomp (not Linux, or libseccomp missing) the landmarker
is created as usual and :func:`network_guard` says why it is off.
"""

from __future__ import annotations

import errno
import sys
import threading
from typing import Callable, TypeVar

__all__ = ["create_offline", "network_guard"]

T = TypeVar("T")

#: Syscalls denied to the model's threads (with EACCES).
DENIED_SYSCALLS = ("socket", "socketpair", "connect")

_status: str | None = None


#: libseccomp's soname on every Linux distribution that ships it (Debian: libseccomp2).
LIBSECCOMP = "libseccomp.so.2"
_ACT_ALLOW = 0x7FFF0000
_ACT_ERRNO = 0x00050000


def _libseccomp():
    """libseccomp through ctypes, loaded by soname (``ctypes.util.find_library`` would run
    ``ldconfig``, and a compiler when that fails, on every start)."""
    import ctypes  # noqa: PLC0415

    lib = ctypes.CDLL(LIBSECCOMP, use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                     ctypes.c_uint]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    return lib


def _load_filter() -> None:
    """Deny :data:`DENIED_SYSCALLS` (EACCES) to this thread and the threads it starts."""
    lib = _libseccomp()
    ctx = lib.seccomp_init(_ACT_ALLOW)
    if not ctx:
        raise OSError("seccomp_init failed")
    try:
        for name in DENIED_SYSCALLS:
            nr = lib.seccomp_syscall_resolve_name(name.encode())
            rc = lib.seccomp_rule_add(ctx, _ACT_ERRNO | errno.EACCES, nr, 0)
            if rc < 0:
                raise OSError(-rc, f"seccomp_rule_add({name})")
        rc = lib.seccomp_load(ctx)  # sets no_new_privs itself
        if rc < 0:
            raise OSError(-rc, "seccomp_load")
    finally:
        lib.seccomp_release(ctx)


def network_guard() -> str:
    """How the model is kept off the network: ``"seccomp"`` or why it is not."""
    global _status
    if _status is None:
        if not sys.platform.startswith("linux"):
            _status = f"off: seccomp needs Linux (this is {sys.platform})"
        else:
            try:
                _libseccomp()
                _status = "seccomp"
            except (OSError, AttributeError) as exc:
                _status = f"off: libseccomp is not available ({exc})"
    return _status


def create_offline(factory: Callable[[], T]) -> T:
    """Return ``factory()``, called on a thread whose descendants cannot use the network.

    Exceptions from ``factory`` are re-raised in the caller.
    """
    if network_guard() != "seccomp":
        return factory()
    box: dict[str, object] = {}

    def run() -> None:
        try:
            _load_filter()
        except OSError as exc:  # a kernel or container that forbids seccomp
            global _status
            _status = f"off: the seccomp filter could not be loaded ({exc})"
        try:
            box["value"] = factory()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    thread = threading.Thread(target=run, name="mimicry-model-start", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
