"""Where the two cores go during a save load: CPU milliseconds per save, by process group.

    .venv/bin/python -m bench.cpu_split [--db postgresql|sqlite] [--clients 20] [--seconds 10]

Serves the app with gunicorn (gunicorn.conf.py) on the benchmark data set (built if missing),
runs wrk's save script, and reads every process's user and system time from /proc before and
after: the gunicorn workers, the database server's processes (PostgreSQL backends, WAL writer,
checkpointer, ...), wrk, and everything else. Also the floor (/healthz/live) for comparison.
A save's cost is what all of them spend, not only the app: on two cores, throughput is
about 2,000 ms / (CPU ms per save) once the cores are busy.
"""

from __future__ import annotations

import argparse
import os
import resource
import uuid
from pathlib import Path

from bench import build, load, measure
from bench.run import PG_DEFAULT
from bench.server import gunicorn

HERE = Path(__file__).parent
TICK = os.sysconf("SC_CLK_TCK")


def _process_times() -> dict[int, tuple[str, str, float]]:
    """pid -> (command name, full command line, CPU seconds) for every process readable now."""
    times: dict[int, tuple[str, str, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                raw = stat.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmd:
                cmdline = cmd.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        utime, stime = int(fields[11]), int(fields[12])
        times[int(entry.name)] = (name, cmdline, (utime + stime) / TICK)
    return times


def _group(name: str, cmdline: str) -> str:
    if "gunicorn" in cmdline:
        return "gunicorn (app)"
    if name.startswith("postgres") or cmdline.startswith("postgres"):
        return "postgresql"
    return "other"


def _children_cpu() -> float:
    """CPU seconds of this process's finished children: wrk has exited by the second reading."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _system_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, to give idle time."""
    with open("/proc/stat") as stat:
        parts = [int(x) for x in stat.readline().split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts) - idle) / TICK, sum(parts) / TICK


def _measure(url: str, script: str, args: list[str], clients: int, seconds: int) -> dict:
    before, sys_before, children_before = _process_times(), _system_cpu(), _children_cpu()
    measured_load = load.run(url, script, args, clients, seconds)
    after, sys_after = _process_times(), _system_cpu()
    groups: dict[str, float] = {}
    for pid, (name, cmdline, cpu) in after.items():
        spent = cpu - (before[pid][2] if pid in before else 0.0)
        if spent > 0:
            key = _group(name, cmdline)
            groups[key] = groups.get(key, 0.0) + spent
    groups["wrk (load)"] = _children_cpu() - children_before
    busy = sys_after[0] - sys_before[0]
    total = sys_after[1] - sys_before[1]
    groups["kernel and unattributed"] = max(0.0, busy - sum(groups.values()))
    return {"load": measured_load, "groups": groups, "idle": total - busy}


def _print(label: str, measured: dict) -> None:
    done = measured["load"].requests
    print(f"\n{label}: {done} requests, {measured['load'].rps:.0f}/s, p50 {measured['load'].p50:.1f}"
          f" ms, p99 {measured['load'].p99:.1f} ms; idle CPU {measured['idle']:.1f} s")
    print("| process group | CPU s | CPU ms per request |")
    print("| --- | --- | --- |")
    for key, spent in sorted(measured["groups"].items(), key=lambda kv: -kv[1]):
        print(f"| {key} | {spent:.2f} | {1000 * spent / max(done, 1):.2f} |")
    total = sum(measured["groups"].values())
    print(f"| all | {total:.2f} | {1000 * total / max(done, 1):.2f} |")


def save_load_options(description: str, db: str) -> tuple[argparse.Namespace, str]:
    """The command line of a save load (database, clients, seconds, workers) and its data set.

    The data set is built afresh: the same rows every run (see bench.build.ensure).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default=db)
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None)
    options = parser.parse_args()
    url = options.postgres_url if options.db == "postgresql" else build.sqlite_url()
    build.ensure(url, print, fresh=True)
    return options, url


def main() -> None:
    options, url = save_load_options(__doc__.splitlines()[0], "postgresql")
    logs = HERE / "results" / f"gunicorn-cpu-{options.db}.log"
    logs.parent.mkdir(exist_ok=True)
    with gunicorn(url, options.workers, logs) as base:
        cookie, token = measure.teacher_session(base)
        load.run(base + "/healthz/live", "get.lua", [], options.clients, 2)  # warm
        _print("floor /healthz/live", _measure(base + "/healthz/live", "get.lua", [],
                                               options.clients, options.seconds))
        cells = measure.save_cells(url)
        prefix = f"cpu-{uuid.uuid4().hex}"
        _print(f"save a score, {options.clients} clients",
               _measure(base + "/", "save.lua", [cookie, token, prefix, *cells],
                        options.clients, options.seconds))


if __name__ == "__main__":
    main()
