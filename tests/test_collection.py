"""Manifest parsing for gallery collections: valid, broken and hostile manifests, and folders without one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from huerevive.collection import (
    MAX_MANIFEST_BYTES,
    MAX_STORY_CHARS,
    UNKNOWN_CREDIT,
    Collection,
    GalleryPhoto,
    collection_path_from_env,
    default_collection_path,
    load_collection,
)
from conftest import REPO


def _image(path: Path, size: tuple[int, int] = (8, 6), colour: tuple[int, int, int] = (90, 120, 200)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


def _entry(photo_id: str = "harbour", file: str = "harbour.png", **changes: object) -> dict:
    entry = {
        "id": photo_id,
        "file": file,
        "title": {"en": "The harbour", "ko": "항구"},
        "era": 1923,
        "place": "Busan",
        "story": {"en": "Boats at dawn.", "ko": "새벽의 배들."},
        "credit": "Town archive",
        "licence": "CC0 1.0",
        "source": "https://example.org/1923",
        "in_training": False,
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not _DROP}


_DROP = object()


def _toml_value(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # JSON strings and numbers are valid TOML


def _write_toml(root: Path, entries: list[dict], top: str = "") -> Path:
    lines = [top]
    for entry in entries:
        lines.append("[[photos]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in entry.items()]
    (root / "collection.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A collection folder with two small images, no manifest yet."""
    root = tmp_path / "coll"
    _image(root / "harbour.png")
    _image(root / "harbour_colour.png")
    _image(root / "market.jpg", size=(10, 4))
    return root


def _only_problem(collection: Collection) -> str:
    assert len(collection.problems) == 1, collection.problems
    return collection.problems[0]


# --- valid manifests -------------------------------------------------------------------------


def test_valid_manifest_loads_every_field(folder: Path) -> None:
    top = 'title = { en = "Harbour town", ko = "항구 마을" }\ndescription = { en = "Lent by the archive." }\n'
    _write_toml(
        folder,
        [
            _entry(original="harbour_colour.png"),
            _entry("market-1950", "market.jpg", era="1950s", in_training=True, story={"ko": "시장."}),
        ],
        top,
    )
    coll = load_collection(folder)
    assert coll.problems == []
    assert coll.root == folder.resolve()
    assert coll.title == {"en": "Harbour town", "ko": "항구 마을"}
    assert coll.text("description", "ko") == "Lent by the archive."  # falls back to English
    assert [p.id for p in coll.photos] == ["harbour", "market-1950"]
    harbour, market = coll.photos
    assert harbour.image_path == folder.resolve() / "harbour.png"
    assert harbour.original_path == folder.resolve() / "harbour_colour.png"
    assert harbour.era == "1923"  # a year becomes text
    assert harbour.title == {"en": "The harbour", "ko": "항구"}
    assert (harbour.place, harbour.credit, harbour.licence) == ("Busan", "Town archive", "CC0 1.0")
    assert harbour.source == "https://example.org/1923"
    assert harbour.in_training is False and harbour.has_truth
    assert market.original_path is None and market.in_training is True and not market.has_truth
    assert market.era == "1950s"
    assert coll.get("market-1950") is market and coll.get("nope") is None


def test_text_falls_back_to_the_other_language(folder: Path) -> None:
    _write_toml(folder, [_entry(title={"ko": "항구"}, story={"en": "Boats.", "ko": ""})])
    photo = load_collection(folder).photos[0]
    assert photo.text("title", "en") == "항구"
    assert photo.text("title", "ko") == "항구"
    assert photo.text("story", "ko") == "Boats."  # empty Korean counts as missing
    with pytest.raises(ValueError, match="field must be one of"):
        photo.text("credit", "en")
    with pytest.raises(ValueError, match="lang must be one of"):
        photo.text("title", "fr")


def test_photos_are_hashable_and_frozen(folder: Path) -> None:
    _write_toml(folder, [_entry()])
    photo = load_collection(folder).photos[0]
    assert photo in {photo}
    with pytest.raises(AttributeError):
        photo.id = "other"  # type: ignore[misc]


