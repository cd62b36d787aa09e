"""Gallery collections: a folder of photos described by ``collection.toml`` (or ``.json``).

The manifest format is documented in ``gallery/README.md``. Loading never
raises for bad content: every entry that cannot be shown safely (missing or
non-image file, bad or missing field, duplicate id, a path that leaves the
folder) is skipped and explained in ``Collection.problems``, so one typo does
not take a kiosk down. A folder without any manifest still loads, one photo
per image file, with its credit marked as unknown.

No Streamlit here: the site's pages turn a ``Collection`` into widgets.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from huerevive.image_input import DEFAULT_MAX_PIXELS, SUPPORTED_FORMATS

MANIFEST_NAMES = ("collection.toml", "collection.json")
DEFAULT_COLLECTION = Path(__file__).resolve().parent.parent / "gallery" / "default"
COLLECTION_ENV = "HUEREVIVE_COLLECTION"
LANGUAGES = ("en", "ko")
TEXT_FIELDS = ("title", "story", "era", "place")
UNKNOWN_CREDIT = "not stated – see the collection's owner"
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"})

# Limits keep a hostile or mistaken manifest from exhausting memory or the page layout.
MAX_MANIFEST_BYTES = 2_000_000
MAX_PHOTOS = 5_000
MAX_STORY_CHARS = 4_000
MAX_FIELD_CHARS = 1_000
MAX_ID_CHARS = 64
_ID_PATTERN = re.compile(r"[a-z0-9_-]+")

_REQUIRED = ("id", "file", "title", "era", "place", "story", "credit", "licence", "source", "in_training")
_OPTIONAL = ("original", "section")
_KNOWN_PHOTO_KEYS = frozenset(_REQUIRED + _OPTIONAL)
_KNOWN_TOP_KEYS = frozenset({"title", "description", "photos", "sections", "hero"})
_KNOWN_SECTION_KEYS = frozenset({"id", "title", "description"})
MAX_SECTIONS = 100


@dataclass(frozen=True)
class GalleryPhoto:
    """One gallery photo with its credits; paths are absolute and inside the collection folder."""

    id: str
    title: dict[str, str]
    era: str
    place: str
    story: dict[str, str]
    credit: str
    licence: str
    source: str
    image_path: Path
    original_path: Path | None
    in_training: bool
    section: str | None = None  # id of its room (a ``[[sections]]`` entry), None when it has none
    # Per-language era and place, when the manifest gives them as {en, ko} tables; then ``era`` and
    # ``place`` hold the English text (or the only one), so plain-text readers still get a value.
    era_text: dict[str, str] = field(default_factory=dict)
    place_text: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        # The text dicts are unhashable; id and path identify a photo well enough.
        return hash((self.id, self.image_path))

    @property
    def has_truth(self) -> bool:
        """True when a colour original may be shown: one exists and the model never trained on it."""
        return self.original_path is not None and not self.in_training

    def text(self, field: str, lang: str) -> str:
        """``title``, ``story``, ``era`` or ``place`` in ``lang`` ('en' or 'ko'), else the other language's, else ''.

        ``era`` and ``place`` given as plain text are the same in both languages.
        """
        _check_field(field, TEXT_FIELDS, lang)
        if field in ("era", "place"):
            return _pick(getattr(self, f"{field}_text") or {lang: getattr(self, field)}, lang)
        return _pick(getattr(self, field), lang)


@dataclass(frozen=True)
class Section:
    """One room of a collection, declared in the manifest's ``[[sections]]``."""

    id: str
    title: dict[str, str]
    description: dict[str, str]

    def __hash__(self) -> int:
        return hash(self.id)

    def text(self, field: str, lang: str) -> str:
        """``title`` or ``description`` in ``lang`` with fallback to the other language, else ''."""
        return _text_in(self, field, ("title", "description"), lang)


@dataclass(frozen=True)
class Room:
    """A section and its photos in manifest order; ``section`` is None for the photos without one."""

    section: Section | None
    photos: tuple[GalleryPhoto, ...]

    def text(self, field: str, lang: str) -> str:
        """The section's ``title`` or ``description`` in ``lang``; '' for the room of unsorted photos."""
        return self.section.text(field, lang) if self.section is not None else ""


