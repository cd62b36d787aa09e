"""Colorize: upload a photo (or pick a sample), see it in colour, fix a colour by tapping it, download the result."""

import streamlit as st

from huerevive.collection import default_collection_path
from ui.colorize_flow import (download_name, hinted_png, png_bytes, result_for, set_source, site_max_pixels,
                              source_from_upload)
from ui.comparison import image_comparison
from ui.gallery_source import cached_collection
from ui.hint_picker import active_hints, applied_note, hint_editor, hinted_view, mode_switch
from ui.i18n import current_lang, t
from ui.kiosk import kiosk_enabled
from ui.photo_errors import friendly_error
from ui.text import md_escape

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "bmp"]

lang = current_lang()
kiosk = kiosk_enabled()  # no upload and no settings on a public screen
st.title(t("colorize.title", lang))
st.markdown(t("colorize.intro", lang))

samples = cached_collection(str(default_collection_path())).photos
modes = ["sample"] if kiosk else ["upload", "sample"]
mode = st.radio(t("colorize.source", lang), modes, horizontal=True, key="hr_mode",
                format_func=lambda m: t(f"colorize.source_{m}", lang))

source = None
if mode == "upload":
    uploaded = st.file_uploader(t("colorize.upload_label", lang), type=UPLOAD_TYPES, key="hr_upload")
    st.caption(t("colorize.upload_help", lang, mb=st.get_option("server.maxUploadSize"),
                 mp=f"{site_max_pixels() / 1e6:g}"))
    source = source_from_upload(uploaded)
elif samples:
    photo = st.selectbox(t("colorize.sample_label", lang), samples, key="hr_sample",
                         format_func=lambda p: p.text("title", lang))
    source = set_source(f"sample:{photo.id}", photo.image_path.name, photo.image_path)
else:
    st.info(t("colorize.no_samples", lang))

saturation = 1.0 if kiosk else st.slider(
    t("colorize.saturation", lang), 0.0, 2.0, 1.0, 0.05, key="hr_saturation", help=t("colorize.saturation_help", lang))

if source is None:
    st.info(t("colorize.waiting", lang))
elif source.error is not None:
    st.error(friendly_error(source.error, lang, source.name, site_max_pixels()), icon=":material/error:")
    st.caption(md_escape(t("error.details", lang, reason=source.error.reason)))
else:
    with st.status(t("colorize.working", lang), expanded=False) as status:
        shown = result_for(source, saturation)
        status.update(label=t("colorize.done", lang, seconds=f"{shown.seconds:.1f}"), state="complete")
    fixing = False if kiosk else mode_switch(lang)  # "fix a colour": not on a public screen
    hints = () if kiosk else active_hints(source)
    hinted = hinted_view(source, saturation, hints, lang)
    after = hinted.after_small if hinted else shown.after_small
    if fixing:
        hint_editor(source, after, lang)
    else:
        image_comparison(shown.before_small, after, t("common.before", lang), t("common.after", lang), key="colorize")
        applied_note(hinted.hints if hinted else (), lang)
    st.caption(t("colorize.time", lang, seconds=f"{shown.seconds:.1f}",
                 width=shown.full.width, height=shown.full.height))
    if hinted:
        st.caption(t("hints.time", lang, seconds=f"{hinted.seconds:.2f}"))
    st.caption(t("colorize.note", lang))
    png = hinted_png(source, saturation, hinted.hints) if hinted else lambda: png_bytes(shown.full)
    st.download_button(t("colorize.download", lang), data=png, file_name=download_name(source.name),
                       mime="image/png", on_click="ignore", icon=":material/download:", type="primary")
