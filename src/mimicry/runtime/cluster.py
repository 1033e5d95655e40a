"""Many videos or sessions on a Dask cluster (``--dask [ADDRESS]``).

A lab with hundreds of session videos has a cluster; Dask's ``distributed``
schedules the work (no scheduler of our own). Without an address a local
cluster of worker processes starts on this machine; with one, the running
scheduler at that address is used (for Slurm, through dask-jobqueue: see
docs/cluster.md). Each video or session folder is one task, retried once on
failure; a failure never stops the others and ends up in the final table.

A batch is resumable: an output folder that already holds a complete session
of the same input (session.json ``status``, ``input_sha256`` and
``model_sha256``) is skipped, so a killed run picks up where it stopped. The
workers share the file system with the client, as on a cluster's shared disk.
Each worker process verifies the face model once (its hash is cached) and
builds a fresh landmarker per video: MediaPipe's VIDEO mode tracks from frame
to frame, and a landmarker carried over from the last video would make the
results differ from processing the videos one by one.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from mimicry.core.errors import InputError, MimicryError
from mimicry.core.progress import Progress

__all__ = ["TaskOutcome", "analyze_task", "dask_client", "dask_mapper", "outcome_table",
           "process_task", "is_processed", "run_tasks"]


@dataclass(frozen=True)
class TaskOutcome:
    """One task of a batch: its input, ``done``, ``skipped`` or ``failed``, and a line."""

    name: str
    status: str
    detail: str


def _need_dask():
    try:
        import distributed  # noqa: PLC0415
    except ImportError:
        raise InputError("--dask needs the dask and distributed packages; expected them "
                         "installed: pip install 'mimicry[dask]'") from None
    return distributed


#: How long to try reaching a scheduler before saying it cannot be reached.
CONNECT_TIMEOUT_S = 20


@contextlib.contextmanager
def dask_client(address: str | None, workers: int) -> Iterator:
    """A ``distributed.Client``: of the scheduler at ``address``, or of a local cluster.

    The local cluster has ``workers`` processes of one thread each and no
    dashboard (it would open a web server).
    """
    distributed = _need_dask()
    cluster = None
    try:
        if address:
            try:
                client = distributed.Client(address, timeout=f"{CONNECT_TIMEOUT_S}s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(f"cannot reach the Dask scheduler at {address} ({exc}); "
                                 f"expected the address of a running scheduler, such as "
                                 f"tcp://10.0.0.5:8786") from None
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.CRITICAL)
            client = distributed.Client(cluster)
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


def _error_line(exc: BaseException) -> str:
    if isinstance(exc, MimicryError):
        return str(exc)
    text = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"internal error ({type(exc).__name__}{': ' + text if text else ''})"


def run_tasks(client, fn: Callable, jobs: Sequence, names: Sequence[str], *,
              progress: bool | None = None) -> list[TaskOutcome]:
    """Run ``fn(job)`` (returning a TaskOutcome) on the cluster, each retried once on failure."""
    distributed = _need_dask()
    futures = client.map(fn, list(jobs), pure=False, retries=1)
    index = {f.key: k for k, f in enumerate(futures)}
    outcomes: list[TaskOutcome | None] = [None] * len(futures)
    bar = Progress("tasks", len(futures), enabled=progress)
    try:
        for n, fut in enumerate(distributed.as_completed(futures), start=1):
            k = index[fut.key]
            if fut.status == "error":
                outcomes[k] = TaskOutcome(names[k], "failed", _error_line(fut.exception()))
            else:
                outcomes[k] = fut.result()
            bar.update(n)
    finally:
        bar.finish()
    return outcomes


def dask_mapper(client) -> Callable:
    """``map(fn, items)`` on the cluster, in order (for aggregate's per-session analysis)."""
    def mapper(fn: Callable, items: Sequence) -> list:
        return client.gather(client.map(fn, list(items), pure=False, retries=1))
    return mapper


def is_processed(inp: str | os.PathLike, out: Path) -> bool:
    """Whether ``out`` holds a complete session of ``inp`` made with this face model."""
    from mimicry.core.assets import MODEL_SHA256  # noqa: PLC0415
    from mimicry.io.session import read_json  # noqa: PLC0415
    from mimicry.runtime.process import input_fingerprint  # noqa: PLC0415

    try:
        meta = read_json(out / "session.json")
    except (InputError, FileNotFoundError):
        return False
    if not isinstance(meta, dict) or meta.get("status") != "complete":
        return False
    if meta.get("model_sha256") != MODEL_SHA256 or not meta.get("input_sha256"):
        return False
    try:
        return meta["input_sha256"] == input_fingerprint(inp)
    except OSError:
        return False


def process_task(job: tuple) -> TaskOutcome:
    """One video of ``process --dask`` (runs on a worker)."""
    from mimicry.runtime.process import process_input  # noqa: PLC0415

    inp, out, events, faces, model, _progress, overwrite = job
    r = process_input(inp, out, events_path=events, faces=faces, model=model, progress=False,
                      overwrite=overwrite)
    return TaskOutcome(str(inp), "done", f"{r.n_frames} frames, face found in "
                                         f"{r.face_frames_pct:.1f}%, {r.fps:.0f} fps")


def analyze_task(job: tuple) -> TaskOutcome:
    """One session folder of ``analyze --dask`` (runs on a worker)."""
    from mimicry.runtime.analyze import analyze_any_folder  # noqa: PLC0415

    folder, seed, face_id = job
    _, written = analyze_any_folder(folder, seed=seed, face_id=face_id)
    return TaskOutcome(str(folder), "done", "wrote " + ", ".join(Path(p).name for p in written))


def outcome_table(outcomes: Sequence[TaskOutcome], what: str = "input") -> str:
    """The final table: one line per task, then the counts."""
    width = max([len(what)] + [len(o.name) for o in outcomes])
    lines = [f"{what:<{width}}  status   detail"]
    lines += [f"{o.name:<{width}}  {o.status:<7}  {o.detail}" for o in outcomes]
    counts = {s: sum(o.status == s for o in outcomes) for s in ("done", "skipped", "failed")}
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(lines)
