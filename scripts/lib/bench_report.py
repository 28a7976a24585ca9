"""Renders BENCHMARKS.md and bench-results/bench.png from bench-results/bench.json and bench-read.json.

Usage: bench_report.py RESULTS_DIR BENCHMARKS_MD
bench-results/NOTES.md (hand-written: why boxfs is behind where it is, rclone/emulator findings) is included
verbatim after the tables; the fault matrix that scripts/faults keeps between its markers is carried over.
"""
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

CLIENTS = ("boxfs", "boxfs-async", "rclone", "rclone-full")
BOXFS = ("boxfs", "boxfs-async")
LABEL = {"boxfs": "boxfs", "boxfs-async": "boxfs write_back = async", "rclone": "rclone (defaults)", "rclone-full": "rclone --vfs-cache-mode full",
         "limit": "limit (direct API)", "cache files": "cache files read directly"}
WORKLOAD_TITLES = {
    "limit": "The limit: the same bytes moved straight over the API",
    "1": "Workload 1: sequential read of one file, cold then warm",
    "2": "Workload 2: 4 KiB random reads over the file (fio, psync, one job, fresh mount)",
    "3": "Workload 3: write and close one file, until it is on Box",
    "4": "Workload 4: `tar x` of a source tree into the mount, then `ls -lR` and `find` over it",
    "5": "Workload 5: `ls -l` of a big folder: cold, warm, after a remount",
    "6": "Workload 6: `rsync -a` of a tree, then a second `rsync -a` that changes nothing",
    "read": "Read benchmark (issue 3, scripts/bench-read)",
}


def fmt(x, digits=2):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def ratio(a, b):
    return a / b if a and b and not math.isnan(a) and not math.isnan(b) else float("nan")


def mbps(r):
    return r["bytes"] / 1e6 / r["seconds"] if r["bytes"] and r["seconds"] and not r["failed"] else float("nan")


def budgeted(r):
    return r["calls"]["api"] + r["calls"]["upload"]


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout.strip()
    except Exception:
        return "?"


def machine():
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    mem = sh("awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo")
    return (f"{cpu}, {os.cpu_count()} cores, {mem} RAM; Linux {platform.release()}; "
            f"{sh('. /etc/os-release; echo $PRETTY_NAME')}")


def versions(repo: Path, runs):
    # The commit each run recorded when it started (the tree may have moved on since); else today's HEAD.
    def commits(name, data):
        # A merged run (BENCH_MERGE=1) has rows measured at different commits: name each with its workloads.
        at = {}
        for r in data.get("results", []):
            at.setdefault(r.get("commit", data["commit"]), []).append(r["workload"])
        if len(at) <= 1:
            return f"{name}: {data['commit']}"
        parts = [f"workloads {', '.join(dict.fromkeys(w))} at {c}" for c, w in at.items()]
        return f"{name}: " + "; ".join(parts)
    recorded = [commits(name, data) for name, data in runs if data and data.get("commit")]
    if recorded:
        built = "boxfs and box-emulator: release builds of " + "; ".join(recorded)
    else:
        commit = sh(f"git -C {repo} rev-parse --short HEAD")
        dirty = " (with uncommitted changes in the tree)" if sh(f"git -C {repo} status --porcelain --untracked-files=no -- Sources") else ""
        built = f"boxfs and box-emulator: release builds of commit {commit}{dirty}"
    return [built,
            f"rclone: {sh('rclone version | head -1')}", f"stunnel: {sh('stunnel4 -version 2>&1 | grep -m1 ^stunnel')}",
            f"fio: {sh('fio --version')}", f"swift: {sh('swift --version 2>&1 | head -1')}"]


def table(rows, header):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return out


def step_rows(results):
    rows = []
    for r in results:
        calls_share, uploads_share = budget(r)
        rows.append([r["step"], LABEL.get(r["client"], r["client"]),
                     "FAILED" if r["failed"] and math.isnan(r["seconds"]) else r["seconds"], mbps(r),
                     budgeted(r), r["calls"]["download"], r["calls"]["uploads_started"], r["calls"]["http_429"],
                     f"{calls_share:.1%} / {uploads_share:.1%}", r["peak_rss_mb"],
                     notes(r)])
    return rows


def budget(r):
    minutes = max(1.0, r["seconds"] / 60) if r["seconds"] == r["seconds"] else 1.0
    return budgeted(r) / (1000 * minutes), r["calls"]["uploads_started"] / (240 * minutes)


