"""Shared fixtures: paths, a running app, and headless Chromium with no internet."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `pytest` as well as `python -m pytest` finds the dashboard package
from benchmarks.local_servers import CHROMIUM, CHROMIUM_ARGS, start_streamlit as _start_streamlit  # noqa: E402

SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "tests" / "artifacts"


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def pytest_configure(config):
    """A run stopped with SIGTERM (a CI timeout, `kill`) ends like Ctrl-C: fixtures tear down,
    so the throwaway PostgreSQL and the app servers stop instead of outliving the run."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


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
    return _start_streamlit(root / "dashboard" / "app.py", root, extra_args, env_overrides)


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
