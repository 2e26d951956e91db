"""The benchmark, one command:  .venv/bin/python -m bench.run  [--db sqlite|postgresql|both] [--lighthouse]

Builds the data set (once; reused while it is current), serves the app with gunicorn exactly
as gunicorn.conf.py says, loads it with wrk over loopback and prints one table per database.
Every load is bounded: `--seconds` per measurement point. Results also go to bench/results/.

`--ref OLD --ref NEW` measures two (or more) commits side by side in one run, each from its
own worktree (bench/refs.py), and prints one comparison table per database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import uuid
from datetime import datetime
from pathlib import Path

from bench import build, lighthouse, load, measure, refs
from bench.server import gunicorn

HERE = Path(__file__).parent
CLIENTS = (1, 10, 20)
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/teacherapp_bench"
MISSING = "not measured: endpoint missing"

# The targets of the issue "Simplify the write path" (docs/performance.md).
SAVE_SHARE = 0.12  # of the floor's requests per second, at 20 clients
SAVE_P99_MS = {"sqlite": 50.0, "postgresql": 100.0}  # at 20 clients
PAGE_P95_MS = 30.0
CSV_RATIO, XLSX_RATIO, XLSX_MB = 2.0, 25.0, 150.0


def _ms(x: float) -> str:
    return f"{x:.1f}"


def _server_side(log_path: Path, offset: int) -> dict:
    """The saves' own durations in gunicorn's access log written since `offset`.

    wrk's latency adds the wait in the listen queue (20 clients, 3 workers on PostgreSQL: 17 requests wait)
    to the time the server spent on the request; the access log has the latter alone, so the
    two together tell queueing from service.
    """
    durations = []
    with open(log_path, "rb") as log:
        log.seek(offset)
        for line in log:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("method") == "POST" and "/sittings/" in (entry.get("path") or ""):
                durations.append(float(entry["duration_ms"]))
    durations.sort()
    if not durations:
        return {}
    pick = lambda q: durations[min(len(durations) - 1, int(q * len(durations)))]  # noqa: E731
    return {"p50": pick(0.50), "p99": pick(0.99), "max": durations[-1], "n": len(durations)}


def bench_database(name: str, url: str, seconds: int, workers: int | None, log,
                   with_lighthouse: bool = False, slices: int = 5) -> dict:
    log(f"== {name}: data set")
    result: dict = {"database": name, "counts": build.ensure(url, log, fresh=True)}
    log(f"   {result['counts']}")
    has_save = measure.has_endpoint(url, "scoring.score_cell")
    has_roster = measure.has_endpoint(url, "courses.show")
    has_exam = measure.has_endpoint(url, "scoring.exam_mode")
    has_export = measure.has_endpoint(url, "deliberation.export_download")
    logs = HERE / "results" / f"gunicorn-{name}.log"
    logs.parent.mkdir(exist_ok=True)
    with gunicorn(url, workers, logs) as base:
        cookie, token = measure.teacher_session(base)
        # Pages first, on a warm server (2 s of requests not counted) and a settled database:
        # measured right after the 20-client save run, PostgreSQL's roster p95 was 107-173 ms
        # for about 5 s (its p50 unchanged: the database writing back 10,000 saves), then 25 ms.
        result["pages"] = {}
        for label, path, present in (("roster (30 pupils)", measure.ROSTER, has_roster),
                                     ("exam mode", measure.EXAM, has_exam)):
            if present:
                log(f"   {label}")
                load.run(base + path, "get.lua", [cookie], 1, 2)
                result["pages"][label] = load.run(base + path, "get.lua", [cookie], 1, max(3, seconds // 2)).__dict__
        result["floor"], result["save"] = {}, {}
        floor = load.Point(base + "/healthz/live", "get.lua", lambda: [])
        for clients in CLIENTS:
            if not has_save:
                log(f"   floor, {clients} clients")
                result["floor"][clients] = load.run(base + "/healthz/live", "get.lua", [],
                                                    clients, seconds).__dict__
                continue
            log(f"   floor and save, {clients} clients, taking turns")
            save = load.Point(base + "/", "save.lua", lambda: [
                # the cells' versions as stored now, and a fresh idempotency key per save
                cookie, token, f"bench-{uuid.uuid4().hex}", *measure.save_cells(url)])
            offset = logs.stat().st_size
            floor_load, save_load = load.interleaved([floor, save], clients, seconds, slices)
            result["floor"][clients], result["save"][clients] = floor_load.__dict__, save_load.__dict__
            time.sleep(0.5)  # the workers' last access lines
            result.setdefault("save_server", {})[clients] = _server_side(logs, offset)
        result["statements"] = measure.statements_per_page(
            url, [p for p, ok in ((measure.ROSTER, has_roster), (measure.EXAM, has_exam)) if ok])
        if has_exam:
            cells = measure.save_cells(url) if has_save else []
            result["transfer"] = measure.transfer_sizes(base, cookie, token, cells[-1] if cells else None)
        if with_lighthouse:
            result["lighthouse"] = {}
            for label, path, session in (("login", "/login", None), ("course", measure.ROSTER, cookie),
                                         ("exam mode", measure.EXAM, cookie)):
                log(f"   lighthouse: {label}")
                result["lighthouse"][label] = lighthouse.audit(base + path, session)
    result["export"] = {"floor": measure.export(url, "floor")}
    if has_export:
        for kind in ("csv", "xlsx"):
            log(f"   export {kind}")
            result["export"][kind] = measure.export(url, kind)
    result["present"] = {"save": has_save, "roster": has_roster, "exam": has_exam, "export": has_export}
    return result


def table(r: dict) -> str:
    lines = [f"### {r['database']}", "",
             "| measurement | clients | req/s | p50 ms | p95 ms | p99 ms | errors | vs floor | target |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for clients in CLIENTS:
        f = load.Load(**r["floor"][clients])
        lines.append(f"| floor /healthz/live | {clients} | {f.rps:.0f} | {_ms(f.p50)} | {_ms(f.p95)} | {_ms(f.p99)} | {f.errors} | 100% | |")
    for clients in CLIENTS:
        if not r["present"]["save"]:
            lines.append(f"| save a score | {clients} | {MISSING} | | | | | | |")
            continue
        s, f = load.Load(**r["save"][clients]), load.Load(**r["floor"][clients])
        if clients == 20:
            p99 = SAVE_P99_MS[r["database"]]
            ok = s.rps >= SAVE_SHARE * f.rps and s.p99 < p99
            target = f"{'met' if ok else 'MISSED'} (>={SAVE_SHARE:.0%}, p99<{p99:.0f})"
        else:
            target = ""
        lines.append(f"| save a score | {clients} | {s.rps:.0f} | {_ms(s.p50)} | {_ms(s.p95)} | {_ms(s.p99)} | {s.errors} | {100 * s.rps / f.rps:.1f}% | {target} |")
    served = r.get("save_server") or {}
    if any(served.values()):
        lines += ["", "Saves as the server timed them (gunicorn's access log: without the wait in the "
                  "listen queue), p50 / p99 / max ms: " + "; ".join(
                      f"{c} client{'s' if c > 1 else ''} {v['p50']:.1f} / {v['p99']:.1f} / {v['max']:.1f}"
                      for c, v in served.items() if v)]
    lines += ["", "| page | p50 ms | p95 ms | SQL statements | target |", "| --- | --- | --- | --- | --- |"]
    for label, path, key in (("roster (30 pupils)", measure.ROSTER, "roster"), ("exam mode", measure.EXAM, "exam")):
        if not r["present"][key]:
            lines.append(f"| {label} | {MISSING} | | | |")
            continue
        p = load.Load(**r["pages"][label])
        n = r["statements"].get(path)
        lines.append(f"| {label} | {_ms(p.p50)} | {_ms(p.p95)} | {n} | {'met' if p.p95 < PAGE_P95_MS else 'MISSED'} (p95<{PAGE_P95_MS:.0f}) |")
    floor = r["export"]["floor"]
    lines += ["", "| export | rows | seconds | peak MB | vs CSV floor | target |", "| --- | --- | --- | --- | --- | --- |",
              f"| floor: raw SQL + csv module | {floor.get('rows')} | {floor.get('seconds', 0):.2f} | {floor.get('peak_mb', 0):.0f} | 1.0x | |"]
    for kind, limit in (("csv", CSV_RATIO), ("xlsx", XLSX_RATIO)):
        e = r["export"].get(kind)
        if e is None:
            lines.append(f"| {kind.upper()} export | {MISSING} | | | | |")
        elif "error" in e:
            lines.append(f"| {kind.upper()} export | failed: {e['error']} | | | | |")
        else:
            ratio = e["seconds"] / floor["seconds"]
            ok = ratio <= limit and (kind == "csv" or e["peak_mb"] < XLSX_MB)
            lines.append(f"| {kind.upper()} export | {e['rows'] if e['rows'] >= 0 else 'same'} | {e['seconds']:.2f} | {e['peak_mb']:.0f} | {ratio:.1f}x | {'met' if ok else 'MISSED'} (<={limit:g}x{f', <{XLSX_MB:.0f} MB' if kind == 'xlsx' else ''}) |")
    t = r.get("transfer")
    lines.append("")
    if t:
        lines.append(f"Exam mode first load, compressed: {t['first_load_bytes'] / 1024:.1f} KB "
                     f"({'met' if t['first_load_bytes'] <= 60 * 1024 else 'MISSED'}, target <= 60 KB): "
                     + ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in t["items"].items()))
        if "save_response_bytes" in t:
            lines.append(f"One save: request {t['save_request_bytes']} B, response {t['save_response_bytes']} B "
                         f"({'met' if t['save_response_bytes'] <= 2048 else 'MISSED'}, target <= 2 KB)")
    else:
        lines.append(f"Transfer sizes: {MISSING} (exam mode)")
    if r.get("lighthouse"):
        lines += ["", lighthouse.table(r["lighthouse"])]
    return "\n".join(lines)


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else (" (met)" if ok else " (MISSED)")


def _comparison_rows(r: dict) -> list[tuple[str, str, bool | None]]:
    """(measurement, value, whether the target is met or None) for one commit's result."""
    floor = {c: load.Load(**r["floor"][str(c)] if str(c) in r["floor"] else r["floor"][c])
             for c in CLIENTS}
    rows = [("floor /healthz/live, req/s at 1 / 10 / 20 clients",
             " / ".join(f"{floor[c].rps:.0f}" for c in CLIENTS), None)]
    saves = r.get("save") or {}
    if saves:
        save = {c: load.Load(**saves.get(str(c), saves.get(c))) for c in CLIENTS}
        share = {c: save[c].rps / floor[c].rps if floor[c].rps else 0.0 for c in CLIENTS}
        rows.append(("save, share of the floor at 1 / 10 / 20 clients",
                     " / ".join(f"{100 * share[c]:.1f} %" for c in CLIENTS),
                     share[20] >= SAVE_SHARE))
        s20 = save[20]
        rows.append(("save at 20 clients: saves/s, p50 / p99 ms",
                     f"{s20.rps:.0f}/s, {s20.p50:.1f} / {s20.p99:.1f}",
                     s20.p99 < SAVE_P99_MS[r["database"]]))
        rows.append(("save errors (all points)", str(sum(save[c].errors for c in CLIENTS)),
                     None))
        served = (r.get("save_server") or {}).get("20") or (r.get("save_server") or {}).get(20)
        if served:
            rows.append(("save at 20 clients as the server timed it, p50 / p99 ms",
                         f"{served['p50']:.1f} / {served['p99']:.1f}", None))
    for label in ("roster (30 pupils)", "exam mode"):
        page = (r.get("pages") or {}).get(label)
        if page:
            p = load.Load(**page)
            path = measure.ROSTER if label.startswith("roster") else measure.EXAM
            rows.append((f"{label}: p95 ms (SQL statements)",
                         f"{p.p95:.1f} ({r['statements'].get(path)})", p.p95 < PAGE_P95_MS))
    floor_export = r["export"]["floor"]
    for kind, limit in (("csv", CSV_RATIO), ("xlsx", XLSX_RATIO)):
        e = r["export"].get(kind)
        if e and "error" not in e:
            ratio = e["seconds"] / floor_export["seconds"]
            ok = ratio <= limit and (kind == "csv" or e["peak_mb"] < XLSX_MB)
            rows.append((f"{kind.upper()} export: x the CSV floor (peak MB)",
                         f"{ratio:.1f}x ({e['peak_mb']:.0f} MB)", ok))
    return rows


