"""Lighthouse (mobile preset) on the login, course and exam-mode pages: `bench.run --lighthouse`.

Needs Node and the npm package `lighthouse`, which is never committed: install it once with
    npm install --prefix bench lighthouse          # into bench/node_modules (git-ignored)
or point LIGHTHOUSE_BIN at a lighthouse executable installed elsewhere. Chromium is Debian's
(/usr/bin/chromium, or CHROME_PATH), run headless without a sandbox and without a GPU.
The logged-in pages get the benchmark teacher's session cookie as an extra request header.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).parent
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"


def lighthouse_path() -> str:
    candidates = [os.environ.get("LIGHTHOUSE_BIN"), str(HERE / "node_modules" / ".bin" / "lighthouse"),
                  shutil.which("lighthouse")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("lighthouse is missing: npm install --prefix bench lighthouse "
                     "(or set LIGHTHOUSE_BIN)")


def chrome_path() -> str:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.isfile(path):
        raise SystemExit("Chromium is missing: apt-get install -y chromium (or set CHROME_PATH)")
    return path


def audit(url: str, cookie: str | None = None) -> dict:
    """Scores 0-100 per category, and the audits that cost accessibility or best-practice points."""
    command = [lighthouse_path(), url, "--output=json", "--output-path=stdout", "--quiet",
               "--only-categories=" + ",".join(CATEGORIES), f"--chrome-flags={CHROME_FLAGS}"]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    out = subprocess.run(command, capture_output=True, text=True, timeout=240,
                         env={**os.environ, "CHROME_PATH": chrome_path()})
    if out.returncode != 0 or not out.stdout.strip():
        return {"error": (out.stderr.strip().splitlines() or ["lighthouse failed"])[-1]}
    report = json.loads(out.stdout)
    scores = {name: round(100 * (report["categories"][name]["score"] or 0))
              for name in CATEGORIES}
    failing: list[str] = []
    details: dict[str, list] = {}  # audit id -> the first offending elements or messages
    for name in ("accessibility", "best-practices"):
        for ref in report["categories"][name]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref.get("weight") and result.get("score") is not None and result["score"] < 1:
                failing.append(f"{name}: {result['id']}")
                details[result["id"]] = [
                    (item.get("node") or {}).get("snippet") or item.get("description")
                    or item.get("source") or str(item)[:200]
                    for item in (result.get("details") or {}).get("items", [])][:5]
    metrics = report["audits"]
    return {
        "scores": scores,
        "failing": failing,
        "details": details,
        "fcp_ms": round(metrics["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(metrics["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(metrics["total-blocking-time"]["numericValue"]),
        "cls": round(metrics["cumulative-layout-shift"]["numericValue"], 3),
    }


def table(results: dict[str, dict]) -> str:
    lines = ["| page (Lighthouse, mobile) | performance | accessibility | best practices | FCP ms | LCP ms | TBT ms | CLS | target |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for label, r in results.items():
        if "error" in r:
            lines.append(f"| {label} | failed: {r['error']} | | | | | | | |")
            continue
        s = r["scores"]
        ok = all(s[name] >= TARGETS[name] for name in CATEGORIES)
        lines.append(f"| {label} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | "
                     f"{r['fcp_ms']} | {r['lcp_ms']} | {r['tbt_ms']} | {r['cls']} | "
                     f"{'met' if ok else 'MISSED'} (>=95, 100, >=95) |")
    failing = sorted({f for r in results.values() for f in r.get("failing", [])})
    if failing:
        lines.append("")
        lines.append("Audits that cost points: " + ", ".join(failing))
    return "\n".join(lines)