@dataclass
class Collection:
    """A loaded collection: the photos that passed every check, and one line per problem found.

    ``photos`` is in room order when the manifest declares ``sections``;
    ``hero_id`` is the manifest's ``hero`` (None when not given or not valid).
    """

    root: Path
    title: dict[str, str]
    description: dict[str, str]
    photos: list[GalleryPhoto]
    problems: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    hero_id: str | None = None

    def get(self, photo_id: str) -> GalleryPhoto | None:
        """The photo with this id, or None."""
        return next((p for p in self.photos if p.id == photo_id), None)

    def rooms(self) -> list[Room]:
        """The photos grouped into rooms, in walking order; empty rooms are left out.

        Rooms follow the order of ``[[sections]]``; photos without a section
        form one last room whose ``section`` is None. A collection without
        sections is a single such room holding every photo (or no room at all
        when it has no photos).
        """
        rooms = [Room(s, tuple(p for p in self.photos if p.section == s.id)) for s in self.sections]
        rest = tuple(p for p in self.photos if p.section is None)
        return [r for r in rooms if r.photos] + ([Room(None, rest)] if rest else [])

    def hero(self) -> GalleryPhoto | None:
        """The photo the manifest names as ``hero`` (for the home page), else the first photo, else None."""
        return (self.get(self.hero_id) if self.hero_id else None) or (self.photos[0] if self.photos else None)

    def text(self, field: str, lang: str) -> str:
        """Collection ``title`` or ``description`` in ``lang`` with fallback to the other language."""
        return _text_in(self, field, ("title", "description"), lang)


def _text_in(obj: object, field: str, fields: tuple[str, ...], lang: str) -> str:
    """``obj.<field>[lang]``, else the other language's text, else ''; ValueError for a bad field or lang."""
    _check_field(field, fields, lang)
    return _pick(getattr(obj, field), lang)


def _check_field(field: str, fields: tuple[str, ...], lang: str) -> None:
    if field not in fields:
        raise ValueError(f"field must be one of {fields}, got {field!r}")
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")


def _pick(values: dict[str, str], lang: str) -> str:
    other = LANGUAGES[1 - LANGUAGES.index(lang)]
    return values.get(lang) or values.get(other) or ""


class _EntryError(Exception):
    """One manifest entry is unusable; the message says why."""


def default_collection_path() -> Path:
    """``<repo>/gallery/default``: the embedded collection that works offline with no set-up."""
    return DEFAULT_COLLECTION


def collection_path_from_env() -> Path:
    """The folder named by ``$HUEREVIVE_COLLECTION``, or the default collection when unset or empty."""
    value = os.environ.get(COLLECTION_ENV, "").strip()
    return Path(value).expanduser() if value else default_collection_path()


def load_collection(root: str | Path) -> Collection:
    """Load the collection in folder ``root``; never raises for bad content (see ``problems``)."""
    root_path = Path(root).expanduser()
    try:
        resolved = root_path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as exc:
        return _empty(root_path, f"{root_path}: collection folder cannot be opened ({exc})")
    if not resolved.is_dir():
        return _empty(resolved, f"{resolved}: is not a folder")

    manifests = [resolved / name for name in MANIFEST_NAMES if (resolved / name).is_file()]
    if not manifests:
        return _from_folder(resolved)
    problems = []
    if len(manifests) > 1:
        problems.append(f"{manifests[1].name}: ignored because {manifests[0].name} is also present")
    try:
        data = _read_manifest(manifests[0])
    except _EntryError as exc:
        return _empty(resolved, f"{manifests[0].name}: {exc}; no photos loaded")
    collection = _from_manifest(resolved, manifests[0].name, data)
    collection.problems[:0] = problems
    return collection


def _empty(root: Path, problem: str) -> Collection:
    return Collection(root=root, title={}, description={}, photos=[], problems=[problem])


def _read_manifest(path: Path) -> dict[str, Any]:
    """Parse the manifest file; any failure becomes one ``_EntryError`` carrying the parser's message."""
    try:
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise _EntryError(f"file is {size} bytes, above the limit of {MAX_MANIFEST_BYTES}")
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except _EntryError:
        raise
    except UnicodeDecodeError as exc:
        raise _EntryError(f"is not UTF-8 text ({exc})") from exc
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise _EntryError(f"cannot be parsed ({exc})") from exc
    except (OSError, ValueError, RecursionError) as exc:
        # ValueError also covers integers too long to convert; RecursionError deeply nested JSON.
        raise _EntryError(f"cannot be read ({type(exc).__name__}: {exc})") from exc
    if not isinstance(data, dict):
        raise _EntryError(f"top level must be a table/object, not {_kind(data)}")
    return data


