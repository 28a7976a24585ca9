"""scripts/bench-read's driver (issue 3's read benchmark; runs inside the benchmark namespace).

1. cold sequential read of a READ_SIZE file through a fresh boxfs mount vs the same bytes fetched directly with
   parallel ranges (the practical limit);
2. warm re-read after a remount (so from boxfs's block cache, not the kernel's page cache of the old mount) vs
   reading the block cache's own files directly, both with the cache files in the page cache and both after
   dropping it;
3. peak RSS of the daemon while reading the seeded BIG_SIZE file (`large.bin`), whose SHA-1 is checked too.

Usage: bench_read_run.py WORKDIR MOUNTS_DIR BOXFS_BINARY RESULTS_JSON
"""
import json
import os
import sys
import time
from pathlib import Path

import bench_direct
from bench_harness import tree_commit, BenchError, Measurement, create_folder, run, set_faults
from bench_workloads import MiB, Bench, Sizes, sha1_file


def main():
    work, mounts, boxfs, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    small = os.environ.get("BENCH_SCALE", "full") == "small"
    read_size = int(os.environ.get("BENCH_READ_SIZE", 64 * MiB if small else 1 << 30))
    latency = int(os.environ.get("BENCH_LATENCY_MS", "20"))
    bandwidth = int(os.environ.get("BENCH_BANDWIDTH_BPS", "100000000"))
    timeout = float(os.environ.get("BENCH_TIMEOUT", "900"))
    bench = Bench(work, mounts, boxfs, Sizes.from_env(), timeout)
    started = time.time()
    commit = tree_commit()

    # The READ_SIZE file is uploaded straight through the API before the clock matters.
    src = bench.source_file(read_size)
    folder = f"bench-read-{time.time_ns()}"
    uploaded = bench_direct.parallel_upload(str(src), create_folder(folder), "read.bin")
    rel = f"{folder}/read.bin"
    set_faults(latency_ms=latency, bandwidth_bps=bandwidth)
    print(f"read size {read_size}, big file {bench.large['size']}; latency {latency} ms; "
          f"bandwidth cap {bandwidth or 'none'} B/s", flush=True)

    def direct():
        r = bench_direct.parallel_download(uploaded["file_id"], read_size)
        if r["sha1"] != uploaded["sha1"]:
            raise BenchError("direct download's SHA-1 differs from the upload's")
        return r["bytes"], r

    bench.step(Measurement("read", "cold", "limit"), None, direct)
    dd = lambda path: ["dd", f"if={path}", "of=/dev/null", "bs=1M"]
    with bench.mount("boxfs", "read") as mnt:
        path = mnt.mountpoint / rel
        bench.step(Measurement("read", "cold", "boxfs"), mnt, lambda: (run(dd(path), timeout=timeout), read_size)[1])
        bench.step(Measurement("read", "warm (kernel page cache)", "boxfs"), mnt,
                   lambda: (run(dd(path), timeout=timeout), read_size)[1])
    with bench.mount("boxfs", "read", reuse_cache=True) as mnt:
        path = mnt.mountpoint / rel
        bench.step(Measurement("read", "warm (after remount: block cache)", "boxfs"), mnt,
                   lambda: (run(dd(path), timeout=timeout), read_size)[1])
        if sha1_file(path) != uploaded["sha1"]:
            bench.results.append(Measurement("read", "content check", "boxfs", failed="SHA-1 through the mount differs"))
    blocks = cache_blocks(mnt.cache_dir, read_size)
    bench.step(Measurement("read", "warm (after remount: block cache)", "cache files"), None,
               lambda: read_files(blocks))
    # The same comparison with the page cache dropped first: both sides then read the cache files from disk,
    # which measures what boxfs adds to reading its cache rather than FUSE against memcpy.
    with bench.mount("boxfs", "read", reuse_cache=True) as mnt:
        path = mnt.mountpoint / rel

        def boxfs_from_disk():
            drop_page_cache()
            run(dd(path), timeout=timeout)
            return read_size

        bench.step(Measurement("read", "warm (block cache, page cache dropped)", "boxfs"), mnt, boxfs_from_disk)
    bench.step(Measurement("read", "warm (block cache, page cache dropped)", "cache files"), None,
               lambda: (drop_page_cache(), read_files(blocks))[1])

    with bench.mount("boxfs", "read-big") as mnt:
        path = mnt.mountpoint / "large.bin"

        def read_big():
            got = run(["sha1sum", str(path)], timeout=timeout).stdout.split()[0]
            if got != bench.large.get("sha1"):
                raise BenchError(f"SHA-1 through the mount {got} != Box's {bench.large.get('sha1')}")
            return bench.large["size"]

        bench.step(Measurement("read", f"{bench.large['size'] >> 20} MiB file, sha1sum", "boxfs"), mnt, read_big)

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "kind": "bench-read", "commit": commit, "started": started, "finished": time.time(), "read_size": read_size,
        "big_size": bench.large["size"], "latency_ms": latency, "bandwidth_bps": bandwidth,
        "results": [m.as_json() for m in bench.results],
    }, indent=1, default=str))
    print(f"results: {out}")


def cache_blocks(cache_dir: Path, expected: int) -> list:
    """The files of boxfs's block cache (cache_dir/blocks/<block size>/<file id>/<version>/<index>)."""
    files = [p for p in (cache_dir / "blocks").rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    if total < expected:
        raise BenchError(f"the block cache holds {total} bytes, less than the {expected} read")
    return sorted(files)


def drop_page_cache():
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3")


def read_files(files: list) -> int:
    n = 0
    buf = bytearray(MiB)
    for p in files:
        with open(p, "rb", buffering=0) as f:
            while k := f.readinto(buf):
                n += k
    return n


if __name__ == "__main__":
    main()
