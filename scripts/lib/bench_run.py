"""scripts/bench's driver (runs inside the benchmark namespace): the limit, then workloads 1-6 for each client.

Usage: bench_run.py WORKDIR MOUNTS_DIR BOXFS_BINARY RESULTS_JSON
Environment: BENCH_SCALE, BENCH_CLIENTS, BENCH_WORKLOADS, BENCH_W3_ROUNDS (default 3), BENCH_LATENCY_MS, BENCH_BANDWIDTH_BPS, BENCH_TIMEOUT and
the size variables of bench_workloads.Sizes; BENCH_MERGE=1 keeps the rows of an earlier RESULTS_JSON whose
workload and client were not run now (each row records the commit it was measured at).
"""
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench_harness import tree_commit, set_faults
from bench_workloads import Bench, Sizes

WORKLOADS = {
    "1": Bench.w1_sequential_read, "2": Bench.w2_random_read, "3": Bench.w3_write,
    "4": Bench.w4_tar, "5": Bench.w5_list, "6": Bench.w6_rsync,
}


WRITE_WORKLOADS = ("3", "4", "6")


def main():
    work, mounts, boxfs, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    clients = os.environ.get("BENCH_CLIENTS", "boxfs,boxfs-async,rclone,rclone-full").split(",")
    workloads = os.environ.get("BENCH_WORKLOADS", "limit,1,2,3,4,5,6").split(",")
    latency = int(os.environ.get("BENCH_LATENCY_MS", "20"))
    bandwidth = int(os.environ.get("BENCH_BANDWIDTH_BPS", "100000000"))
    sizes = Sizes.from_env()
    bench = Bench(work, mounts, boxfs, sizes, float(os.environ.get("BENCH_TIMEOUT", "900")))
    # Box's documented per-user limits, enforced as Box does (429 + Retry-After): without them a client that
    # ignores the budget looks faster here than it could ever be on Box.
    box_limits = os.environ.get("BENCH_BOX_LIMITS", "1") != "0"
    set_faults(latency_ms=latency, bandwidth_bps=bandwidth, rate_limits=box_limits)
    started = time.time()
    commit = tree_commit()
    print(f"sizes: {asdict(sizes)}; latency {latency} ms; bandwidth cap {bandwidth or 'none'} B/s; "
          f"Box's rate limits {'on' if box_limits else 'off'}", flush=True)
    w3_rounds = int(os.environ.get("BENCH_W3_ROUNDS", "3"))
    if "limit" in workloads:
        bench.limit()
        if "3" not in workloads:
            bench.limit_upload()
    for w in workloads:
        if w == "limit":
            continue
        if w == "3":
            bench.w3_rounds(clients, w3_rounds, with_limit="limit" in workloads)
            continue
        for client in clients:
            if client == "boxfs-async" and w not in WRITE_WORKLOADS:
                continue  # reads don't depend on the write-back mode
            WORKLOADS[w](bench, client)
    out.parent.mkdir(parents=True, exist_ok=True)
    results = [dict(m.as_json(), commit=commit) for m in bench.results]
    if os.environ.get("BENCH_MERGE") == "1" and out.exists():
        # Re-running some workloads or clients: their rows replace the earlier run's, the rest (other workloads,
        # other clients of these) are kept with the commit they were measured at.
        earlier = json.loads(out.read_text())
        ran = {(r["workload"], r["client"]) for r in results}
        kept = [dict(r, commit=r.get("commit", earlier.get("commit"))) for r in earlier["results"]
                if (r["workload"], r["client"]) not in ran]
        results = kept + results
        clients = list(dict.fromkeys(earlier.get("clients", []) + clients))
    out.write_text(json.dumps({
        "kind": "bench", "commit": commit, "started": started, "finished": time.time(), "sizes": asdict(sizes),
        "latency_ms": latency, "bandwidth_bps": bandwidth, "box_limits": box_limits, "clients": clients,
        "results": results,
    }, indent=1, default=str))
    print(f"results: {out}")


if __name__ == "__main__":
    main()