def _from_manifest(root: Path, manifest: str, data: dict[str, Any]) -> Collection:
    problems: list[str] = []
    unknown = sorted(str(k) for k in data if k not in _KNOWN_TOP_KEYS)
    if unknown:
        problems.append(f"{manifest}: unknown top-level field(s) {unknown} ignored (valid: {sorted(_KNOWN_TOP_KEYS)})")
    title = _optional_top_text(data, "title", manifest, problems)
    description = _optional_top_text(data, "description", manifest, problems)
    entries = data.get("photos", [])
    if not isinstance(entries, list):
        problems.append(f"{manifest}: 'photos' must be a list of tables, not {_kind(entries)}; no photos loaded")
        entries = []
    if len(entries) > MAX_PHOTOS:
        problems.append(f"{manifest}: {len(entries)} photos, only the first {MAX_PHOTOS} are read")
        entries = entries[:MAX_PHOTOS]

    sections = _sections(data, manifest, problems)
    section_ids = [s.id for s in sections]

    photos: list[GalleryPhoto] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        label = f"{manifest}, photos[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and len(entry["id"]) <= MAX_ID_CHARS:
            label += f" (id {entry['id']!r})"
        try:
            photo = _parse_entry(root, entry)
            if photo.id in seen:
                raise _EntryError(f"duplicate id {photo.id!r}; ids must be unique")
        except _EntryError as exc:
            problems.append(f"{label}: {exc}; skipped")
            continue
        if photo.section is not None and photo.section not in section_ids:
            # A mistyped room must not hide the photo from a kiosk: show it with the unsorted photos.
            problems.append(
                f"{label}: section {_short(photo.section)} is not an id of [[sections]] "
                f"(declared: {section_ids}); shown with the photos that have no section"
            )
            photo = replace(photo, section=None)
        seen.add(photo.id)
        photos.append(photo)
    # Walking order: room by room in the order of [[sections]], unsorted photos last (stable inside a room).
    rank = {section_id: n for n, section_id in enumerate(section_ids)}
    photos.sort(key=lambda p: rank.get(p.section, len(rank)))
    hero_id = _hero(data, manifest, seen, problems)
    return Collection(root=root, title=title, description=description, photos=photos, problems=problems,
                      sections=sections, hero_id=hero_id)


def _sections(data: dict[str, Any], manifest: str, problems: list[str]) -> list[Section]:
    """The ``[[sections]]`` rooms that pass their checks; every fault becomes one problem line."""
    entries = data.get("sections", [])
    if not isinstance(entries, list):
        problems.append(f"{manifest}: 'sections' must be a list of tables, not {_kind(entries)}; no sections used")
        return []
    if len(entries) > MAX_SECTIONS:
        problems.append(f"{manifest}: {len(entries)} sections, only the first {MAX_SECTIONS} are read")
        entries = entries[:MAX_SECTIONS]
    sections: list[Section] = []
    for index, entry in enumerate(entries):
        label = f"{manifest}, sections[{index}]"
        try:
            section = _parse_section(entry)
            if any(s.id == section.id for s in sections):
                raise _EntryError(f"duplicate section id {section.id!r}; section ids must be unique")
        except _EntryError as exc:
            problems.append(f"{label}: {exc}; skipped")
            continue
        sections.append(section)
    return sections


def _parse_section(entry: Any) -> Section:
    if not isinstance(entry, dict):
        raise _EntryError(f"must be a table/object, not {_kind(entry)}")
    unknown = sorted(str(k) for k in entry if k not in _KNOWN_SECTION_KEYS)
    if unknown:
        raise _EntryError(f"unknown field(s) {unknown} (valid: {sorted(_KNOWN_SECTION_KEYS)})")
    missing = [k for k in ("id", "title") if k not in entry]
    if missing:
        raise _EntryError(f"missing required field(s) {missing}")
    return Section(
        id=_identifier(entry["id"], "id"),
        title=_lang_text(entry["title"], "title", MAX_FIELD_CHARS, required=True),
        description=_lang_text(entry.get("description", {}), "description", MAX_STORY_CHARS),
    )


def _hero(data: dict[str, Any], manifest: str, photo_ids: set[str], problems: list[str]) -> str | None:
    """The manifest's ``hero`` photo id when it names a loaded photo; otherwise a problem line and None."""
    if "hero" not in data:
        return None
    value = data["hero"]
    if not isinstance(value, str) or value not in photo_ids:
        what = _short(value) if isinstance(value, str) else _kind(value)
        problems.append(f"{manifest}: 'hero' {what} is not the id of a photo in this collection; "
                        f"the first photo is used instead")
        return None
    return value


