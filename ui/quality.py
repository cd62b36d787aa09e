"""The model-quality panel: figures READ from the published evaluation report, never typed in."""

from __future__ import annotations

import math

import streamlit as st

from huerevive.evaluation_report import load_evaluation_summary
from ui.i18n import t

# metric -> (decimals, which way is better)
METRICS: dict[str, tuple[int, str]] = {
    "psnr": (2, "quality.higher"),
    "ssim": (3, "quality.higher"),
    "lpips": (3, "quality.lower"),
    "fid": (1, "quality.lower"),
    "gray_tint": (1, "quality.closer"),
    "colourfulness": (1, "quality.closer"),
}


def fmt(value: object, decimals: int) -> str:
    """A number with fixed decimals; '–' when absent or not a finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "–"
    return f"{value:.{decimals}f}"


def quality_rows(report: dict, lang: str) -> list[dict[str, str]]:
    """One table row per metric: name, our model, plain grayscale, real photos (pure)."""
    summary = report.get("summary", {})
    model, gray, truth = summary.get("model", {}), summary.get("grayscale", {}), summary.get("truth", {})
    rows = []
    for name, (decimals, better) in METRICS.items():
        rows.append(
            {
                t("quality.metric", lang): t(f"quality.{name}", lang),
                t("quality.model", lang): fmt(model.get(name), decimals),
                t("quality.grayscale", lang): fmt(gray.get(name), decimals),
                t("quality.truth", lang): fmt(truth.get(name), decimals),
                t("quality.better", lang): t(better, lang),
            }
        )
    return rows


def quality_sentence(report: dict, lang: str) -> str:
    """A one-line summary for the home page (pure)."""
    summary = report.get("summary", {})
    model, gray = summary.get("model", {}), summary.get("grayscale", {})
    return t(
        "quality.short",
        lang,
        images=report.get("images", "?"),
        psnr=fmt(model.get("psnr"), 2),
        gray_psnr=fmt(gray.get("psnr"), 2),
        lpips=fmt(model.get("lpips"), 3),
        gray_lpips=fmt(gray.get("lpips"), 3),
    )


@st.cache_data(show_spinner=False, ttl=600)
def cached_summary() -> dict | None:
    """The evaluation summary (re-read at most every 10 minutes, so new weights' reports show up)."""
    return load_evaluation_summary()


def quality_panel(lang: str, short: bool = False) -> None:
    """Show the model's measured quality, or say there is no report."""
    st.subheader(t("quality.title", lang))
    report = cached_summary()
    if report is None:
        st.info(t("quality.none", lang))
        return
    if short:
        st.markdown(quality_sentence(report, lang))
        return
    st.markdown(t("quality.intro", lang, images=report.get("images", "?")))
    st.dataframe(quality_rows(report, lang), hide_index=True, width="stretch")
