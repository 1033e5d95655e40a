"""Process a lab's session videos on a Slurm cluster with dask-jobqueue.

Run on the cluster's login node, inside the environment where mimicry is
installed (the compute nodes must see the same environment and the same
shared disk):

    pip install 'mimicry[dask]' dask-jobqueue
    python slurm_process.py /shared/study/videos /shared/study/sessions

It asks Slurm for worker jobs, starts a Dask scheduler here, and runs
``mimicry process VIDEOS... --out OUT --dask ADDRESS`` against it. Run it
again after a failure or a time limit: videos whose output is complete are
skipped. Adapt the queue, account and resources to your cluster.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dask_jobqueue import SLURMCluster

videos_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
videos = sorted(str(p) for p in videos_dir.glob("*.mp4"))

cluster = SLURMCluster(
    queue="normal",          # your partition
    account=None,            # your account, if the cluster needs one
    cores=1,                 # one video per worker at a time: MediaPipe uses ~1 core
    processes=1,
    memory="4GB",
    walltime="02:00:00",
)
cluster.scale(jobs=20)       # 20 worker jobs; or cluster.adapt(minimum=1, maximum=50)
try:
    rc = subprocess.call(["mimicry", "process", *videos, "--out", str(out_dir),
                          "--dask", cluster.scheduler_address])
finally:
    cluster.close()
sys.exit(rc)
