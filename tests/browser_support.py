"""Shared helpers for tests and benchmarks that drive a REAL site: a `streamlit run` server and headless Chromium.

Nothing here touches the network beyond localhost: Chromium is told that every
other host does not exist, so a page that tried to fetch from a CDN would break
visibly instead of silently working online.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # browser tests import the site's `ui` package (strings, widget keys) from the repo root
    sys.path.insert(0, str(REPO))

ARTIFACTS = REPO / "test-artifacts"  # screenshots and downloads a failing browser test leaves for a person
RESULT_TIMEOUT_MS = 180_000  # first colorization in a fresh server loads the model
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
CHROMIUM = Path(os.environ.get("HUEREVIVE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run` process and its base URL."""

    process: subprocess.Popen
    url: str
    log_path: Path

    def log(self) -> str:
        """Everything the server printed so far (for failure messages)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def rss_bytes(self) -> int:
        """Current resident memory of the server process (Linux /proc), 0 if unknown."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def peak_rss_bytes(self) -> int:
        """Peak resident memory of the server process so far (VmHWM), 0 if unknown."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {url} within {timeout:.0f} s")


@contextlib.contextmanager
def streamlit_server(
    log_dir: Path, env: dict[str, str] | None = None, timeout: float = 90.0, app: str = "streamlit_app.py"
) -> Iterator[Server]:
    """Start `streamlit run <app>` on a free localhost port; stop it (by pid) on exit."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    full_env = {**os.environ, **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", app,
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    try:
        _wait_healthy(server.url, process, timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def launch_chromium(playwright):  # noqa: ANN001, ANN201 - playwright's own types
    """Debian's Chromium, headless, with every non-localhost host unresolvable."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def wait_for_app_idle(page, timeout_ms: float = 120_000) -> None:  # noqa: ANN001
    """Wait until Streamlit has connected and finished running the script at least once."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning';
        }""",
        timeout=timeout_ms,
    )


# --- fixtures shared by the browser test modules (import them by name) -------


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    """Debian's Chromium; skipped in a fresh clone without it, a failure when CI=true."""
    if CHROMIUM.is_file():
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM}: install it with `apt-get install -y chromium`")
    pytest.skip(f"needs Debian's Chromium at {CHROMIUM} (`apt-get install -y chromium chromium-driver`)")


@pytest.fixture(scope="module")
def server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - yields a Server
    """One streamlit server per test module, English, its own cache folder, not in kiosk mode."""
    tmp = tmp_path_factory.mktemp("site")
    env = {"HUEREVIVE_LANG": "en", "HUEREVIVE_CACHE_DIR": str(tmp / "cache"), "HUEREVIVE_KIOSK": ""}
    with streamlit_server(tmp / "logs", env=env) as srv:
        yield srv
