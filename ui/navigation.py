"""Where the site's page files live, in one place.

The folder is ``app_pages/``, not ``pages/``: Streamlit 1.67 treats a folder
named ``pages/`` beside the entrypoint as an old-style (v1) multipage app
until the entrypoint has run once in the server, so a visitor who deep-links
to ``/colorize`` on a fresh server would get the page without the entrypoint
(no language switch, no footer, file-name navigation); see
tests/test_browser.py::test_deep_link_runs_the_entrypoint.
"""

from __future__ import annotations

PAGES_DIR = "app_pages"
PAGE_NAMES = ("home", "gallery", "colorize", "explainer", "about")


def page_file(name: str) -> str:
    """``'colorize'`` -> ``'app_pages/colorize.py'`` (relative to the repo root, as ``st.Page`` wants)."""
    if name not in PAGE_NAMES:
        raise KeyError(f"no site page {name!r}")
    return f"{PAGES_DIR}/{name}.py"
