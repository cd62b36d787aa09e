"""Showing text that comes from outside the code (gallery manifests, file names) as plain text."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'])")


def md_escape(text: str) -> str:
    """Backslash-escape every Markdown/HTML-significant character so ``st.markdown`` shows it literally.

    Newlines become Markdown line breaks; nothing in ``text`` can format,
    link, embed or execute.
    """
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