def comparison(database: str, runs: list[tuple[str, dict]]) -> str:
    """One table per database: each commit's figures beside the others', with the targets."""
    p99 = SAVE_P99_MS[database]
    targets = {"save, share": f">= {SAVE_SHARE:.0%} at 20", "save at 20 clients: saves/s": f"p99 < {p99:.0f}",
               "roster": f"p95 < {PAGE_P95_MS:.0f}", "exam": f"p95 < {PAGE_P95_MS:.0f}",
               "CSV": f"<= {CSV_RATIO:g}x", "XLSX": f"<= {XLSX_RATIO:g}x, < {XLSX_MB:.0f} MB"}
    columns = [dict((label, value + _verdict(ok)) for label, value, ok in _comparison_rows(r))
               for _, r in runs]
    labels = list(dict.fromkeys(label for column in columns for label in column))
    lines = [f"### {database}: side by side", "",
             "| measurement | " + " | ".join(name for name, _ in runs) + " | target |",
             "| --- |" + " --- |" * (len(runs) + 1)]
    for label in labels:
        target = next((t for key, t in targets.items() if label.startswith(key)), "")
        lines.append(f"| {label} | " + " | ".join(c.get(label, "n/a") for c in columns)
                     + f" | {target} |")
    return "\n".join(lines)


