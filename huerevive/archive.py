"""``huerevive archive INPUT -o OUTDIR``: a whole archive on a Ray cluster, resumable, with a manifest.

Built on Ray Data's batch inference. This process (the driver) lists the
photos and streams small records into ``map_batches``: paths, never pixels.
Each worker is a Ray actor holding one ``Colorizer`` (on its GPU when it has
one); it reads its photos by path, colours them with the same code as
``huerevive colorize`` (``load_image``, ``Colorizer.colorize_loaded``,
``save_atomically``) and writes each output atomically under OUTDIR. One
small result row per photo streams back, and the driver alone appends it to
``OUTDIR/manifest.jsonl`` (flushed and fsynced per line), so a run killed at
any moment loses at most the photos in flight. Re-running the same command
skips every photo whose manifest line says ``done`` and whose output exists.

Manifest line (JSON): ``input`` (absolute path), ``output`` (relative to
OUTDIR, or null when none was planned), ``status`` (``done`` / ``failed``),
``error`` (the reason, or null), ``seconds`` (read + colour + write),
``width``, ``height``, ``model_version``. A photo tried again after a
failure has several lines: the last one counts.

Ray is an optional extra (``pip install 'huerevive[archive]'``); it is
imported only when this command runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import resource
import socket
import sys
import time
import warnings
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterator, TextIO

import torch

from huerevive.cli import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    OUTPUT_FORMATS,
    TEMP_SUFFIX,
    Job,
    _is_within,
    _Reporter,
    plan_jobs,
    refuse_shared_targets,
    save_atomically,
)
from huerevive.errors import HueReviveError, ImageLoadError
from huerevive.image_input import is_supported_path, load_image
from huerevive.model_loading import model_version
from huerevive.pipeline import Colorizer
from huerevive.progress import ProgressBar, format_seconds

if TYPE_CHECKING:
    import pandas as pd

try:  # POSIX: one driver per OUTDIR at a time
    import fcntl
except ImportError:  # pragma: no cover - Ray's archive path runs on Linux and macOS
    fcntl = None  # type: ignore[assignment]

MANIFEST_NAME = "manifest.jsonl"
RAY_REQUIREMENT = "ray[data]==2.60.0"
INSTALL_HINT = f"pip install 'huerevive[archive]' (or: pip install '{RAY_REQUIREMENT}')"
LOCAL_OBJECT_STORE_BYTES = 256 * 2**20  # only paths and result rows travel through it
MAX_PHOTOS_PER_BLOCK = 32  # one Ray Data block = one batch = one actor task
BLOCKS_PER_WORKER = 64  # at least this many blocks per worker before blocks grow past one photo
TASKS_IN_FLIGHT_PER_WORKER = 2  # one running, one queued: overlap without much redone work after a kill
TASK_RETRIES = 2  # a block whose worker died (node lost, crash) is tried again this many times
RESULT_COLUMNS = ("id", "status", "error", "seconds", "width", "height")
DONE, FAILED = "done", "failed"
LOST = "no result came back: the worker colouring it died (crash, out of memory, or node lost); see Ray's logs"


class ArchiveInputError(HueReviveError):
    """INPUT is neither a folder nor a readable text list of photo paths."""


class ManifestBusyError(HueReviveError):
    """Another archive run holds OUTDIR's manifest."""


# --- what to colour -------------------------------------------------------------------------------


