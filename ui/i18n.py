"""Bilingual (Korean / English) text for the site.

Every user-facing string lives in a module of ``ui.strings`` that exports
``STRINGS = {key: {"ko": ..., "en": ...}}``; they are merged here once.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from functools import lru_cache

import streamlit as st

import ui.strings as strings_pkg

LANGS: tuple[str, ...] = ("ko", "en")
DEFAULT_LANG = "ko"
LANG_KEY = "huerevive_lang"
_WIDGET_KEY = "huerevive_lang_widget"
LANG_NAMES = {"ko": "한국어", "en": "English"}


@lru_cache(maxsize=1)
def all_strings() -> dict[str, dict[str, str]]:
    """Every ``STRINGS`` dict from ``ui/strings/*.py`` merged; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(strings_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{strings_pkg.__name__}.{info.name}")
        table = getattr(module, "STRINGS", None)
        if table is None:
            continue
        clash = merged.keys() & table.keys()
        if clash:
            raise KeyError(f"ui.strings.{info.name} redefines keys {sorted(clash)}")
        merged.update(table)
    return merged


def t(key: str, lang: str, **fmt: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``fmt``; KeyError if either is missing."""
    if lang not in LANGS:
        raise KeyError(f"unknown language {lang!r} (expected one of {LANGS})")
    try:
        entry = all_strings()[key]
    except KeyError:
        raise KeyError(f"no UI string {key!r}") from None
    try:
        text = entry[lang]
    except KeyError:
        raise KeyError(f"UI string {key!r} has no {lang!r} text") from None
    return text.format(**fmt) if fmt else text


def default_lang() -> str:
    """``HUEREVIVE_LANG`` when it names a known language, else Korean."""
    env = os.environ.get("HUEREVIVE_LANG", "").strip().lower()
    return env if env in LANGS else DEFAULT_LANG


def current_lang() -> str:
    """This visitor's language (session state), defaulting to ``default_lang()``."""
    lang = st.session_state.get(LANG_KEY)
    if lang not in LANGS:
        lang = default_lang()
        st.session_state[LANG_KEY] = lang
    return lang


def _remember_choice() -> None:
    st.session_state[LANG_KEY] = st.session_state[_WIDGET_KEY]


def language_switch() -> str:
    """A language picker in the sidebar; returns the chosen language.

    The choice lives in ``LANG_KEY`` (plain session state), and the widget is
    re-seeded from it on every run, because Streamlit drops a widget's own
    state when the visitor moves to another page.
    """
    st.session_state[_WIDGET_KEY] = current_lang()
    st.sidebar.radio(
        "Language / 언어",
        LANGS,
        format_func=LANG_NAMES.__getitem__,
        key=_WIDGET_KEY,
        horizontal=True,
        on_change=_remember_choice,
    )
    return st.session_state[LANG_KEY]