def compare_refs(args, header: str) -> None:
    """Each database in turn; within it, each commit in turn, from its own worktree."""
    commits = [(ref, refs.resolve(ref)) for ref in args.ref]
    options = ["--seconds", str(args.seconds), "--slices", str(args.slices),
               "--postgres-url", args.postgres_url]
    if args.workers:
        options += ["--workers", str(args.workers)]
    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    tables, raw = [], {}
    for database in databases:
        runs = []
        for ref, commit in commits:
            result = refs.run_at(commit, database, options, print)
            name = f"{ref} ({commit[:8]})" if ref != commit[:len(ref)] else commit[:8]
            runs.append((name, result))
            raw.setdefault(database, {})[commit] = result
        tables.append(comparison(database, runs))
    print("\n" + header + "\n")
    for t in tables:
        print(t + "\n")
    out = HERE / "results" / f"compare-{datetime.now():%Y%m%d-%H%M}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"header": header, "refs": dict(commits), "results": raw},
                              indent=1, default=str))
    print(f"(raw figures in {out.relative_to(HERE.parent)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT))
    parser.add_argument("--seconds", type=int, default=10, help="per load point (default 10)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--slices", type=int, default=5,
                        help="the floor and the save take turns this many times within each "
                             "load point (default 5: 2 s each at 10 s; 1: one run each)")
    parser.add_argument("--lighthouse", action="store_true",
                        help="also run Lighthouse (mobile) on the login, course and exam pages")
    parser.add_argument("--ref", action="append", default=[],
                        help="measure this commit from its own worktree; give it twice or more "
                             "(e.g. --ref 4bd82ed --ref HEAD) for a side-by-side table")
    args = parser.parse_args()
    load.wrk_path()
    if args.lighthouse:
        lighthouse.lighthouse_path()
        lighthouse.chrome_path()
    started = time.time()
    header = (f"teacherapp benchmark, {datetime.now():%d/%m/%Y %H:%M}, {platform.node()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}, "
              f"gunicorn workers: {args.workers or 'gunicorn.conf.py default'}, {args.seconds} s per point"
              + (", floor and save taking turns: {1} x {0} s".format(*load.turns(args.seconds, args.slices))
                 if args.slices > 1 else ""))
    if args.ref:
        compare_refs(args, header + ", commits side by side: " + ", ".join(args.ref))
        print(f"(total {time.time() - started:.0f} s)")
        return
    results = []
    targets = [("sqlite", build.sqlite_url())] if args.db in ("sqlite", "both") else []
    if args.db in ("postgresql", "both"):
        targets.append(("postgresql", args.postgres_url))
    for name, url in targets:
        results.append(bench_database(name, url, args.seconds, args.workers, print,
                                      with_lighthouse=args.lighthouse, slices=args.slices))
    print("\n" + header + "\n")
    for r in results:
        print(table(r) + "\n")
    out = HERE / "results" / f"{datetime.now():%Y%m%d-%H%M}.json"
    out.write_text(json.dumps({"header": header, "results": results},
                              indent=1, default=str))
    print(f"\n(total {time.time() - started:.0f} s; raw figures in {out.relative_to(HERE.parent)})")


if __name__ == "__main__":
    main()
