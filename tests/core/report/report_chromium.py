"""Open a page in headless Chromium with the network blocked, screenshot it, list its requests.

Debian's ``chromium`` package. Every request goes to a dead proxy and every
host name resolves to nothing, so a page that needs the network renders
broken; Chromium's net log records what the page asked for anyway. Requests
Chromium makes for itself (update checks, ...) carry the initiator "not an
origin" and are ignored; anything the page started has its origin (``null``
for a ``file://`` page).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

BLOCK_NETWORK = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                 "--host-resolver-rules=MAP * ~NOTFOUND")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(page: Path, png: Path, width: int = 1200, height: int = 2400,
               timeout_s: float = 90.0) -> list[str]:
    """Screenshot ``page`` into ``png``; return the URLs the page requested (not file:/data:)."""
    exe = chromium()
    if exe is None:
        raise FileNotFoundError("chromium is not installed")
    work = png.parent / (png.stem + "_chromium")
    work.mkdir(parents=True, exist_ok=True)
    netlog = work / "netlog.json"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-default-apps", "--disable-breakpad",
           f"--user-data-dir={work / 'profile'}", *BLOCK_NETWORK, f"--log-net-log={netlog}",
           f"--window-size={width},{height}", f"--screenshot={png}", page.resolve().as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
    if not png.is_file():
        raise RuntimeError(f"chromium wrote no screenshot: {' '.join(cmd)}")
    return page_requests(netlog)


def page_requests(netlog: Path) -> list[str]:
    """URLs (other than file: and data:) whose request a page initiated, from a net log."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for e in log["events"]:
        p = e.get("params") or {}
        if names.get(e["type"]) != "URL_REQUEST_START_JOB" or "url" not in p:
            continue
        if p.get("initiator") == "not an origin":  # Chromium's own background requests
            continue
        if not p["url"].startswith(("file:", "data:")):
            urls.append(p["url"])
    return urls
