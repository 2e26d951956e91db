"""Run wrk (a real HTTP load generator) over loopback, bounded in time, and read its figures."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent


@dataclass
class Load:
    requests: int
    seconds: float
    p50: float  # milliseconds
    p95: float
    p99: float
    errors: int
    slices: int = 1  # wrk runs this figure adds up (see `interleaved`)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class _Run:
    requests: int
    seconds: float
    errors: int
    latency: Counter  # microseconds -> responses that took exactly that long


@dataclass
class Point:
    """One thing to load: a URL, the wrk script, and the script's arguments for each run."""

    url: str
    script: str
    arguments: Callable[[], list[str]]


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    return path


def _wrk(url: str, script: str, args: Sequence[str], clients: int, seconds: int) -> _Run:
    command = [wrk_path(), "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(HERE / script), url, "--", *args]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                         check=True).stdout
    lines = out.splitlines()
    data = json.loads(next(x for x in lines if x.startswith("RESULT "))[len("RESULT "):])
    pairs = json.loads(next(x for x in lines if x.startswith("LATENCY "))[len("LATENCY "):])
    latency = Counter()
    for value, count in pairs:
        latency[int(value)] += int(count)
    return _Run(data["requests"], data["seconds"],
                data["status_errors"] + data["socket_errors"], latency)


def percentile(latency: Counter, p: float) -> float:
    """wrk's own percentile (stats.c), in milliseconds: the smallest latency whose cumulative
    count reaches C's round(p / 100 x count + 0.5), which rounds halves up (Python's round()
    would round them to even)."""
    count = sum(latency.values())
    if not count:
        return 0.0
    rank = math.floor(p / 100 * count + 0.5 + 0.5)
    seen = 0
    for value in sorted(latency):
        seen += latency[value]
        if seen >= rank:
            return value / 1e3
    return max(latency) / 1e3


def _summed(runs: list[_Run]) -> Load:
    latency = Counter()
    for r in runs:
        latency.update(r.latency)
    return Load(sum(r.requests for r in runs), sum(r.seconds for r in runs),
                percentile(latency, 50), percentile(latency, 95), percentile(latency, 99),
                sum(r.errors for r in runs), len(runs))


def run(url: str, script: str, args: list[str], clients: int, seconds: int) -> Load:
    return _summed([_wrk(url, script, args, clients, seconds)])


def turns(seconds: int, slices: int) -> tuple[int, int]:
    """How long each turn lasts and how many there are: wrk takes whole seconds only."""
    turn = max(1, int(seconds) // max(1, slices))
    return turn, max(1, int(seconds) // turn)


def interleaved(points: Sequence[Point], clients: int, seconds: int, slices: int) -> list[Load]:
    """Each point loaded for `seconds` in all, in about `slices` turns: A, B, A, B, ...

    This VM's speed moves within seconds (the same save ran 710, 639, 423 and 495 saves/s in
    four 8-second runs one after the other): a floor measured in the 10 s before a save run is
    not the yardstick of that run. Taking turns every `seconds / slices` puts both under the
    same minute; their figures add up the turns (requests over seconds; latency percentiles
    from the merged distributions, exactly as wrk computes them within one run).
    """
    turn, count = turns(seconds, slices)
    runs: list[list[_Run]] = [[] for _ in points]
    for _ in range(count):
        for i, point in enumerate(points):
            runs[i].append(_wrk(point.url, point.script, point.arguments(), clients, turn))
    return [_summed(r) for r in runs]