def notes(r):
    parts = []
    if e := r.get("extra", {}).get("rsync_changed"):
        parts.append(f"rsync re-sent {r['extra']['rsync_changed_count']} item(s), e.g. `{e[0]}`")
    if r["failed"]:
        parts.append("**failed:** " + r["failed"].replace("|", "\\|"))
    e = r.get("extra", {})
    for key, label in (("close_returned_s", "close returned after %.1f s"), ("tar_returned_s", "tar returned after %.1f s"),
                       ("rsync_returned_s", "rsync returned after %.1f s"), ("iops", "%.0f IOPS"),
                       ("lat_ms_mean", "mean latency %.1f ms"), ("calls_per_file", "%.2f calls/file"),
                       ("counted_for_s", "calls counted for %.0f s")):
        if key in e and isinstance(e[key], (int, float)):
            parts.append(label % e[key])
    if len(e.get("rounds_s", [])) > 1:
        parts.append("median of rounds " + ", ".join(f"{s:.2f}" for s in e["rounds_s"]) + " s")
    return "; ".join(parts)


HEADER = ["step", "client", "wall s", "MB/s", "API calls", "downloads", "uploads", "429s",
          "budget (calls / uploads)", "peak RSS MB", "notes"]


def by(results, client, step):
    return next((r for r in results if r["client"] == client and r["step"] == step), None)


def comparisons(results, workload):
    """Per step: boxfs vs the limit (throughput) and vs each rclone mode (speed-up and share of API calls)."""
    limit_for = {"1": "parallel-range download", "3": "parallel-part upload"}
    limits = {r["step"]: r for r in results if r["client"] == "limit"}
    rows = []
    steps = [(r["client"], r["step"]) for r in results if r["client"] in BOXFS and r["step"] != "content check"]
    for client, step in dict.fromkeys(steps):
        b = by(results, client, step)
        row = [step if client == "boxfs" else f"{step} ({client})"]
        lim = limits.get(limit_for.get(workload, ""))
        row.append(ratio(mbps(b), mbps(lim)) if lim and workload in limit_for and "warm" not in step else float("nan"))
        for c in ("rclone", "rclone-full"):
            o = by(results, c, step)
            ok = o and b and not o["failed"] and not b["failed"]
            row.append(ratio(o["seconds"], b["seconds"]) if ok else float("nan"))
            row.append(f"{budgeted(b)} / {budgeted(o)}" if o and b else "–")
        rows.append(row)
    return table(rows, ["step", "boxfs ÷ limit (MB/s)", "rclone time ÷ boxfs time", "boxfs / rclone API calls",
                        "rclone-full time ÷ boxfs time", "boxfs / rclone-full API calls"])