def _optional_top_text(data: dict[str, Any], key: str, manifest: str, problems: list[str]) -> dict[str, str]:
    if key not in data:
        return {}
    try:
        return _lang_text(data[key], key, MAX_FIELD_CHARS)
    except _EntryError as exc:
        problems.append(f"{manifest}: collection {exc}; left empty")
        return {}


def _parse_entry(root: Path, entry: Any) -> GalleryPhoto:
    """Validate one manifest entry into a ``GalleryPhoto``; raise ``_EntryError`` naming the first fault."""
    if not isinstance(entry, dict):
        raise _EntryError(f"must be a table/object, not {_kind(entry)}")
    unknown = sorted(str(k) for k in entry if k not in _KNOWN_PHOTO_KEYS)
    if unknown:
        raise _EntryError(f"unknown field(s) {unknown} (valid: {sorted(_KNOWN_PHOTO_KEYS)})")
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise _EntryError(f"missing required field(s) {missing}")

    photo_id = _identifier(entry["id"], "id")
    section = _identifier(entry["section"], "section") if "section" in entry else None
    in_training = entry["in_training"]
    if not isinstance(in_training, bool):
        raise _EntryError(f"'in_training' must be true or false, not {_kind(in_training)}")

    # era and place: plain text (shown in both languages) or an {en, ko} table.
    era_text = _lang_text(entry["era"], "era", MAX_FIELD_CHARS) if isinstance(entry["era"], dict) else {}
    place_text = _lang_text(entry["place"], "place", MAX_FIELD_CHARS) if isinstance(entry["place"], dict) else {}
    image_path = _image_inside(root, entry["file"], "file")
    original_path = None
    if "original" in entry:
        original_path = _image_inside(root, entry["original"], "original")
        file_size, original_size = _image_size(image_path), _image_size(original_path)
        if file_size != original_size:
            raise _EntryError(
                f"'original' is {original_size[0]}x{original_size[1]} but 'file' is "
                f"{file_size[0]}x{file_size[1]}; they must be the same size to be compared"
            )
    return GalleryPhoto(
        id=photo_id,
        title=_lang_text(entry["title"], "title", MAX_FIELD_CHARS, required=True),
        era=_primary(era_text) if era_text else _era(entry["era"]),
        place=_primary(place_text) if place_text else _plain(entry["place"], "place"),
        story=_lang_text(entry["story"], "story", MAX_STORY_CHARS, required=True),
        credit=_plain(entry["credit"], "credit", required=True),
        licence=_plain(entry["licence"], "licence", required=True),
        source=_plain(entry["source"], "source", required=True),
        image_path=image_path,
        original_path=original_path,
        in_training=in_training,
        section=section,
        era_text=era_text,
        place_text=place_text,
    )


def _identifier(value: Any, key: str) -> str:
    """A photo or section id: 1-64 characters of a-z, 0-9, '_' and '-'."""
    if not isinstance(value, str) or not value:
        raise _EntryError(f"'{key}' must be non-empty text, not {_kind(value)}")
    if len(value) > MAX_ID_CHARS or not _ID_PATTERN.fullmatch(value):
        raise _EntryError(f"'{key}' {_short(value)} must be 1-{MAX_ID_CHARS} characters of a-z, 0-9, '_' or '-'")
    return value


def _plain(value: Any, key: str, required: bool = False) -> str:
    """A text field: must be a str, within the length limit, and non-blank when ``required``."""
    if not isinstance(value, str):
        raise _EntryError(f"'{key}' must be text, not {_kind(value)}")
    if len(value) > MAX_FIELD_CHARS:
        raise _EntryError(f"'{key}' is {len(value)} characters, above the limit of {MAX_FIELD_CHARS}")
    if required and not value.strip():
        raise _EntryError(f"'{key}' must not be empty")
    return value


def _primary(by_lang: dict[str, str]) -> str:
    """The English text of an {en, ko} table, else the Korean one."""
    return by_lang.get("en") or by_lang.get("ko") or ""


