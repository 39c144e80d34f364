"""What the browser tests and the browser benchmarks both start: Debian's Chromium with the flags
this offline machine needs, and `streamlit run` on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying hosts a closed network refuses.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_streamlit(script: Path, cwd: Path, extra_args: list[str] | None = None,
                    env_overrides: dict[str, str] | None = None,
                    stdout=subprocess.PIPE) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` from ``cwd`` (so its .streamlit/config.toml applies) on a free loopback
    port, with no browser and no file watcher, plus ``extra_args``; returns (process, url) once healthy."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", *(extra_args or [])],
        cwd=cwd, env={**os.environ, **(env_overrides or {})}, stdout=stdout, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"streamlit exited early:\n{output}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit ({script}) did not become healthy within 60 s")
