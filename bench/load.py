"""Run wrk (a real HTTP load generator) over loopback, bounded in time, and read its figures."""

from __future__ import annotations

import json
import shutil
import subprocess
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

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    return path


def run(url: str, script: str, args: list[str], clients: int, seconds: int) -> Load:
    command = [wrk_path(), "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(HERE / script), url, "--", *args]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                         check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    data = json.loads(line[len("RESULT "):])
    return Load(data["requests"], data["seconds"], data["p50"], data["p95"], data["p99"],
                data["status_errors"] + data["socket_errors"])
