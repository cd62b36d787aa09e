"""Rooms in a collection: ``[[sections]]``, ``section`` per photo, ``hero``, and per-language era and place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from huerevive.collection import Collection, GalleryPhoto, Room, Section, load_collection

SECTIONS = """
[[sections]]
id = "streets"
title = { en = "Streets and markets", ko = "거리와 시장" }
description = { en = "Shops and carts.", ko = "가게와 수레." }

[[sections]]
id = "work"
title = { en = "People at work", ko = "일하는 사람들" }
"""


def _photo(photo_id: str, section: str | None = None, **extra: str) -> str:
    lines = [
        "[[photos]]",
        f'id = "{photo_id}"',
        f'file = "{photo_id}.png"',
        f'title = {{ en = "Photo {photo_id}" }}',
        'era = "1900s"',
        'place = ""',
        'story = { en = "A story." }',
        'credit = "Someone"',
        'licence = "CC0 1.0"',
        'source = "made for the test"',
        "in_training = false",
    ]
    if section is not None:
        lines.append(f'section = "{section}"')
    lines += [f"{key} = {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "coll"
    root.mkdir()
    for name in ("a", "b", "c", "d", "e"):
        Image.new("RGB", (8, 6), (90, 120, 200)).save(root / f"{name}.png")
    return root


def _load(folder: Path, text: str) -> Collection:
    (folder / "collection.toml").write_text(text, encoding="utf-8")
    return load_collection(folder)


def test_rooms_follow_the_order_of_sections_not_of_photos(folder: Path) -> None:
    coll = _load(folder, SECTIONS + _photo("a", "work") + _photo("b", "streets") + _photo("c") + _photo("d", "work")
                 + _photo("e", "streets"))
    assert coll.problems == []
    assert [s.id for s in coll.sections] == ["streets", "work"]
    rooms = coll.rooms()
    assert [r.section.id if r.section else None for r in rooms] == ["streets", "work", None]
    assert [[p.id for p in r.photos] for r in rooms] == [["b", "e"], ["a", "d"], ["c"]]
    # ``photos`` is the walking order: room after room, manifest order inside a room, unsorted last.
    assert [p.id for p in coll.photos] == ["b", "e", "a", "d", "c"]
    assert [p.section for p in coll.photos] == ["streets", "streets", "work", "work", None]
    streets = rooms[0]
    assert streets.text("title", "ko") == "거리와 시장" and streets.text("description", "en") == "Shops and carts."
    assert rooms[1].text("description", "ko") == ""  # no description given
    assert rooms[2].text("title", "en") == ""  # the unsorted room has no title of its own


def test_a_collection_without_sections_is_one_room_as_before(folder: Path) -> None:
    coll = _load(folder, _photo("b") + _photo("a"))
    assert coll.problems == [] and coll.sections == []
    assert [p.id for p in coll.photos] == ["b", "a"]  # manifest order kept
    (room,) = coll.rooms()
    assert room.section is None and [p.id for p in room.photos] == ["b", "a"]


def test_empty_sections_are_left_out_of_the_rooms(folder: Path) -> None:
    coll = _load(folder, SECTIONS + _photo("a", "work"))
    assert [r.section.id for r in coll.rooms()] == ["work"]
    assert [s.id for s in coll.sections] == ["streets", "work"]  # still declared


def test_empty_collection_has_no_rooms(folder: Path) -> None:
    assert _load(folder, SECTIONS).rooms() == []


def test_unknown_section_is_a_problem_and_the_photo_still_shows(folder: Path) -> None:
    coll = _load(folder, SECTIONS + _photo("a", "streets") + _photo("b", "stretes"))
    assert [p.id for p in coll.photos] == ["a", "b"]
    (problem,) = coll.problems
    assert problem.startswith("collection.toml, photos[1] (id 'b'): section 'stretes' is not an id of [[sections]]")
    assert "['streets', 'work']" in problem and "shown with the photos that have no section" in problem
    assert coll.get("b").section is None
    assert [r.section.id if r.section else None for r in coll.rooms()] == ["streets", None]


def test_section_on_a_photo_without_any_sections_declared(folder: Path) -> None:
    coll = _load(folder, _photo("a", "streets") + _photo("b"))
    assert len(coll.problems) == 1 and "section 'streets' is not an id of [[sections]] (declared: [])" in coll.problems[0]
    (room,) = coll.rooms()
    assert room.section is None and [p.id for p in room.photos] == ["a", "b"]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("7", "'section' must be non-empty text, not a number"),
        ('"Streets!"', "'section' 'Streets!' must be 1-64 characters"),
        ('""', "'section' must be non-empty text, not text"),
    ],
)
def test_malformed_section_value_skips_the_photo(folder: Path, section: str, message: str) -> None:
    text = SECTIONS + _photo("a").replace("in_training = false", f"in_training = false\nsection = {section}")
    coll = _load(folder, text + _photo("b", "work"))
    assert [p.id for p in coll.photos] == ["b"]
    (problem,) = coll.problems
    assert problem.startswith("collection.toml, photos[0] (id 'a')") and message in problem
    assert problem.endswith("; skipped")


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ('[[sections]]\nid = "x"\n', "collection.toml, sections[0]: missing required field(s) ['title']; skipped"),
        ('[[sections]]\nid = "X Y"\ntitle = { en = "x" }\n', "collection.toml, sections[0]: 'id' 'X Y' must be"),
        ('[[sections]]\nid = "x"\ntitle = { en = "x" }\ncolour = "red"\n', "unknown field(s) ['colour']"),
        ('[[sections]]\nid = "x"\ntitle = { fr = "x" }\n', "'title' has unknown language(s) ['fr']"),
        ('[[sections]]\nid = "x"\ntitle = { en = " " }\n', "'title' needs non-empty text in 'en' or 'ko'"),
        ('[[sections]]\nid = "x"\ntitle = { en = "x" }\n[[sections]]\nid = "x"\ntitle = { en = "y" }\n',
         "collection.toml, sections[1]: duplicate section id 'x'"),
        ('sections = "x"\n', "'sections' must be a list of tables, not text; no sections used"),
        ('sections = ["x"]\n', "collection.toml, sections[0]: must be a table/object, not text; skipped"),
    ],
)
def test_broken_sections_are_reported_not_raised(folder: Path, sections: str, message: str) -> None:
    coll = _load(folder, sections + _photo("a"))
    assert [p.id for p in coll.photos] == ["a"]
    assert any(message in problem for problem in coll.problems), coll.problems


def test_hero_names_a_photo_and_falls_back_to_the_first(folder: Path) -> None:
    coll = _load(folder, 'hero = "b"\n' + _photo("a") + _photo("b"))
    assert coll.problems == [] and coll.hero_id == "b" and coll.hero().id == "b"
    coll = _load(folder, _photo("a") + _photo("b"))
    assert coll.hero_id is None and coll.hero().id == "a"
    coll = _load(folder, 'hero = "zz"\n' + _photo("a"))
    assert coll.hero().id == "a"
    assert coll.problems == ["collection.toml: 'hero' 'zz' is not the id of a photo in this collection; "
                             "the first photo is used instead"]
    coll = _load(folder, "hero = 3\n" + _photo("a"))
    assert coll.hero().id == "a" and "'hero' a number is not the id" in coll.problems[0]
    assert _load(folder, "").hero() is None


def test_era_and_place_may_be_given_per_language(folder: Path) -> None:
    extra = _photo("a").replace('era = "1900s"', 'era = { en = "c. 1908", ko = "1908년경" }')
    extra = extra.replace('place = ""', 'place = { en = "Japan or Korea", ko = "일본 또는 한국" }')
    coll = _load(folder, extra + _photo("b").replace('era = "1900s"', "era = 1911"))
    assert coll.problems == []
    a, b = coll.photos
    assert (a.era, a.place) == ("c. 1908", "Japan or Korea")  # plain readers get the English text
    assert a.text("era", "ko") == "1908년경" and a.text("place", "ko") == "일본 또는 한국"
    assert a.text("era", "en") == "c. 1908"
    assert b.text("era", "ko") == b.text("era", "en") == "1911"  # plain text is the same in both languages
    with pytest.raises(ValueError, match="lang must be one of"):
        a.text("era", "fr")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("era", '{ de = "x" }', "'era' has unknown language(s) ['de']"),
        ("place", '{ en = 3 }', "'place.en' must be text, not a number"),
    ],
)
def test_bad_per_language_era_or_place_skips_the_photo(folder: Path, field: str, value: str, message: str) -> None:
    text = _photo("a").replace(f"{field} = " + ('"1900s"' if field == "era" else '""'), f"{field} = {value}")
    coll = _load(folder, text)
    assert coll.photos == []
    assert message in coll.problems[0]


def test_json_manifest_with_sections_matches_toml(folder: Path) -> None:
    toml_coll = _load(folder, 'hero = "b"\n' + SECTIONS + _photo("a", "work") + _photo("b", "streets"))
    (folder / "collection.toml").unlink()
    entry = {"file": "", "title": {"en": ""}, "era": "1900s", "place": "", "story": {"en": "A story."},
             "credit": "Someone", "licence": "CC0 1.0", "source": "made for the test", "in_training": False}
    data = {
        "hero": "b",
        "sections": [
            {"id": "streets", "title": {"en": "Streets and markets", "ko": "거리와 시장"},
             "description": {"en": "Shops and carts.", "ko": "가게와 수레."}},
            {"id": "work", "title": {"en": "People at work", "ko": "일하는 사람들"}},
        ],
        "photos": [
            {**entry, "id": "a", "file": "a.png", "title": {"en": "Photo a"}, "section": "work"},
            {**entry, "id": "b", "file": "b.png", "title": {"en": "Photo b"}, "section": "streets"},
        ],
    }
    (folder / "collection.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    json_coll = load_collection(folder)
    assert json_coll.problems == []
    assert json_coll.sections == toml_coll.sections and json_coll.hero_id == toml_coll.hero_id == "b"
    assert [p.id for p in json_coll.photos] == [p.id for p in toml_coll.photos] == ["b", "a"]


def test_folder_without_manifest_has_one_room(folder: Path) -> None:
    coll = load_collection(folder)
    (room,) = coll.rooms()
    assert room.section is None and len(room.photos) == 5 and coll.sections == []


def test_rooms_and_sections_are_plain_values() -> None:
    section = Section(id="s", title={"en": "S"}, description={})
    photo = GalleryPhoto(id="x", title={"en": "X"}, era="", place="", story={}, credit="c", licence="l", source="s",
                         image_path=Path("/a.png"), original_path=None, in_training=False, section="s")
    room = Room(section, (photo,))
    assert hash(section) == hash(Section(id="s", title={"ko": "에스"}, description={}))
    assert room.text("title", "ko") == "S" and room.photos[0].section == "s"
    with pytest.raises(ValueError, match="field must be one of"):
        room.text("story", "en")


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.sampled_from(["streets", "work", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "title", "en", "ko", "zz"]),
                                                                 inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sections=_values, hero=_values, photo_sections=st.lists(_values, min_size=3, max_size=3))
def test_loader_never_raises_and_rooms_partition_the_photos(folder: Path, sections, hero, photo_sections) -> None:
    entry = {"title": {"en": "T"}, "era": "", "place": "", "story": {"en": "S"}, "credit": "c", "licence": "l",
             "source": "s", "in_training": False}
    photos = [{**entry, "id": name, "file": f"{name}.png", "section": value}
              for name, value in zip("abc", photo_sections)]
    data = {"sections": sections, "hero": hero, "photos": photos}
    (folder / "collection.json").write_text(json.dumps(data), encoding="utf-8")
    coll = load_collection(folder)
    declared = {s.id for s in coll.sections}
    assert all(p.section is None or p.section in declared for p in coll.photos)
    assert [p.id for room in coll.rooms() for p in room.photos] == [p.id for p in coll.photos]
    assert all(room.photos for room in coll.rooms())
    assert coll.hero() is None or coll.hero() in coll.photos
    assert len(coll.photos) + sum("photos[" in line and "skipped" in line for line in coll.problems) == 3