def test_json_manifest_gives_the_same_collection_as_toml(folder: Path, tmp_path: Path) -> None:
    entries = [_entry(original="harbour_colour.png"), _entry("market", "market.jpg", era="c. 1950")]
    _write_toml(folder, entries, 'title = { en = "T", ko = "ㅌ" }')
    from_toml = load_collection(folder)
    (folder / "collection.toml").unlink()
    (folder / "collection.json").write_text(
        json.dumps({"title": {"en": "T", "ko": "ㅌ"}, "photos": entries}, ensure_ascii=False), encoding="utf-8"
    )
    from_json = load_collection(folder)
    assert from_json.problems == [] and from_toml.problems == []
    assert from_json.photos == from_toml.photos
    assert from_json.title == from_toml.title


def test_toml_wins_over_json_and_the_json_is_reported(folder: Path) -> None:
    _write_toml(folder, [_entry()])
    (folder / "collection.json").write_text(json.dumps({"photos": []}), encoding="utf-8")
    coll = load_collection(folder)
    assert [p.id for p in coll.photos] == ["harbour"]
    assert "collection.json: ignored because collection.toml is also present" in _only_problem(coll)


def test_symlink_pointing_inside_the_folder_is_allowed(folder: Path) -> None:
    os.symlink(folder / "harbour.png", folder / "alias.png")
    _write_toml(folder, [_entry(file="alias.png")])
    coll = load_collection(folder)
    assert coll.problems == []
    assert coll.photos[0].image_path == folder.resolve() / "harbour.png"


# --- broken entries: each is skipped with one problem line, the good entry still loads ----------


def _missing(field: str) -> dict:
    return {field: _DROP}


BROKEN = [
    pytest.param(_missing("credit"), "missing required field(s) ['credit']", id="missing-credit"),
    pytest.param(_missing("in_training"), "missing required field(s) ['in_training']", id="missing-in-training"),
    pytest.param(_missing("story"), "missing required field(s) ['story']", id="missing-story"),
    pytest.param({"file": "gone.png"}, "'file' 'gone.png' does not exist", id="missing-file"),
    pytest.param({"original": "gone.png"}, "'original' 'gone.png' does not exist", id="missing-original"),
    pytest.param({"file": "notes.png"}, "'file' 'notes.png' is not a readable image", id="not-an-image"),
    pytest.param({"file": "empty.png"}, "'file' 'empty.png' is not a readable image", id="empty-file"),
    pytest.param({"file": "sub"}, "'file' 'sub' is not a file", id="folder-as-file"),
    pytest.param({"original": "market.jpg"}, "'original' is 10x4 but 'file' is 8x6", id="original-other-size"),
    pytest.param({"title": "The harbour"}, "'title' must be a table with 'en' and/or 'ko' text, not text", id="title-str"),
    pytest.param({"title": {"en": 5}}, "'title.en' must be text, not a number", id="title-int"),
    pytest.param({"title": {"en": " ", "ko": ""}}, "'title' needs non-empty text", id="title-blank"),
    pytest.param({"story": {"fr": "Bateaux."}}, "'story' has unknown language(s) ['fr']", id="story-lang"),
    pytest.param({"credit": ""}, "'credit' must not be empty", id="credit-empty"),
    pytest.param({"licence": ["CC0"]}, "'licence' must be text, not a list", id="licence-list"),
    pytest.param({"source": {"url": "x"}}, "'source' must be text, not a table", id="source-table"),
    pytest.param({"place": 3}, "'place' must be text, not a number", id="place-int"),
    pytest.param({"era": 1923.5}, "'era' must be a year or text, not a number", id="era-float"),
    pytest.param({"era": True}, "'era' must be a year or text, not a boolean", id="era-bool"),
    pytest.param({"in_training": "no"}, "'in_training' must be true or false, not text", id="in-training-str"),
    pytest.param({"id": "Harbour"}, "'id' 'Harbour' must be 1-64 characters of a-z", id="id-uppercase"),
    pytest.param({"id": "a b"}, "'id' 'a b' must be 1-64 characters", id="id-space"),
    pytest.param({"id": "x" * 65}, "must be 1-64 characters", id="id-too-long"),
    pytest.param({"id": 7}, "'id' must be non-empty text, not a number", id="id-int"),
    pytest.param({"orignal": "harbour_colour.png"}, "unknown field(s) ['orignal']", id="typo-field"),
]


