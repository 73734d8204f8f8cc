"""Ingest requests from the dashboard: validated, bounded data, never a command line of user text.

The dashboard builds an `IngestRequest` with `build_request` (http(s) URLs, uploaded files, the
kind of the URLs, bounded options) and starts it with `start_ingest`, which saves the request and
the uploads in a fresh job folder under names chosen here and runs `python -m pipeline.submit
FOLDER`. That process reads the request back, validates it again and runs the ingest; it removes
the uploads when it ends. No URL line can become an option or a server path, no option leaves its
bounds, and `--allow-private` is never passed (only the server's own TRACKER_ALLOW_PRIVATE counts;
link-local and metadata addresses stay refused even then).

Ingest from the dashboard is off unless the dashboard runs with TRACKER_DASHBOARD_INGEST=1
(`config.dashboard_ingest_allowed`). `cleanup_jobs` deletes the folders of jobs that ended
(or died) more than a day ago, `cleanup_legacy` the logs and upload folders the former job runner
left in the temp folder; `start_ingest` calls both each time.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import config
from .collect.inputs import FEED_SUFFIXES, JSONL_SUFFIXES, LIST_SUFFIXES, PAGE_SUFFIXES, is_url
from .config import ROOT, UploadLimits
from .store.lock import pid_alive

KIND_FLAGS = {"pages": [], "feeds": ["--feed"], "sitemaps": ["--sitemap"]}
UPLOAD_SUFFIXES = PAGE_SUFFIXES + LIST_SUFFIXES + FEED_SUFFIXES + JSONL_SUFFIXES
MAX_URL_CHARS = 2048
BOUNDS = {"timeout": (1.0, 60.0), "delay": (0.0, 30.0)}
REQUEST_FILE, STATUS_FILE, EXIT_FILE, LOG_FILE, UPLOADS = "request.json", "job.json", "exit.json", "job.log", "uploads"
KEEP_ENDED = dt.timedelta(days=1)
DEFAULT_UPLOAD_LIMITS = UploadLimits()


class RequestError(ValueError):
    """A request the dashboard must not run; `problems` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class IngestDisabled(RuntimeError):
    """Ingest from the dashboard is off (TRACKER_DASHBOARD_INGEST is not 1)."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the user gave it (only its suffix is used) and its bytes."""

    name: str
    data: bytes

    @classmethod
    def of(cls, uploaded: object) -> Upload:
        """From any object with `.name` and `.getvalue()` (Streamlit's UploadedFile)."""
        return cls(str(getattr(uploaded, "name", "") or ""), bytes(uploaded.getvalue()))


@dataclass(frozen=True)
class IngestRequest:
    """A validated ingest request (build it with `build_request`)."""

    urls: tuple[str, ...] = ()
    uploads: tuple[Upload, ...] = ()
    kind: str = "pages"
    workers: int = 1
    timeout: float = config.FetchPolicy.timeout
    delay: float = 1.0
    limits: UploadLimits = field(default_factory=UploadLimits)


def max_workers() -> int:
    """The most worker processes one dashboard request may ask for: the machine's cores."""
    return os.cpu_count() or 1


def _url_problems(urls: Sequence[str], limits: UploadLimits) -> tuple[list[str], list[str]]:
    kept, problems = [], []
    for n, raw in enumerate(urls, 1):
        url = raw.strip()
        if not url or url.startswith("#"):
            continue
        shown = url if len(url) <= 80 else url[:77] + "…"
        if len(url) > MAX_URL_CHARS:
            problems.append(f"line {n}: longer than {MAX_URL_CHARS} characters")
        elif any(c.isspace() or ord(c) < 32 for c in url) or not is_url(url):
            problems.append(f"line {n}: {shown!r} is not an http(s) URL (only URLs are accepted here, "
                            "no options or server paths)")
        elif url not in kept:
            kept.append(url)
    if len(kept) > limits.urls:
        problems.append(f"{len(kept):,} URLs; at most {limits.urls:,} per request")
    return kept, problems