def targets(bench, read):
    rows = []
    res = bench["results"] if bench else []
    lim = {r["step"]: r for r in res if r["client"] == "limit"}
    b1 = by(res, "boxfs", "cold read")
    if b1 and "parallel-range download" in lim:
        v = ratio(mbps(b1), mbps(lim["parallel-range download"]))
        rows.append(["W1 cold read ≥ 0.9 of the limit", v, yes(v >= 0.9)])
    b3 = by(res, "boxfs", "write + close, until on Box")
    if b3 and "parallel-part upload" in lim:
        v = ratio(mbps(b3), mbps(lim["parallel-part upload"]))
        rows.append(["W3 write ≥ 0.85 of the limit", v, yes(v >= 0.85)])
    b3a = by(res, "boxfs-async", "write + close, until on Box")
    if b3a and "parallel-part upload" in lim:
        v = ratio(mbps(b3a), mbps(lim["parallel-part upload"]))
        rows.append(["W3 write ≥ 0.85 of the limit (boxfs-async)", v, yes(v >= 0.85)])
    for r in res:
        if r["client"] not in BOXFS or r["step"] == "content check":
            continue
        mode = "" if r["client"] == "boxfs" else f" ({r['client']})"
        best = [o for o in (by(res, c, r["step"]) for c in ("rclone", "rclone-full")) if o and not o["failed"]]
        if best and not r["failed"]:
            fastest = min(best, key=lambda o: o["seconds"])
            v = ratio(fastest["seconds"], r["seconds"])
            rows.append([f"W{r['workload']} {r['step']}{mode}: faster than rclone's best mode ({fastest['client']})",
                         v, yes(v > 1)])
        if r["workload"] in ("4", "5", "6") and best:
            fewest = min(budgeted(o) for o in best)
            if fewest:
                v = budgeted(r) / fewest
                rows.append([f"W{r['workload']} {r['step']}{mode}: ≤ half rclone's API calls (vs its fewer)", v,
                             yes(v <= 0.5)])
    r = next((r for r in res if r["client"] == "boxfs" and r["step"].endswith("after remount")), None)
    if r:
        rows.append(["W5 `ls -l` after a remount: 0 API calls", budgeted(r), yes(budgeted(r) == 0 and not r["failed"])])
    r = by(res, "boxfs", "no-op rsync -a")
    if r:
        rows.append(["W6 no-op rsync: 0 uploads", r["calls"]["uploads_started"],
                     yes(r["calls"]["uploads_started"] == 0 and not r["failed"])])
    rss = [r["peak_rss_mb"] for r in res + (read["results"] if read else []) if r["client"] == "boxfs"
           and r["peak_rss_mb"] == r["peak_rss_mb"]]
    if rss:
        rows.append(["boxfs peak RSS < 150 MB throughout", max(rss), yes(max(rss) < 150)])
    if read:
        rr = read["results"]
        cold, lim_r = by(rr, "boxfs", "cold"), by(rr, "limit", "cold")
        if cold and lim_r:
            v = ratio(mbps(cold), mbps(lim_r))
            rows.append(["bench-read cold ≥ 0.9 of direct parallel ranges", v, yes(v >= 0.9)])
        for step, how in (("warm (after remount: block cache)", "in the page cache"),
                          ("warm (block cache, page cache dropped)", "from disk")):
            warm, files = by(rr, "boxfs", step), by(rr, "cache files", step)
            if warm and files:
                v = ratio(mbps(warm), mbps(files))
                rows.append([f"bench-read warm ≥ 0.8 of reading the cache files ({how})", v, yes(v >= 0.8)])
        big = next((r for r in rr if r["step"].endswith("sha1sum")), None)
        if big:
            rows.append([f"bench-read peak RSS < 150 MB reading {read['big_size'] >> 20} MiB", big["peak_rss_mb"],
                         yes(big["peak_rss_mb"] < 150 and not big["failed"])])
    return table(rows, ["target", "measured", "met"])


def yes(ok):
    return "yes" if ok else "**no**"