@pytest.mark.parametrize(("changes", "message"), BROKEN)
def test_broken_entry_is_skipped_and_named(folder: Path, changes: dict, message: str) -> None:
    (folder / "notes.png").write_text("just some notes", encoding="utf-8")
    (folder / "empty.png").write_bytes(b"")
    (folder / "sub").mkdir()
    _write_toml(folder, [_entry("good", "market.jpg"), _entry("bad", **changes)])
    coll = load_collection(folder)
    assert [p.id for p in coll.photos] == ["good"]
    problem = _only_problem(coll)
    assert problem.startswith("collection.toml, photos[1]")
    assert message in problem
    assert problem.endswith("; skipped")


def test_duplicate_id_keeps_the_first(folder: Path) -> None:
    _write_toml(folder, [_entry("same", "harbour.png"), _entry("same", "market.jpg")])
    coll = load_collection(folder)
    assert [p.image_path.name for p in coll.photos] == ["harbour.png"]
    assert "photos[1] (id 'same'): duplicate id 'same'" in _only_problem(coll)


def test_entry_that_is_not_a_table(folder: Path) -> None:
    (folder / "collection.json").write_text(json.dumps({"photos": [_entry(), "harbour.png", 3]}), encoding="utf-8")
    coll = load_collection(folder)
    assert [p.id for p in coll.photos] == ["harbour"]
    assert coll.problems == [
        "collection.json, photos[1]: must be a table/object, not text; skipped",
        "collection.json, photos[2]: must be a table/object, not a number; skipped",
    ]


def test_bad_collection_title_is_reported_and_photos_still_load(folder: Path) -> None:
    _write_toml(folder, [_entry()], 'title = "Harbour"\nowner = "me"')
    coll = load_collection(folder)
    assert coll.title == {} and [p.id for p in coll.photos] == ["harbour"]
    assert any("unknown top-level field(s) ['owner']" in p for p in coll.problems)
    assert any("collection 'title' must be a table" in p for p in coll.problems)


# --- hostile paths and values --------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A real image just outside the collection folder, so escapes would find something."""
    return _image(tmp_path / "secret.png")


def test_parent_path_escape_is_refused(folder: Path, outside: Path) -> None:
    _write_toml(folder, [_entry(file="../secret.png"), _entry("b", file="sub/../../secret.png")])
    (folder / "sub").mkdir()
    coll = load_collection(folder)
    assert coll.photos == []
    assert len(coll.problems) == 2
    assert all("points outside the collection folder" in p for p in coll.problems)


def test_absolute_path_is_refused(folder: Path, outside: Path) -> None:
    _write_toml(folder, [_entry(file=str(outside)), _entry("b", file=str(folder / "harbour.png"))])
    coll = load_collection(folder)
    assert coll.photos == []  # even an absolute path into the folder: manifests must be relocatable
    assert all("is an absolute path" in p for p in coll.problems) and len(coll.problems) == 2


def test_symlink_escaping_the_folder_is_refused(folder: Path, outside: Path) -> None:
    os.symlink(outside, folder / "innocent.png")
    os.symlink(outside.parent, folder / "door")
    _write_toml(folder, [_entry(file="innocent.png"), _entry("b", file="door/secret.png"), _entry("c", original="innocent.png")])
    coll = load_collection(folder)
    assert coll.photos == []
    assert len(coll.problems) == 3
    assert all("points outside the collection folder" in p for p in coll.problems)