def safe_name(name: str, n: int) -> str:
    """A file name chosen here for upload `n`: its number, then the user's base name reduced to safe characters."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).lstrip(".") or "upload"
    return f"{n:03d}-{base[-100:]}"


def _upload_problems(uploads: Sequence[Upload], limits: UploadLimits) -> list[str]:
    problems, total = [], 0
    if len(uploads) > limits.files:
        problems.append(f"{len(uploads)} files; at most {limits.files} per request")
    for upload in uploads:
        name = upload.name.lower()
        total += len(upload.data)
        if not name.endswith(UPLOAD_SUFFIXES):
            problems.append(f"{upload.name}: not an accepted file type ({', '.join(UPLOAD_SUFFIXES)})")
        elif len(upload.data) > limits.file_bytes:
            problems.append(f"{upload.name}: {len(upload.data):,} bytes, larger than the "
                            f"{limits.file_bytes:,}-byte limit for one upload")
        elif name.endswith(LIST_SUFFIXES):
            problems += _list_problems(upload)
    if total > limits.total_bytes:
        problems.append(f"{total:,} bytes uploaded, more than the {limits.total_bytes:,}-byte limit per request")
    return problems


def _list_problems(upload: Upload) -> list[str]:
    """An uploaded URL list may hold http(s) URLs only: a path in it would read the server's files."""
    try:
        text = upload.data.decode("utf-8")
    except UnicodeDecodeError:
        return [f"{upload.name}: not UTF-8 text"]
    bad = [n for n, line in enumerate(text.splitlines(), 1)
           if line.strip() and not line.strip().startswith("#") and not is_url(line.strip())]
    return [f"{upload.name}: line {bad[0]} is not an http(s) URL (uploaded lists may hold URLs only)"] if bad else []


def _number(name: str, value: object, low: float, high: float, integer: bool = False) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        return f"{name}: {value!r} is not a {'whole ' if integer else ''}number"
    if not low <= value <= high:
        return f"{name} must be between {low:g} and {high:g}, not {value:g}"
    return None


def build_request(urls: str | Iterable[str] = (), uploads: Iterable[Upload] = (), kind: str = "pages",
                  workers: int = 1, timeout: float = config.FetchPolicy.timeout, delay: float = 1.0,
                  limits: UploadLimits = DEFAULT_UPLOAD_LIMITS) -> IngestRequest:
    """Validate what the form gathered; raise RequestError listing every problem (one line each).

    `urls` is the text area (one URL per line; blank lines and `#` comments skipped) or a list."""
    lines = urls.splitlines() if isinstance(urls, str) else [str(u) for u in urls]
    kept, problems = _url_problems(lines, limits)
    uploads = tuple(uploads)
    problems += _upload_problems(uploads, limits)
    if kind not in KIND_FLAGS:
        problems.append(f"kind must be one of {', '.join(KIND_FLAGS)}, not {str(kind)[:40]!r}")
    for problem in (_number("workers", workers, 1, max_workers(), integer=True),
                    _number("timeout", timeout, *BOUNDS["timeout"]), _number("delay", delay, *BOUNDS["delay"])):
        if problem:
            problems.append(problem)
    if not kept and not uploads and not problems:
        problems.append("give at least one URL or file")
    if problems:
        raise RequestError(problems)
    return IngestRequest(tuple(kept), uploads, kind, workers, float(timeout), float(delay), limits)