def chart(bench, path: Path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    res = [r for r in bench["results"] if r["step"] != "content check"]
    steps = list(dict.fromkeys(f"W{r['workload']} {r['step']}" for r in res if r["client"] in CLIENTS))
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(steps) + 1.5), dpi=80)
    colors = {"boxfs": "#1f77b4", "boxfs-async": "#9467bd", "rclone": "#ff7f0e", "rclone-full": "#2ca02c"}
    h = 0.8 / len(CLIENTS)
    for i, client in enumerate(CLIENTS):
        ys, xs = [], []
        for j, s in enumerate(steps):
            r = next((r for r in res if r["client"] == client and f"W{r['workload']} {r['step']}" == s), None)
            if r and not r["failed"] and r["seconds"] > 0:
                ys.append(j + (i - (len(CLIENTS) - 1) / 2) * h)
                xs.append(r["seconds"])
        ax.barh(ys, xs, height=h, label=LABEL[client], color=colors[client])
    ax.set_yticks(range(len(steps)))
    ax.set_yticklabels(steps, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("wall time, seconds (log scale; shorter is better)")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"boxfs vs rclone mount on the Box emulator ({bench['latency_ms']} ms latency)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    return True


FAULTS_BEGIN, FAULTS_END = "<!-- faults:begin -->", "<!-- faults:end -->"


def kept_fault_matrix(out: Path) -> list:
    """scripts/faults keeps its table between these markers in the same file; it survives a re-render."""
    old = out.read_text() if out.exists() else ""
    if FAULTS_BEGIN not in old or FAULTS_END not in old:
        return []
    block = old.split(FAULTS_BEGIN, 1)[1].split(FAULTS_END, 1)[0]
    return ["## Fault matrix (scripts/faults)", "", FAULTS_BEGIN + block + FAULTS_END, ""]


def main():
    results_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    load = lambda name: json.loads((results_dir / name).read_text()) if (results_dir / name).exists() else None
    bench, read = load("bench.json"), load("bench-read.json")
    repo = out.parent
    lines = ["# Benchmarks", "",
             "boxfs against `rclone mount` (Box backend) on the same local Box emulator, in the same run. Generated by",
             "`scripts/bench` (workloads 1–6 of issue 8) and `scripts/bench-read` (issue 3's read benchmark) from",
             "`bench-results/*.json`; re-render with `python3 scripts/lib/bench_report.py bench-results BENCHMARKS.md`.", ""]
    for name, data in (("scripts/bench", bench), ("scripts/bench-read", read)):
        if data:
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(data["started"]))
            took = (data["finished"] - data["started"]) / 60
            cap = f"{data['bandwidth_bps'] / 1e6:.0f} MB/s" if data["bandwidth_bps"] else "none"
            limits = {True: "Box's rate limits enforced", False: "no rate limits"}.get(data.get("box_limits"), "")
            lines.append(f"- `{name}`: run {when} ({took:.0f} min); emulator latency {data['latency_ms']} ms per request, "
                         f"bandwidth cap {cap}{'; ' + limits if limits else ''}; sizes {data.get('sizes') or {'read': data['read_size'], 'big': data['big_size']}}")
    lines += ["", f"Machine: {machine()}. **Noisy**: a shared virtual machine whose 2 cores also run the emulator "
              "and the TLS proxy, so absolute times wobble from run to run; the ratios compare steps made minutes "
              "apart in one run.", ""]
    lines += [f"- {v}" for v in versions(repo, (("scripts/bench", bench), ("scripts/bench-read", read)))]
    lines += ["", "Setup: a loopback-only network namespace (`scripts/lib/netns.sh`) in which api.box.com, upload.box.com "
              "and dl.boxcloud.com resolve to 127.0.0.1, served by stunnel (TLS, a test CA made at run time) in front of "
              "the emulator; downloads are redirected to https://dl.boxcloud.com like Box's. boxfs and rclone take the "
              "same path. Both mounts use their documented defaults (boxfs: mount.conf.example; rclone 1.60: "
              "`--vfs-cache-mode off`, `--poll-interval 1m`, 4 transfers) and rclone also runs with "
              "`--vfs-cache-mode full`; boxfs also runs with `write_back = async` (boxfs-async: close returns once the "
              "file is journaled, the like-for-like mode for rclone's full cache). The emulator enforces Box's "
              "documented per-user limits (1,000 API calls and 240 upload requests in any minute, answering 429 "
              "with Retry-After past them) unless a run says otherwise. Every workload starts on a fresh mount with an empty cache; the emulator's "
              "counters are reset right before each timed step. Write workloads are timed until the emulator has "
              "committed every file (for rclone's full mode that includes its 5 s write-back delay: the default).", "",
              "Columns: *API calls* are those Box counts against the per-user budget (api.box.com and upload.box.com "
              "requests; downloads from dl.boxcloud.com are listed separately); *uploads* are started uploads (simple "
              "uploads and upload sessions); *budget* is calls ÷ (1,000 × max(1 min, wall time)) and uploads ÷ "
              "(240 × the same); *peak RSS* is the daemon's VmHWM at the end of the step (each workload has its own "
              "daemon, so it is the peak over that workload so far).", ""]
    lines += ["## Targets", ""] + targets(bench, read) + [""]
    if bench:
        png = results_dir / "bench.png"
        if chart(bench, png):
            lines += [f"![wall time per step]({png.relative_to(repo)})", ""]
        res = bench["results"]
        for w in ["limit", "1", "2", "3", "4", "5", "6"]:
            rs = [r for r in res if r["workload"] == w]
            if not rs:
                continue
            lines += [f"## {WORKLOAD_TITLES[w]}", ""] + table(step_rows(rs), HEADER) + [""]
            if w != "limit":
                lines += comparisons([r for r in res if r["workload"] in (w, "limit")], w) + [""]
    if read:
        rr = read["results"]
        lines += [f"## {WORKLOAD_TITLES['read']}", ""] + table(step_rows(rr), HEADER) + [""]
    notes_md = results_dir / "NOTES.md"
    if notes_md.exists():
        lines += [notes_md.read_text().rstrip(), ""]
    lines += kept_fault_matrix(out)
    out.write_text("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
