"""Pipeline runs started from the dashboard: `python -m pipeline ...` in a separate process, its
output in a log file, polled by a fragment until it ends (then the whole page reruns, and the
store's new file stat refreshes every cached query)."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import streamlit as st

from pipeline import config, submit
from views import data

LOG_TAIL = 12


def start(args: list[str], label: str) -> None:
    """Start `python -m pipeline <args>` with the dashboard's database; one job per session. Only for
    fixed arguments (the sample build): user input goes through `pipeline.submit` (views/sources.py)."""
    submit.cleanup_legacy()
    log = Path(tempfile.mkstemp(prefix="tracker-job-", suffix=".log")[1])
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args, "--db", str(data.db_path())],
                                cwd=config.ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    follow(proc, log, label)


def follow(proc: subprocess.Popen, log: Path, label: str) -> None:
    """Make a started process this session's job: its progress and log tail are shown until it ends."""
    st.session_state["job"] = {"proc": proc, "log": str(log), "label": label, "started": time.time()}


def running() -> bool:
    """True while this session's job is still running."""
    job = st.session_state.get("job")
    return bool(job) and job["proc"].poll() is None


def _tail(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.split("\r")[-1] for line in text.splitlines() if line.strip()]
    return "\n".join(lines[-LOG_TAIL:])


@st.fragment(run_every=1.0)
def progress() -> None:
    """Show the job's state and output; when it ends, rerun the app so every view refreshes."""
    job = st.session_state.get("job")
    if not job:
        return
    code = job["proc"].poll()
    if code is not None:
        job.setdefault("ended", time.time())
    elapsed = job.get("ended", time.time()) - job["started"]
    if code is None:
        st.info(f"{job['label']} — running for {elapsed:.0f} s…", icon=":material/hourglass_top:")
        st.code(_tail(job["log"]) or "starting…", language=None)
        return
    if not job.get("reported"):
        job["reported"] = True
        job["code"] = code
        st.rerun(scope="app")
    if code == 0:
        st.success(f"{job['label']} — finished in {elapsed:.0f} s.")
    elif code == 3:
        st.warning(f"{job['label']} — the database stayed locked by another writer; try again shortly.")
    else:
        st.error(f"{job['label']} — failed (exit code {code}).")
    st.code(_tail(job["log"]), language=None)
    if st.button("Dismiss", key="job_dismiss"):
        st.session_state.pop("job", None)
        st.rerun(scope="app")