@dataclass
class Job:
    """A started dashboard ingest: its folder, log and process (exit codes as the CLI's: 0, 2, 3)."""

    id: str
    folder: Path
    process: subprocess.Popen

    @property
    def log(self) -> Path:
        return self.folder / LOG_FILE

    def poll(self) -> int | None:
        """The exit code once the job has ended, else None."""
        return self.process.poll()

    def tail(self, lines: int = 12) -> str:
        """The last lines of the job's output (progress-bar redraws collapsed to their last state)."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        shown = [line.split("\r")[-1] for line in text.splitlines() if line.strip()]
        return "\n".join(shown[-lines:])


def start_ingest(request: IngestRequest, db: str | Path, root: Path | None = None) -> Job:
    """Save the request and its uploads in a new job folder and start the ingest process.

    Raises IngestDisabled unless TRACKER_DASHBOARD_INGEST=1, RequestError if the request does not
    validate (it is checked again here, whoever built it)."""
    if not config.dashboard_ingest_allowed():
        raise IngestDisabled(f"ingest from the dashboard is off; start the dashboard with "
                             f"{config.ENV_DASHBOARD_INGEST}=1 to allow it")
    request = build_request(request.urls, request.uploads, request.kind, request.workers, request.timeout,
                            request.delay, request.limits)
    root = Path(root or config.jobs_dir())
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    cleanup_jobs(root)
    cleanup_legacy()
    job_id = dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    folder = root / job_id
    (folder / UPLOADS).mkdir(parents=True, mode=0o700)
    names = []
    for n, upload in enumerate(request.uploads):
        names.append(safe_name(upload.name, n))
        (folder / UPLOADS / names[-1]).write_bytes(upload.data)
    (folder / REQUEST_FILE).write_text(json.dumps({
        "db": str(Path(db).resolve()), "urls": list(request.urls), "uploads": names, "kind": request.kind,
        "workers": request.workers, "timeout": request.timeout, "delay": request.delay}), encoding="utf-8")
    with (folder / LOG_FILE).open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "pipeline.submit", str(folder)], cwd=ROOT,
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    _write(folder / STATUS_FILE, {"pid": process.pid, "started": _now()})
    return Job(job_id, folder, process)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def cleanup_jobs(root: Path | None = None, keep: dt.timedelta = KEEP_ENDED) -> list[Path]:
    """Delete job folders that ended (or whose process died) more than `keep` ago; a dead job's
    uploads go at once. Only folders holding a job request are touched. Returns what was deleted."""
    root = Path(root or config.jobs_dir())
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    cutoff = dt.datetime.now(dt.UTC) - keep
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / REQUEST_FILE).is_file()):
        ended = _read(folder / EXIT_FILE).get("ended")
        status = _read(folder / STATUS_FILE)
        if not ended:
            if pid_alive(status.get("pid")):
                continue
            # a folder without a status was left by a start that failed (or is being started right now)
            ended = dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC).isoformat()
            if status:  # the process died without recording its end: its uploads will not be read
                shutil.rmtree(folder / UPLOADS, ignore_errors=True)
        if dt.datetime.fromisoformat(ended) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


LEGACY = ("tracker-job-*.log", "tracker-upload-*")  # what the dashboard's former job runner left in the temp folder


def cleanup_legacy(folder: Path | None = None, keep: dt.timedelta = KEEP_ENDED) -> list[Path]:
    """Delete job logs and upload folders of the former job runner (`tracker-job-*.log`,
    `tracker-upload-*` in the system's temporary folder) last changed more than `keep` ago."""
    folder = Path(folder or tempfile.gettempdir())
    cutoff = (dt.datetime.now() - keep).timestamp()
    removed = []
    for pattern in LEGACY:
        for path in folder.glob(pattern):
            try:
                if path.lstat().st_mtime >= cutoff or path.is_symlink():
                    continue
                shutil.rmtree(path) if path.is_dir() else path.unlink()
            except OSError:
                continue
            removed.append(path)
    return removed


def command(folder: Path) -> list[str]:
    """The `python -m pipeline` arguments for a saved request, validated again: user text only after `--`."""
    saved = _read(folder / REQUEST_FILE)
    names = [str(n) for n in saved.get("uploads", [])]
    if any(Path(n).name != n or n.startswith(".") for n in names):
        raise RequestError(["upload names must be plain file names"])
    paths = [folder / UPLOADS / n for n in names]
    uploads = [Upload(n, b"") for n in names]  # sizes were checked when saved; suffixes are checked again
    request = build_request(saved.get("urls", []), uploads, saved.get("kind", ""), saved.get("workers"),
                            saved.get("timeout"), saved.get("delay"))
    return ["ingest", "--db", str(saved.get("db")), "--workers", str(request.workers),
            "--timeout", str(request.timeout), "--delay", str(request.delay), *KIND_FLAGS[request.kind],
            "--", *request.urls, *(str(p) for p in paths)]


def run_job(folder: Path) -> int:
    """The job process: run the saved request's ingest, then delete its uploads and record the exit code."""
    from .cli import main

    code = 2
    try:
        try:
            code = main(command(folder))
        except RequestError as exc:
            print(f"error: {exc}", file=sys.stderr)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        return code
    finally:
        shutil.rmtree(folder / UPLOADS, ignore_errors=True)
        with contextlib.suppress(OSError):
            _write(folder / EXIT_FILE, {"code": code, "ended": _now()})


if __name__ == "__main__":
    sys.exit(run_job(Path(sys.argv[1])))
