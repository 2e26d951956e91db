"""When did the saves finish? Finds the moments in which no save finished, and what caused them.

    .venv/bin/python -m bench.timeline [--db sqlite|postgresql] [--clients 20] [--seconds 10]

Serves the app with gunicorn (gunicorn.conf.py plus the recording hooks of
bench/timeline_conf.py) on the benchmark data set, built afresh, runs wrk's save script, and
prints: wrk's figures; the saves' own time and CPU in the workers (p50 / p90 / p99 / max); and
the longest moments in which no save finished in any worker, each with the saves around it
(wall and CPU milliseconds, blocks written, voluntary and involuntary context switches, major
page faults, garbage-collector milliseconds). With 20 clients and 2 workers a moment of 50 ms
delays every waiting save by 50 ms: that is what a p99 is made of. This is how the SQLite log
that never started afresh was found (docs/performance.md, sixth round).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

from bench import load, measure
from bench.cpu_split import save_load_options
from bench.server import gunicorn

HERE = Path(__file__).parent


def read_saves(folder: Path) -> list[tuple]:
    """Every save the workers recorded: (start, end, cpu, worker, blocks, vcsw, ivcsw, majflt, gc)."""
    saves = []
    for path in folder.glob("worker-*.tsv"):
        worker = path.stem.split("-", 1)[1]
        for line in path.read_text().splitlines():
            start, end, cpu, is_save, blocks, vcsw, ivcsw, majflt, gc = line.split("\t")
            if is_save == "1":
                saves.append((float(start), float(end), float(cpu), worker, int(blocks),
                              int(vcsw), int(ivcsw), int(majflt), float(gc)))
    saves.sort(key=lambda save: save[1])
    return saves


def quiet_moments(saves: list[tuple], most: int) -> list[tuple[float, int]]:
    """The longest gaps between two finished saves: (seconds, index of the save before it)."""
    gaps = [(saves[i + 1][1] - saves[i][1], i) for i in range(len(saves) - 1)]
    return sorted(gaps, reverse=True)[:most]


def _percentiles(values: list[float]) -> str:
    values = sorted(values)
    pick = lambda q: 1000 * values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return (f"p50 {pick(0.5):.1f}, p90 {pick(0.9):.1f}, p99 {pick(0.99):.1f}, "
            f"max {1000 * values[-1]:.1f} ms")


def report(saves: list[tuple], most: int = 6) -> None:
    print(f"{len(saves)} saves recorded in the workers")
    print("  time in the worker: " + _percentiles([s[1] - s[0] for s in saves]))
    print("  CPU in the worker:  " + _percentiles([s[2] for s in saves]))
    first: dict[str, tuple] = {}
    for save in sorted(saves):
        first.setdefault(save[3], save)
    print("  each worker's first save: " + ", ".join(
        f"{1000 * (s[1] - s[0]):.1f} ms (CPU {1000 * s[2]:.1f})" for s in first.values()))
    print(f"\nthe {most} longest moments without a finished save:")
    for gap, index in quiet_moments(saves, most):
        print(f"  {1000 * gap:.1f} ms, after {saves[index][1] - saves[0][1]:.2f} s:")
        finished = saves[index][1]
        for save in saves[index:index + 3]:
            print(f"    worker {save[3]}: began {1000 * (save[0] - finished):+.1f} ms, "
                  f"took {1000 * (save[1] - save[0]):.1f} ms, CPU {1000 * save[2]:.1f} ms, "
                  f"{save[4]} blocks written, {save[5]} waits, {save[6]} preemptions, "
                  f"{save[7]} major faults, GC {1000 * save[8]:.1f} ms")


def main() -> None:
    options, url = save_load_options(__doc__.splitlines()[0], "sqlite")
    logs = HERE / "results" / f"gunicorn-timeline-{options.db}.log"
    logs.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["TIMELINE_DIR"] = folder
        with gunicorn(url, options.workers, logs, config=HERE / "timeline_conf.py") as base:
            cookie, token = measure.teacher_session(base)
            measured = load.run(base + "/", "save.lua",
                                [cookie, token, f"timeline-{uuid.uuid4().hex}",
                                 *measure.save_cells(url)], options.clients, options.seconds)
        print(f"\nwrk, {options.clients} clients: {measured.rps:.0f} saves/s, p50 "
              f"{measured.p50:.1f} ms, p99 {measured.p99:.1f} ms, {measured.errors} errors")
        report(read_saves(Path(folder)))


if __name__ == "__main__":
    main()