def test_symlink_loop_is_reported_not_raised(folder: Path) -> None:
    os.symlink(folder / "loop.png", folder / "loop.png")
    _write_toml(folder, [_entry(file="loop.png")])
    coll = load_collection(folder)
    assert coll.photos == []
    assert "'file' 'loop.png' cannot be opened" in _only_problem(coll)


def test_nul_byte_in_path_is_refused(folder: Path) -> None:
    (folder / "collection.toml").write_text(
        "[[photos]]\n" + "\n".join(f"{k} = {_toml_value(v)}" for k, v in _entry().items() if k != "file")
        + '\nfile = "harbour.png\\u0000.txt"\n',
        encoding="utf-8",
    )
    coll = load_collection(folder)
    assert coll.photos == []
    assert "contains a NUL character" in _only_problem(coll)


def test_huge_values_are_refused_with_a_short_message(folder: Path) -> None:
    huge = "x" * 500_000  # three of these stay under the 2 MB manifest limit
    _write_toml(
        folder,
        [
            _entry("a", story={"en": huge}),
            _entry("b", credit=huge),
            _entry("c", era=10**30),
            _entry("d", file=huge),
            _entry("ok", story={"en": "y" * MAX_STORY_CHARS}),
        ],
    )
    coll = load_collection(folder)
    assert [p.id for p in coll.photos] == ["ok"]
    assert len(coll.problems) == 4
    assert "'story.en' is 500000 characters, above the limit of 4000" in coll.problems[0]
    assert "'credit' is 500000 characters" in coll.problems[1]
    assert "'era' year" in coll.problems[2] and "out of range" in coll.problems[2]
    assert "'file' is 500000 characters" in coll.problems[3]
    assert all(len(p) < 300 for p in coll.problems)  # a hostile value never floods the list


def test_oversized_manifest_is_refused_whole(folder: Path) -> None:
    (folder / "collection.json").write_text(" " * (MAX_MANIFEST_BYTES + 1) + "{}", encoding="utf-8")
    coll = load_collection(folder)
    assert coll.photos == []
    assert "above the limit" in _only_problem(coll)


# --- broken manifest files: one problem line, empty collection, no exception -------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("collection.toml", b'[[photos]]\nid = "a"\nfile = \n', "collection.toml: cannot be parsed (Invalid value"),
        ("collection.toml", b"title = 1\ntitle = 2\n", "collection.toml: cannot be parsed"),
        ("collection.json", b'{"photos": [', "collection.json: cannot be parsed (Expecting value"),
        ("collection.json", b"[1, 2]", "collection.json: top level must be a table/object, not a list"),
        ("collection.json", b"\xff\xfe\x00", "collection.json: is not UTF-8 text"),
        ("collection.json", b"[" * 100_000 + b"]" * 100_000, "collection.json: cannot be read (RecursionError"),
        ("collection.json", b'{"photos": {"id": "a"}}', "'photos' must be a list of tables, not a table"),
    ],
    ids=["toml-syntax", "toml-duplicate-key", "json-syntax", "json-list", "not-utf8", "json-deep", "photos-not-list"],
)
def test_unparseable_manifest_gives_empty_collection(folder: Path, name: str, content: bytes, message: str) -> None:
    (folder / name).write_bytes(content)
    coll = load_collection(folder)
    assert coll.photos == []
    assert message in _only_problem(coll)


def test_missing_folder_gives_empty_collection(tmp_path: Path) -> None:
    coll = load_collection(tmp_path / "nowhere")
    assert coll.photos == []
    assert "collection folder cannot be opened" in _only_problem(coll)
    _image(tmp_path / "file.png")
    assert "is not a folder" in _only_problem(load_collection(tmp_path / "file.png"))


# --- folders without a manifest -----------------------------------------------------------------