def read_photo_list(list_file: Path) -> list[Path]:
    """The photo paths listed in a text file, one per line, as absolute paths.

    Blank lines and lines starting with ``#`` are ignored; relative paths are
    relative to the list file's folder; ``~`` is expanded. File names that are
    not valid UTF-8 are kept (as Python's surrogate escapes). Raises
    ArchiveInputError when the file cannot be read, is binary, or lists nothing.
    """
    try:
        data = list_file.read_bytes()
    except OSError as exc:
        raise ArchiveInputError(f"{list_file}: cannot be read ({exc.strerror or exc})") from exc
    if b"\0" in data:
        raise ArchiveInputError(f"{list_file}: not a text list of photo paths (binary data); give a folder or a list")
    folder = Path(os.path.abspath(list_file)).parent
    paths = []
    for line in data.decode("utf-8", "surrogateescape").split("\n"):  # not splitlines(): names may hold \f, \x1c...
        line = line.removesuffix("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        paths.append(Path(os.path.abspath(folder / Path(line).expanduser())))
    if not paths:
        raise ArchiveInputError(f"{list_file}: lists no photo paths (one path per line; '#' starts a comment)")
    return paths


def plan_archive(source: Path, outdir: Path, suffix: str) -> tuple[list[Job], list[tuple[Path, str]]]:
    """Map INPUT to jobs with absolute paths. Returns (jobs, problems) like ``cli.plan_jobs``.

    A folder is planned exactly as ``huerevive colorize FOLDER`` plans it
    (relative paths kept under OUTDIR). For a list file, each photo keeps its
    path relative to the deepest folder that holds every listed photo.
    Raises ArchiveInputError when INPUT is missing, a photo, or not a list.
    """
    source, outdir = Path(os.path.abspath(source)), Path(os.path.abspath(outdir))
    if source.is_dir():
        return plan_jobs([source], outdir, suffix)
    if not source.exists():
        raise ArchiveInputError(f"{source}: no such folder or file")
    if is_supported_path(source):
        raise ArchiveInputError(
            f"{source}: is a photo; INPUT is a folder or a text file listing photo paths "
            "(for single photos use `huerevive colorize`)"
        )
    photos = read_photo_list(source)
    base = Path(os.path.commonpath([p.parent for p in photos]))
    planned: list[Job] = []
    problems: list[tuple[Path, str]] = []
    for photo in photos:
        if _is_within(photo, outdir):  # its output could replace the photo itself
            problems.append((photo, f"is inside the output folder {outdir}; choose an -o outside it"))
        else:
            planned.append(Job(photo, outdir / photo.relative_to(base).with_suffix(suffix)))
    jobs, clashes = refuse_shared_targets(planned)
    return jobs, problems + clashes


# --- the manifest ---------------------------------------------------------------------------------


def manifest_record(
    source: Path,
    output: str | None,
    status: str,
    error: str | None = None,
    seconds: float | None = None,
    width: int | None = None,
    height: int | None = None,
    model_version: str | None = None,
) -> dict[str, Any]:
    """One manifest line as a dict (see the module docstring for the fields)."""
    return {
        "input": str(source),
        "output": output,
        "status": status,
        "error": error,
        "seconds": None if seconds is None else round(seconds, 3),
        "width": width,
        "height": height,
        "model_version": model_version,
    }


def _json_line(record: dict[str, Any]) -> bytes:
    text = json.dumps(record, ensure_ascii=False)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not valid UTF-8: escape it, the JSON stays valid
        return (json.dumps(record) + "\n").encode("ascii")


class Manifest:
    """``OUTDIR/manifest.jsonl``: append-only, one JSON object per line, written by the driver only.

    Opening takes an exclusive lock (a second run on the same OUTDIR is
    refused), reads what earlier runs recorded, and cuts off a half-written
    last line left by a killed run (that photo is simply done again).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.latest: dict[tuple[str, str | None], str] = {}  # (input, output) -> status of its last line
        self.unreadable = 0  # complete lines that are not a manifest record (ignored)
        self.torn = False  # a half-written last line was removed
        self._stream: IO[bytes] = open(path, "a+b")  # noqa: SIM115 - closed by close()
        try:
            if fcntl is not None:
                try:
                    fcntl.flock(self._stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    raise ManifestBusyError(
                        f"{path}: another `huerevive archive` run is writing to this folder; wait for it or use another -o"
                    ) from exc
            self._read()
        except BaseException:
            self._stream.close()
            raise

    def _read(self) -> None:
        self._stream.seek(0)
        data = self._stream.read()
        complete, _, tail = data.rpartition(b"\n")
        if tail:  # no newline at the end: the writer was killed mid-line
            self._stream.truncate(len(data) - len(tail))
            self.torn = True
        for line in complete.split(b"\n") if complete else []:
            try:
                record = json.loads(line)
                key = (record["input"], record["output"])
                status = record["status"]
            except (ValueError, TypeError, KeyError):
                self.unreadable += 1
                continue
            if isinstance(key[0], str) and isinstance(key[1], (str, type(None))) and status in (DONE, FAILED):
                self.latest[key] = status
            else:
                self.unreadable += 1

    def is_done(self, job: Job, outdir: Path) -> bool:
        """True when the photo's last line says done AND its output file is there."""
        output = relative_output(job, outdir)
        return self.latest.get((str(job.source), output)) == DONE and job.target.is_file()

    def append(self, record: dict[str, Any]) -> None:
        """Add one line and make it durable before returning."""
        self._stream.write(_json_line(record))
        self._stream.flush()
        os.fsync(self._stream.fileno())
        self.latest[(record["input"], record["output"])] = record["status"]

    def close(self) -> None:
        self._stream.close()  # also releases the lock

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def relative_output(job: Job, outdir: Path) -> str:
    """The job's output path as the manifest records it: relative to OUTDIR, with '/'."""
    return job.target.relative_to(outdir).as_posix()


def remove_partial_files(outdir: Path) -> int:
    """Delete temporary files that a killed run left beside its outputs; returns how many."""
    removed = 0
    for partial in outdir.rglob(f".*{TEMP_SUFFIX}"):
        with suppress(FileNotFoundError):
            partial.unlink()
            removed += 1
    return removed


# --- the workers ----------------------------------------------------------------------------------


def _printable(text: str) -> str:
    """``text`` with any undecodable file-name bytes spelled out, so it is valid UTF-8 everywhere."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux VmHWM; elsewhere ru_maxrss)."""
    with suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


class ColorizeWorker:
    """One Ray Data worker (an actor): loads the model once, then colours photos by path.

    A batch is a pandas frame of ``id``, ``source`` and ``target`` (paths as
    bytes, so any file name survives Arrow); the result has one row per
    photo: ``RESULT_COLUMNS`` plus ``model_version``, ``worker`` and
    ``peak_rss_mb``. A photo's failure is a row, never an exception.
    """

    def __init__(self, pil_format: str, saturation: float, max_pixels: int) -> None:
        import ray  # noqa: PLC0415 - an optional extra, present inside a Ray worker

        cpus = ray.get_runtime_context().get_assigned_resources().get("CPU", 1)
        torch.set_num_threads(max(1, int(cpus)))  # Ray's CPU share, not every core of the node
        self.colorizer = Colorizer()  # on the GPU that Ray gave this worker, if any
        self.model_version = model_version(self.colorizer.model)
        self.pil_format = pil_format
        self.saturation = saturation
        self.max_pixels = max_pixels
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def colorize_one(self, source: str, target: str) -> tuple[str, str, int, int]:
        """Read, colour and write one photo, exactly as ``huerevive colorize`` does.

        Returns (status, error, width, height); error is '' and the size 0x0 when not known.
        """
        try:
            loaded = load_image(Path(source), max_pixels=self.max_pixels)
            result = self.colorizer.colorize_loaded(loaded, self.saturation)
            save_atomically(result.image, Path(target), self.pil_format)
        except ImageLoadError as exc:
            return FAILED, exc.reason, 0, 0
        except HueReviveError as exc:
            return FAILED, str(exc), 0, 0
        except OSError as exc:  # cannot write the output (disk full, permissions...)
            return FAILED, f"cannot write {target} ({exc.strerror or exc})", 0, 0
        except Exception as exc:  # noqa: BLE001 - one odd photo must not stop a weekend's run
            return FAILED, f"unexpected error: {type(exc).__name__}: {exc}", 0, 0
        width, height = loaded.size
        return DONE, "", width, height

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd  # noqa: PLC0415 - a dependency of Ray Data

        rows = []
        for photo_id, source, target in zip(batch["id"], batch["source"], batch["target"]):
            start = time.perf_counter()
            status, error, width, height = self.colorize_one(os.fsdecode(source), os.fsdecode(target))
            rows.append((int(photo_id), status, _printable(error), time.perf_counter() - start, width, height))
        frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
        frame["model_version"] = self.model_version
        frame["worker"] = self.name
        frame["peak_rss_mb"] = _peak_rss_mb()
        return frame


# --- the driver -----------------------------------------------------------------------------------


@dataclass
class ArchiveSummary:
    """What a run did; ``worker_peak_mb`` maps each worker (host:pid) to its peak memory in MB."""

    planned: int = 0
    done: int = 0
    skipped: int = 0
    failed: int = 0
    workers: int = 0
    seconds: float = 0.0
    worker_peak_mb: dict[str, float] | None = None


def _import_ray() -> Any:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # offline: never try to report usage
    import ray  # noqa: PLC0415 - optional extra
    import ray.data  # noqa: PLC0415

    return ray


def _quiet_ray_logs() -> None:
    """Keep Ray's routine start-up and execution notes out of the progress display (they stay in Ray's log files)."""
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    for name in ("ray._private.authentication.authentication_token_setup", "ray.data._internal.progress"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _connect(ray: Any, address: str | None, workers: int | None) -> bool:
    """Start a local Ray, or join ``address``; False when this process was already connected."""
    if ray.is_initialized():
        return False
    common = {"log_to_driver": False, "logging_level": logging.WARNING}
    if address is None:
        # "local" (not None): never silently join a cluster named in RAY_ADDRESS or started with `ray start`.
        ray.init(
            address="local",
            num_cpus=max(os.cpu_count() or 1, workers or 0),
            object_store_memory=LOCAL_OBJECT_STORE_BYTES,
            include_dashboard=False,
            **common,
        )
    else:
        ray.init(address=address, **common)
    return True


def _choose_workers(ray: Any, requested: int | None, report: _Reporter) -> tuple[int, bool]:
    """(number of workers, whether each takes a GPU) for this cluster."""
    resources = ray.cluster_resources()
    gpus, cpus = int(resources.get("GPU", 0)), int(resources.get("CPU", 0))
    workers = requested or gpus or max(1, cpus)
    slots, kind = (gpus, "GPUs") if gpus else (cpus, "CPUs")
    if workers > slots:
        report.line(f"warning: {workers} workers asked for, the cluster has {slots} {kind}; some wait for room")
    return workers, gpus > 0


def _photos_per_block(count: int, workers: int) -> int:
    """One photo per block for small runs (prompt manifest lines); up to 32 for huge ones (fewer Ray objects)."""
    return max(1, min(MAX_PHOTOS_PER_BLOCK, count // (workers * BLOCKS_PER_WORKER)))


def _rate(bar: ProgressBar) -> str:
    """Throughput including the photo about to be counted, for the progress bar's note."""
    elapsed = time.monotonic() - bar.start
    return f"{(bar.done + 1) / elapsed:.2f} photos/s" if elapsed > 0 else ""


def _results(
    ray: Any, args: argparse.Namespace, todo: list[Job], pil_format: str, workers: int, use_gpus: bool
) -> Iterator[dict[str, Any]]:
    """Ray Data batch inference over ``todo``: one result row per photo, streamed as workers finish them."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # ours shows photos/s and the ETA
    context.print_on_execution_start = False
    context.max_errored_blocks = -1  # a block whose worker died is reported as lost; the rest goes on
    per_block = _photos_per_block(len(todo), workers)
    records = [{"id": i, "source": os.fsencode(job.source), "target": os.fsencode(job.target)} for i, job in enumerate(todo)]
    dataset = ray.data.from_items(records, override_num_blocks=math.ceil(len(records) / per_block))
    with warnings.catch_warnings():
        # Bounded task retries have no named parameter; the pinned Ray (2.60) takes them as ray_remote_args.
        warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated", category=DeprecationWarning)
        results = dataset.map_batches(
            ColorizeWorker,
            fn_constructor_kwargs={
                "pil_format": pil_format,
                "saturation": args.saturation,
                "max_pixels": int(args.max_megapixels * 1e6),
            },
            batch_size=per_block,
            batch_format="pandas",
            compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=TASKS_IN_FLIGHT_PER_WORKER),
            num_cpus=1,
            **({"num_gpus": 1} if use_gpus else {}),
            max_task_retries=TASK_RETRIES,  # not Ray Data's default (forever): a photo that kills its worker must end
        )
    yield from results.iter_rows()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _summary_line(summary: ArchiveSummary, manifest_path: Path) -> str:
    rate = summary.done / summary.seconds if summary.seconds > 0 else 0.0
    line = (
        f"{summary.done} done, {summary.skipped} skipped (done in an earlier run), {summary.failed} failed "
        f"in {format_seconds(summary.seconds)}"
    )
    if summary.workers:
        line += f" ({rate:.2f} photos/s on {_count(summary.workers, 'worker')}"
        if summary.worker_peak_mb:
            line += f", peak memory per worker {max(summary.worker_peak_mb.values()):.0f} MB"
        line += ")"
    return f"{line}; manifest: {manifest_path}"


def run_archive(args: argparse.Namespace, err: TextIO | None = None) -> int:
    """Colour every photo of ``args.input`` on Ray; returns the exit status.

    Reuses this process's Ray connection when there is one (and leaves it
    open); otherwise starts a local Ray (no ``args.address``) or joins the
    cluster at ``args.address``, and shuts it down at the end. Progress,
    failures and the summary go to ``err`` (stderr); the record is the manifest.
    """
    return run_archive_summary(args, err)[0]


def run_archive_summary(args: argparse.Namespace, err: TextIO | None = None) -> tuple[int, ArchiveSummary]:
    """``run_archive``, also returning what the run did (for the benchmark and the tests)."""
    err = err if err is not None else sys.stderr
    report = _Reporter(err)
    summary = ArchiveSummary()
    start = time.monotonic()
    pil_format, suffix = OUTPUT_FORMATS[args.format]
    outdir = Path(os.path.abspath(args.output))
    try:
        jobs, problems = plan_archive(args.input, outdir, suffix)
        ray = _import_ray()
        outdir.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(outdir / MANIFEST_NAME)
    except ImportError as exc:
        report.line(f"huerevive archive needs Ray, an optional extra: {INSTALL_HINT} ({exc})")
        return EXIT_USAGE, summary
    except (ArchiveInputError, ManifestBusyError) as exc:
        report.line(f"huerevive archive: error: {exc}")
        return EXIT_USAGE, summary
    except OSError as exc:
        report.line(f"huerevive archive: error: cannot use {outdir} ({exc.strerror or exc})")
        return EXIT_USAGE, summary
    with manifest:
        summary.planned = len(jobs) + len(problems)
        if manifest.torn:
            report.line(f"{manifest.path}: removed a half-written last line (a killed run); that photo is done again")
        if manifest.unreadable:
            report.line(f"warning: {manifest.path}: ignored {manifest.unreadable} lines that are not manifest records")
        if removed := remove_partial_files(outdir):
            report.line(f"removed {_count(removed, 'partial file')} left by a killed run")
        for source, reason in problems:
            manifest.append(manifest_record(source, None, FAILED, reason))
            report.line(f"failed: {source}: {reason}")
        summary.failed = len(problems)
        todo = [job for job in jobs if not manifest.is_done(job, outdir)]
        summary.skipped = len(jobs) - len(todo)
        if summary.skipped:
            done_before = _count(summary.skipped, "photo")
            report.line(f"resuming: {done_before} already done (recorded in {manifest.path}), {len(todo)} to go")
        if todo and not _colour_on_ray(ray, args, todo, outdir, pil_format, manifest, report, summary):
            report.line(
                f"interrupted: {summary.done} done, {summary.skipped} skipped, {summary.failed} failed; "
                "run the same command again to finish (photos recorded as done are skipped)"
            )
            return EXIT_INTERRUPTED, summary
        summary.seconds = time.monotonic() - start
        report.line(_summary_line(summary, manifest.path))
    return (EXIT_FAILED if summary.failed else EXIT_OK), summary


def _colour_on_ray(
    ray: Any,
    args: argparse.Namespace,
    todo: list[Job],
    outdir: Path,
    pil_format: str,
    manifest: Manifest,
    report: _Reporter,
    summary: ArchiveSummary,
) -> bool:
    """Run the Ray Data pipeline over ``todo``, recording each result as it arrives.

    Photos that get no result (Ray failed or could not start) count as failed
    but are not recorded, so the next run tries them again. Returns False
    when interrupted (Ctrl-C), else True.
    """
    _quiet_ray_logs()
    try:
        owns_connection = _connect(ray, args.address, args.workers)
    except Exception as exc:  # noqa: BLE001 - Ray raises many kinds for a bad address or a failed start
        where = f"join the Ray cluster at {args.address}" if args.address else "start a local Ray"
        report.line(f"huerevive archive: error: could not {where}: {type(exc).__name__}: {exc}")
        summary.failed += len(todo)
        return True
    seen: set[int] = set()
    try:
        workers, use_gpus = _choose_workers(ray, args.workers, report)
        summary.workers = workers
        summary.worker_peak_mb = peaks = {}
        where = args.address or ("a local Ray" if owns_connection else "this process's Ray")
        each = "1 GPU" if use_gpus else "1 CPU"
        report.line(f"colouring {_count(len(todo), 'photo')} on {_count(workers, 'worker')} ({each} each) of {where}")
        bar = ProgressBar(len(todo), report.stream)
        for row in _results(ray, args, todo, pil_format, workers, use_gpus):
            photo_id = int(row["id"])
            if photo_id in seen:  # a retried block could deliver a photo twice; record it once
                continue
            seen.add(photo_id)
            job = todo[photo_id]
            ok = row["status"] == DONE
            manifest.append(
                manifest_record(
                    job.source,
                    relative_output(job, outdir),
                    DONE if ok else FAILED,
                    error=None if ok else str(row["error"]),
                    seconds=float(row["seconds"]),
                    width=int(row["width"]) if ok else None,
                    height=int(row["height"]) if ok else None,
                    model_version=str(row["model_version"]),
                )
            )
            if ok:
                summary.done += 1
            else:
                summary.failed += 1
                report.line(f"failed: {job.source}: {row['error']}")
            worker = str(row["worker"])
            peaks[worker] = max(peaks.get(worker, 0.0), float(row["peak_rss_mb"]))
            bar.update(1, _rate(bar))
        for photo_id in sorted(set(range(len(todo))) - seen):  # their block failed even after retries
            job = todo[photo_id]
            manifest.append(manifest_record(job.source, relative_output(job, outdir), FAILED, LOST))
            summary.failed += 1
            report.line(f"failed: {job.source}: {LOST}")
    except KeyboardInterrupt:
        return False
    except Exception as exc:  # noqa: BLE001 - e.g. the workers cannot load the model, or the cluster went away
        missing = len(todo) - len(seen)
        report.line(f"huerevive archive: error: the Ray run stopped: {type(exc).__name__}: {exc}")
        report.line(f"{_count(missing, 'photo')} not recorded; run the same command again to finish them")
        summary.failed += missing
    finally:
        if owns_connection:
            ray.shutdown()
    return True
