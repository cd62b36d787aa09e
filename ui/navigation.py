"""Where the site's page files live, in one place.

Streamlit 1.67 treats a folder named ``pages/`` beside the entrypoint as an
old-style (v1) multipage app until the entrypoint has run once in the server:
a visitor who deep-links to ``/colorize`` on a fresh server gets the page
without the entrypoint (no language switch, no footer, file-name navigation).
Renaming the folder (e.g. to ``app_pages``) and changing ``PAGES_DIR`` fixes
that; see tests/test_browser.py::test_deep_link_runs_the_entrypoint.
"""

from __future__ import annotations

PAGES_DIR = "pages"
PAGE_NAMES = ("home", "gallery", "colorize", "explainer", "about")


def page_file(name: str) -> str:
    """``'colorize'`` -> ``'pages/colorize.py'`` (relative to the repo root, as ``st.Page`` wants)."""
    if name not in PAGE_NAMES:
        raise KeyError(f"no site page {name!r}")
    return f"{PAGES_DIR}/{name}.py"
