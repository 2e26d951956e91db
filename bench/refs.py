"""Run the benchmark of another commit: its own code, checked out in a git worktree.

`python -m bench.run --ref 4bd82ed --ref HEAD` measures both commits in one run, one database
at a time, the refs taking turns, so the machine's mood of the moment weighs on both alike.
Each commit is served, built and measured by its own code (its own bench/, migrations and
models), in bench/.refs/<commit>, a detached worktree kept for the next run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parent
REFS = HERE / ".refs"


def _git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def resolve(ref: str) -> str:
    """The commit a ref names (a branch, a tag, HEAD, a short hash)."""
    try:
        return _git("rev-parse", "--verify", f"{ref}^{{commit}}")
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"bench: {ref!r} is not a commit in this repository") from exc


def checkout(commit: str) -> Path:
    """A worktree at `commit` under bench/.refs (made once, then reused)."""
    tree = REFS / commit[:12]
    if not (tree / ".git").exists():
        REFS.mkdir(exist_ok=True)
        _git("worktree", "prune")
        _git("worktree", "add", "--detach", "--force", str(tree), commit)
    return tree


def run_at(commit: str, database: str, options: list[str], log) -> dict:
    """Run `bench.run` for one database in the worktree of `commit`; return its result dict.

    The child is started with the worktree as its working directory and first on
    PYTHONPATH, so `teacherapp` and `bench` are that commit's (checked before it runs).
    """
    tree = checkout(commit)
    results = tree / "bench" / "results"
    started = time.time()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    imported = subprocess.run([sys.executable, "-c", "import teacherapp; print(teacherapp.__file__)"],
                              cwd=tree, env=env, check=True, capture_output=True, text=True).stdout
    if not Path(imported.strip()).is_relative_to(tree):
        raise SystemExit(f"bench: the worktree of {commit[:12]} imports {imported.strip()}")
    log(f"== {commit[:12]} ({_git('log', '-1', '--format=%s', commit)[:70]})")
    subprocess.run([sys.executable, "-m", "bench.run", "--db", database, *options], cwd=tree,
                   env=env, check=True)
    # The result file is named by the minute; a later run in the same minute rewrites it.
    written = sorted((p for p in results.glob("*.json") if p.stat().st_mtime >= started),
                     key=lambda p: p.stat().st_mtime)
    if not written:
        raise SystemExit(f"bench: the run of {commit[:12]} wrote no result")
    return json.loads(written[-1].read_text())["results"][0]
