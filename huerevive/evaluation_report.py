"""The published validation report that ships beside the weights (written by
``python -m training.evaluate --publish``), for the site and the docs to show.
"""

from __future__ import annotations

import json
from pathlib import Path

# Beside model_loading.DEFAULT_WEIGHTS; not imported from there so reading a
# small JSON file does not import torch.
REPORT_PATH = Path(__file__).resolve().parent / "weights" / "evaluation.json"


def load_evaluation_summary(path: str | Path | None = None) -> dict | None:
    """The parsed report JSON (schema: see ``training/evaluate.py``), or None.

    None when the file is absent, unreadable, not valid JSON or not a JSON
    object: a missing report must never break the page that shows it.
    """
    target = Path(path) if path is not None else REPORT_PATH
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None
