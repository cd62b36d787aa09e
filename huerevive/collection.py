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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from huerevive.image_input import DEFAULT_MAX_PIXELS, SUPPORTED_FORMATS

MANIFEST_NAMES = ("collection.toml", "collection.json")
DEFAULT_COLLECTION = Path(__file__).resolve().parent.parent / "gallery" / "default"
COLLECTION_ENV = "HUEREVIVE_COLLECTION"
LANGUAGES = ("en", "ko")
TEXT_FIELDS = ("title", "story")
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
_OPTIONAL = ("original",)
_KNOWN_PHOTO_KEYS = frozenset(_REQUIRED + _OPTIONAL)
_KNOWN_TOP_KEYS = frozenset({"title", "description", "photos"})


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

    def __hash__(self) -> int:
        # The text dicts are unhashable; id and path identify a photo well enough.
        return hash((self.id, self.image_path))

    @property
    def has_truth(self) -> bool:
        """True when a colour original may be shown: one exists and the model never trained on it."""
        return self.original_path is not None and not self.in_training

    def text(self, field: str, lang: str) -> str:
        """``title`` or ``story`` in ``lang`` ('en' or 'ko'), falling back to the other language, else ''."""
        if field not in TEXT_FIELDS:
            raise ValueError(f"field must be one of {TEXT_FIELDS}, got {field!r}")
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
        values: dict[str, str] = getattr(self, field)
        other = LANGUAGES[1 - LANGUAGES.index(lang)]
        return values.get(lang) or values.get(other) or ""


@dataclass
class Collection:
    """A loaded collection: the photos that passed every check, and one line per problem found."""

    root: Path
    title: dict[str, str]
    description: dict[str, str]
    photos: list[GalleryPhoto]
    problems: list[str] = field(default_factory=list)

    def get(self, photo_id: str) -> GalleryPhoto | None:
        """The photo with this id, or None."""
        return next((p for p in self.photos if p.id == photo_id), None)

    def text(self, field: str, lang: str) -> str:
        """Collection ``title`` or ``description`` in ``lang`` with fallback to the other language."""
        if field not in ("title", "description"):
            raise ValueError(f"field must be 'title' or 'description', got {field!r}")
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
        values: dict[str, str] = getattr(self, field)
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
        seen.add(photo.id)
        photos.append(photo)
    return Collection(root=root, title=title, description=description, photos=photos, problems=problems)


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

    photo_id = entry["id"]
    if not isinstance(photo_id, str) or not photo_id:
        raise _EntryError(f"'id' must be non-empty text, not {_kind(photo_id)}")
    if len(photo_id) > MAX_ID_CHARS or not _ID_PATTERN.fullmatch(photo_id):
        raise _EntryError(f"'id' {_short(photo_id)} must be 1-{MAX_ID_CHARS} characters of a-z, 0-9, '_' or '-'")
    in_training = entry["in_training"]
    if not isinstance(in_training, bool):
        raise _EntryError(f"'in_training' must be true or false, not {_kind(in_training)}")

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
        era=_era(entry["era"]),
        place=_plain(entry["place"], "place"),
        story=_lang_text(entry["story"], "story", MAX_STORY_CHARS, required=True),
        credit=_plain(entry["credit"], "credit", required=True),
        licence=_plain(entry["licence"], "licence", required=True),
        source=_plain(entry["source"], "source", required=True),
        image_path=image_path,
        original_path=original_path,
        in_training=in_training,
    )


def _plain(value: Any, key: str, required: bool = False) -> str:
    """A text field: must be a str, within the length limit, and non-blank when ``required``."""
    if not isinstance(value, str):
        raise _EntryError(f"'{key}' must be text, not {_kind(value)}")
    if len(value) > MAX_FIELD_CHARS:
        raise _EntryError(f"'{key}' is {len(value)} characters, above the limit of {MAX_FIELD_CHARS}")
    if required and not value.strip():
        raise _EntryError(f"'{key}' must not be empty")
    return value


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
