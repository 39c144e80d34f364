"""Shared fixtures: paths, a running app, and headless Chromium with no internet."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `pytest` as well as `python -m pytest` finds the dashboard package
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(env_overrides: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run dashboard/app.py` on a free loopback port; return the process and its URL."""
    from dashboard.assets import ensure_static_assets

    ensure_static_assets()  # as dashboard/run.sh does before starting the server
    return start_streamlit(ROOT, ["--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false"],
                           env_overrides)


def start_streamlit(root: Path, extra_args: list[str] | None = None,
                    env_overrides: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run dashboard/app.py` from ``root`` (so its .streamlit/config.toml applies), with only
    the flags a test needs (loopback, a free port, no browser, no file watcher) plus ``extra_args``."""
    port = _free_port()
    env = {**os.environ, **(env_overrides or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(root / "dashboard" / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", *(extra_args or [])],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{process.stdout.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    process, url = start_app()
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (tests/run.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def offline_page(browser):
    """A page that can reach only loopback: any other request is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.blocked_requests = []

    def route(route_request):
        url = route_request.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "data:", "blob:", "about:")):
            route_request.continue_()
        else:
            page.blocked_requests.append(url)
            route_request.abort()

    context.route("**/*", route)
    yield page
    context.close()


@pytest.fixture(scope="session")
def postgres_server():
    """One throwaway PostgreSQL + PostGIS server for the whole session (tests/postgres_server.py)."""
    from postgres_server import PostgresServer

    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def database_url(postgres_server, monkeypatch) -> str:
    """A fresh PostGIS database for one test, set as DASHBOARD_DATABASE_URL."""
    url = postgres_server.new_database()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    return url


@pytest.fixture
def imports_dir(tmp_path, monkeypatch) -> Path:
    """An empty imports folder on one machine (no database URL from the environment)."""
    folder = tmp_path / "imports"
    monkeypatch.setenv("DASHBOARD_IMPORTS_DIR", str(folder))
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    return folder


@pytest.fixture(params=["local", "postgis"])
def backend(request, imports_dir) -> str:
    """The store under test: GeoParquet + DuckDB on one machine, or PostGIS on a throwaway server."""
    if request.param == "postgis":
        request.getfixturevalue("database_url")
    return request.param
