"""UI strings. Each module exports ``STRINGS = {key: {"ko": ..., "en": ...}}`` (merged by ``ui.i18n``)."""