def _era(value: Any) -> str:
    """A year (integer, e.g. 1931) or era text ("1920s", "c. 1900")."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _EntryError(f"'era' must be a year or text, not {_kind(value)}")
    if isinstance(value, int):
        if not -10_000 <= value <= 10_000:
            raise _EntryError(f"'era' year {_short(value)} is out of range (-10000..10000)")
        return str(value)
    return _plain(value, "era")


def _lang_text(value: Any, key: str, limit: int, required: bool = False) -> dict[str, str]:
    """``{en, ko}`` text: a table with at least one of the two languages, every value a str."""
    if not isinstance(value, dict):
        raise _EntryError(f"'{key}' must be a table with 'en' and/or 'ko' text, not {_kind(value)}")
    extra = sorted(str(k) for k in value if k not in LANGUAGES)
    if extra:
        raise _EntryError(f"'{key}' has unknown language(s) {extra} (valid: {list(LANGUAGES)})")
    result: dict[str, str] = {}
    for lang, text in value.items():
        if not isinstance(text, str):
            raise _EntryError(f"'{key}.{lang}' must be text, not {_kind(text)}")
        if len(text) > limit:
            raise _EntryError(f"'{key}.{lang}' is {len(text)} characters, above the limit of {limit}")
        result[lang] = text
    if required and not any(t.strip() for t in result.values()):
        raise _EntryError(f"'{key}' needs non-empty text in 'en' or 'ko'")
    return result


def _image_inside(root: Path, value: Any, key: str) -> Path:
    """Resolve a manifest path; it must stay inside ``root`` (after symlinks) and be a readable image."""
    if not isinstance(value, str) or not value:
        raise _EntryError(f"'{key}' must be a non-empty relative path, not {_kind(value)}")
    if len(value) > MAX_FIELD_CHARS:
        raise _EntryError(f"'{key}' is {len(value)} characters, above the limit of {MAX_FIELD_CHARS}")
    if "\x00" in value:
        raise _EntryError(f"'{key}' {_short(value)} contains a NUL character")
    relative = Path(value)
    if relative.is_absolute() or value.startswith(("/", "\\")):
        raise _EntryError(f"'{key}' {_short(value)} is an absolute path; give a path relative to the collection folder")
    try:
        path = (root / relative).resolve(strict=True)
    except FileNotFoundError:
        raise _EntryError(f"'{key}' {_short(value)} does not exist in the collection folder") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise _EntryError(f"'{key}' {_short(value)} cannot be opened ({exc})") from exc
    if not path.is_relative_to(root):
        raise _EntryError(f"'{key}' {_short(value)} points outside the collection folder")
    if not path.is_file():
        raise _EntryError(f"'{key}' {_short(value)} is not a file")
    _check_image(path, key, value)
    return path


def _check_image(path: Path, key: str, value: str) -> None:
    """Cheap check that the file is a supported image: header, size limit, and PIL's structural verify."""
    try:
        with Image.open(path, formats=SUPPORTED_FORMATS) as img:
            width, height = img.size
            if width * height > DEFAULT_MAX_PIXELS:
                raise _EntryError(f"'{key}' {_short(value)} is {width}x{height}, above the pixel limit")
            img.verify()
    except _EntryError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder failure means "not a usable image"
        raise _EntryError(f"'{key}' {_short(value)} is not a readable image ({type(exc).__name__}: {exc})") from exc


def _image_size(path: Path) -> tuple[int, int]:
    """(width, height) as displayed, i.e. after the EXIF orientation is applied."""
    with Image.open(path) as img:
        width, height = img.size
        orientation = img.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _from_folder(root: Path) -> Collection:
    """A folder without a manifest: one photo per image file, sorted by name, credit unknown."""
    problems = [
        f"{root.name}: no {' or '.join(MANIFEST_NAMES)}; photos are listed by file name "
        f"and their credit and licence are unknown"
    ]
    photos: list[GalleryPhoto] = []
    seen: set[str] = set()
    for path in sorted(root.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        try:
            image_path = _image_inside(root, path.name, "file")
        except _EntryError as exc:
            problems.append(f"{path.name}: {exc}; skipped")
            continue
        photo_id = _unique_id(_slug(path.stem), seen)
        seen.add(photo_id)
        name = re.sub(r"[_\s]+", " ", path.stem).strip() or path.name
        photos.append(
            GalleryPhoto(
                id=photo_id,
                title={"en": name, "ko": name},
                era="",
                place="",
                story={},
                credit=UNKNOWN_CREDIT,
                licence=UNKNOWN_CREDIT,
                source=f"{root.name}/{path.name}",
                image_path=image_path,
                original_path=None,
                in_training=False,
            )
        )
    return Collection(root=root, title={"en": root.name, "ko": root.name}, description={}, photos=photos, problems=problems)


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-")
    return slug[: MAX_ID_CHARS - 8] or "photo"


def _unique_id(base: str, seen: set[str]) -> str:
    candidate, n = base, 2
    while candidate in seen:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "text", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _short(value: Any, limit: int = 60) -> str:
    """repr() of a value, cut short so a huge hostile value cannot flood the problem list."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**50 else f"<{value.bit_length()}-bit integer>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
