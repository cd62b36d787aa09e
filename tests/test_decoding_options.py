"""training/decoding_options.py: export and evaluate refuse a bad coarse-look or neutral-fade option with the same words."""

from __future__ import annotations

import pytest

from training import evaluate
from training.export import main as export_main


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--context-size", "16", "context_size must be 0 (off) or at least 32 pixels, got 16"),
     ("--context-size", "288.0", "not a whole number of pixels: '288.0'"),
     ("--context-size", "-1", "got -1"),
     ("--context-share", "1.5", "context_share must be a number from 0 to 1, got 1.5"),
     ("--context-share", "nan", "got nan"),
     ("--context-share", "half", "not a number: 'half'"),
     ("--neutral-fade", "-1", "neutral_fade must be a number from 0 (off) to 4, got -1.0"),
     ("--neutral-fade", "some", "not a number: 'some'"),
     ("--chroma-gain", "3", "chroma_gain must be a number from 0.5 to 2 (1: off), got 3.0")],
)
def test_both_tools_refuse_a_bad_decoding_option_before_any_work(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture, tmp_path
) -> None:
    # The checkpoint paths do not exist: the refusal must come first, from the option alone.
    calls = (lambda: evaluate.parse_args(["--data", "x", option, value]),
             lambda: export_main([str(tmp_path / "in.pt"), str(tmp_path / "out.pt"), option, value]))
    for call in calls:
        with pytest.raises(SystemExit) as exc:
            call()
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert f"argument {option}: " in err and message in err
    assert not (tmp_path / "out.pt").exists()


@pytest.mark.parametrize(("option", "value", "parsed"), [("--context-size", "0", 0), ("--context-size", "256", 256),
                                                        ("--context-share", "0.35", 0.35), ("--context-share", "1", 1.0),
                                                        ("--neutral-fade", "0.5", 0.5), ("--chroma-gain", "1.08", 1.08)])
def test_usable_decoding_options_are_taken_as_given(option: str, value: str, parsed: float) -> None:
    args = evaluate.parse_args(["--data", "x", option, value])
    assert getattr(args, option[2:].replace("-", "_")) == parsed