def test_folder_without_manifest_lists_images_by_name(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "box"
    _image(root / "Old Street_1920.jpg")
    _image(root / "a-b.png")
    _image(root / "a b.PNG")
    _image(root / ".hidden.png")
    (root / "notes.txt").write_text("not a photo", encoding="utf-8")
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    os.symlink(outside, root / "escape.png")
    coll = load_collection(root)
    assert [p.image_path.name for p in coll.photos] == ["Old Street_1920.jpg", "a b.PNG", "a-b.png"]
    assert [p.id for p in coll.photos] == ["old-street_1920", "a-b", "a-b-2"]
    assert coll.photos[0].title == {"en": "Old Street 1920", "ko": "Old Street 1920"}
    for photo in coll.photos:
        assert photo.credit == UNKNOWN_CREDIT and photo.licence == UNKNOWN_CREDIT
        assert photo.original_path is None and photo.image_path.parent == root.resolve()
        assert photo.source == f"box/{photo.image_path.name}"
    assert len(coll.problems) == 3
    assert "no collection.toml or collection.json" in coll.problems[0]
    assert coll.problems[1].startswith("broken.png:") and "not a readable image" in coll.problems[1]
    assert coll.problems[2].startswith("escape.png:") and "points outside" in coll.problems[2]


def test_historical_folder_loads_without_manifest(historical_dir: Path) -> None:
    coll = load_collection(historical_dir)
    images = sorted(p for p in historical_dir.iterdir() if p.suffix.lower() == ".png")
    assert len(images) == 100
    assert [p.image_path for p in coll.photos] == [p.resolve() for p in images]
    assert len({p.id for p in coll.photos}) == 100
    assert all(p.credit == UNKNOWN_CREDIT and p.original_path is None for p in coll.photos)
    assert all(p.text("title", "ko") for p in coll.photos)
    assert coll.problems == [
        "historical: no collection.toml or collection.json; photos are listed by file name "
        "and their credit and licence are unknown"
    ]


# --- where the collection comes from ----------------------------------------------------------


def test_default_and_env_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert default_collection_path() == REPO / "gallery" / "default"
    monkeypatch.delenv("HUEREVIVE_COLLECTION", raising=False)
    assert collection_path_from_env() == default_collection_path()
    monkeypatch.setenv("HUEREVIVE_COLLECTION", "")
    assert collection_path_from_env() == default_collection_path()
    monkeypatch.setenv("HUEREVIVE_COLLECTION", str(tmp_path))
    assert collection_path_from_env() == tmp_path


def test_gallery_photo_is_a_plain_dataclass() -> None:
    photo = GalleryPhoto(
        id="x", title={"en": "X"}, era="", place="", story={}, credit="c", licence="l", source="s",
        image_path=Path("/a.png"), original_path=None, in_training=False,
    )
    assert photo.text("story", "en") == "" and photo.text("title", "ko") == "X"


# --- no input makes the loader raise ------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_hostile_paths = st.sampled_from(
    ["../secret.png", "/etc/passwd", "sub/../../secret.png", "harbour.png\x00", "", ".", "sub", "harbour.png", "C:\\x.png"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.dictionaries(
        st.sampled_from(["id", "file", "original", "title", "story", "era", "credit", "in_training", "extra"]),
        _json_values | _hostile_paths,
        max_size=3,
    )
)
def test_loader_never_raises_and_never_leaves_the_folder(folder: Path, outside: Path, changes: dict) -> None:
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "collection.json").write_text(json.dumps({"photos": [_entry(**changes)]}), encoding="utf-8")
    coll = load_collection(folder)
    assert len(coll.photos) + len(coll.problems) == 1  # each entry either loads or is explained
    root = folder.resolve()
    for photo in coll.photos:
        assert photo.image_path.is_relative_to(root) and photo.image_path.is_file()
        assert photo.original_path is None or photo.original_path.is_relative_to(root)
        assert all(isinstance(v, str) for v in (*photo.title.values(), *photo.story.values(), photo.era, photo.credit))
