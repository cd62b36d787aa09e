"""Visitors' uploads never touch the disk, and one visitor never sees another's photo.

A real `streamlit run` server gets its own empty TMPDIR, HOME and cache
folder; a real browser uploads a photo; afterwards no file may have appeared
or changed in those folders or in the checkout, and a second visitor's page
shows no trace of the first visitor's upload.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser_support import CHROMIUM, launch_chromium, streamlit_server, wait_for_app_idle
from conftest import REPO
from ui.i18n import t

pytestmark = [pytest.mark.slow, pytest.mark.browser]

COMPARISON = '[data-testid="hr-comparison"]'
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
IGNORED_PARTS = {"__pycache__", ".git", ".pytest_cache", ".hypothesis", "test-artifacts", ".venv"}


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` (outside caches of the tooling) with its size and mtime."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in IGNORED_PARTS]
        for name in filenames:
            path = Path(dirpath, name)
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            files[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return files


def _changes(before: dict, after: dict) -> list[str]:
    return sorted(p for p in after if before.get(p) != after[p])


@pytest.mark.skipif(not CHROMIUM.is_file() and os.environ.get("CI") != "true", reason=f"needs Chromium at {CHROMIUM}")
def test_upload_leaves_no_file_and_no_trace_for_the_next_visitor(tmp_path: Path, photos_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    watched = {name: tmp_path / name for name in ("tmp", "home", "cache")}
    for folder in watched.values():
        folder.mkdir()
    env = {
        "TMPDIR": str(watched["tmp"]),
        "HOME": str(watched["home"]),
        "HUEREVIVE_CACHE_DIR": str(watched["cache"]),
        "HUEREVIVE_LANG": "en",
        "HUEREVIVE_KIOSK": "",
    }
    photo = sorted((photos_dir / "val").glob("*victoriaMemorial*"))[0]
    with streamlit_server(tmp_path / "logs", env=env) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            first = browser.new_context().new_page()
            first.goto(f"{server.url}/colorize")
            wait_for_app_idle(first)
            before = {name: _snapshot(path) for name, path in watched.items()}
            before_repo = _snapshot(REPO)

            first.locator(UPLOAD_INPUT).set_input_files(str(photo))
            first.wait_for_selector(f"{COMPARISON} img.hr-after", timeout=180_000)
            wait_for_app_idle(first)
            assert photo.name in first.content()

            for name, path in watched.items():
                assert _changes(before[name], _snapshot(path)) == [], f"upload wrote into {name}"
            assert _changes(before_repo, _snapshot(REPO)) == [], "upload wrote into the checkout"

            second = browser.new_context().new_page()
            second.goto(f"{server.url}/colorize")
            wait_for_app_idle(second)
            second.get_by_role("heading", name=t("colorize.title", "en")).wait_for()
            assert second.locator(f"{COMPARISON} img").count() == 0
            assert photo.name not in second.content()
        finally:
            browser.close()
