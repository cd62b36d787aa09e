"""Guards for the test configuration itself."""

import subprocess
import sys

from conftest import REPO


def test_empty_selection_fails_loudly() -> None:
    """pytest exits non-zero (5) when nothing is collected, so a broken suite cannot pass quietly."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-k", "no_test_has_this_name_xyz", "tests/test_collected.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 5, proc.stdout + proc.stderr
