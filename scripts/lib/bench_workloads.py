"""Issue 8's workloads 1-6 and the direct "limit" transfers, one function each, run for one client at a time.

Every workload gets a fresh mount (empty cache) of the client under test, resets the emulator's counters right
before each timed step, and records wall time, bytes, API calls and the daemon's peak RSS. A step that fails
is recorded with its reason and the workload moves on.
"""
import hashlib
import json
import os
import random
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import bench_direct
from bench_harness import (BenchError, Measurement, calls, create_folder, find_item, box_tree, make_mount, reset_stats, run,
                           wait_uploads, fresh_dir)

MiB = 1 << 20


def wait_for_idle_cpu(idle=0.85, timeout=30.0):
    """Waits (up to `timeout`) until the CPUs are mostly idle over half a second: what the last step left running
    (a daemon flushing its cache after unmount, the emulator after seeding) must not be charged to the next one."""
    def sample():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)  # idle + iowait, total

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        idle0, total0 = sample()
        time.sleep(0.5)
        idle1, total1 = sample()
        if total1 > total0 and (idle1 - idle0) / (total1 - total0) >= idle:
            return


@dataclass
class Sizes:
    file: int             # workloads 1-2: the seeded large.bin
    random_reads: int     # workload 2: 4 KiB reads
    write: int            # workload 3
    tar_files: int        # workload 4
    list_entries: int     # workload 5: the seeded folder "big"
    rsync_files: int      # workload 6

    @staticmethod
    def from_env() -> "Sizes":
        small = os.environ.get("BENCH_SCALE", "full") == "small"
        env = lambda key, full, little: int(os.environ.get(key, little if small else full))
        return Sizes(file=env("BENCH_FILE_SIZE", 1 << 30, 64 * MiB), random_reads=env("BENCH_RANDOM_READS", 1000, 100),
                     write=env("BENCH_WRITE_SIZE", 1 << 30, 64 * MiB), tar_files=env("BENCH_TAR_FILES", 2000, 200),
                     list_entries=env("BENCH_LIST_ENTRIES", 10_000, 1000),
                     rsync_files=env("BENCH_RSYNC_FILES", 500, 50))


class Bench:
    """Shared state of one run: where things live, the sizes, the results so far."""

    def __init__(self, work: Path, mounts: Path, boxfs: Path, sizes: Sizes, timeout: float):
        self.work, self.mounts, self.boxfs, self.sizes, self.timeout = work, mounts, boxfs, sizes, timeout
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.results: list = []
        self.large = find_item("large.bin")
        self.sources = work / "sources"
        self.sources.mkdir(exist_ok=True)

    # -- plumbing -----------------------------------------------------------------------------------------------
    def mount(self, client: str, workload: str, reuse_cache: bool = False):
        cache = self.work / "cache" / f"{client}-{workload}"
        if not reuse_cache:
            fresh_dir(cache)
        return make_mount(client, self.mounts / client, cache, self.logs, self.boxfs)

    def step(self, m: Measurement, mount, action):
        """Runs `action()` (returns bytes moved, or (bytes, extra)) between a stats reset and a stats snapshot."""
        print(f"  {m.client:12} {m.workload} {m.step} ...", end="", flush=True)
        try:
            # Every step starts alike: nothing dirty left to write back from generating sources or the previous
            # step (the first client to write 1 GiB used to pay several seconds for the source's writeback).
            os.sync()
            wait_for_idle_cpu()
            reset_stats()
            start = time.monotonic()
            result = action()
            if isinstance(result, tuple):
                result, extra = result
                m.extra.update(extra)
            m.seconds = m.extra.pop("seconds", None) or time.monotonic() - start
            m.bytes = result or 0
            m.calls = calls()
        except BenchError as e:
            m.failed = str(e)
            m.calls = calls()
        if mount is not None:
            m.peak_rss_mb = mount.rss()
        self.results.append(m)
        print(f" {'FAILED: ' + m.failed if m.failed else f'{m.seconds:.2f} s'}, {m.calls.total} calls", flush=True)
        return m

    def source_tree(self, name: str, files: int, seed: int) -> Path:
        """A deterministic tree of small files: dirs of 40 files, grouped 10 dirs to a top-level dir."""
        root = self.sources / name
        if root.exists():
            return root
        rnd = random.Random(seed)
        for i in range(files):
            d = root / f"d{i // 400:02}" / f"s{(i // 40) % 10:02}"
            d.mkdir(parents=True, exist_ok=True)
            (d / f"f{i:05}.dat").write_bytes(rnd.randbytes(rnd.randint(512, 32 * 1024)))
        return root

    def source_file(self, size: int) -> Path:
        path = self.sources / f"random-{size}.bin"
        if not path.exists() or path.stat().st_size != size:
            with open(path, "wb") as f:
                left = size
                while left:
                    n = min(left, 16 * MiB)
                    f.write(os.urandom(n))
                    left -= n
        # In the page cache for every client alike (and for the limit, which reads it the same way).
        with open(path, "rb") as f:
            while f.read(16 * MiB):
                pass
        return path

    # -- the limit ----------------------------------------------------------------------------------------------
    def limit(self):
        size = self.large["size"] if "size" in self.large else self.sizes.file
        m = Measurement("limit", "parallel-range download", "limit")

        def download():
            r = bench_direct.parallel_download(self.large["id"], size)
            if r["sha1"] != self.large.get("sha1", r["sha1"]):
                raise BenchError(f"downloaded SHA-1 {r['sha1']} != Box's {self.large.get('sha1')}")
            return r["bytes"], r

        self.step(m, None, download)

    def limit_upload(self):
        src = self.source_file(self.sizes.write)
        folder = create_folder(f"bench-limit-{time.time_ns()}")
        m = Measurement("limit", "parallel-part upload", "limit")

        def upload():
            r = bench_direct.parallel_upload(str(src), folder, f"upload-{time.time_ns()}.bin")
            if r["box_sha1"] != sha1_file(src):
                raise BenchError("Box's SHA-1 of the direct upload differs from the source's")
            return r["bytes"], r

        self.step(m, None, upload)

    # -- workloads ----------------------------------------------------------------------------------------------
    def w1_sequential_read(self, client: str):
        with self.mount(client, "w1") as mnt:
            path = mnt.mountpoint / "large.bin"
            dd = ["dd", f"if={path}", "of=/dev/null", "bs=1M"]
            for step in ("cold read", "warm re-read"):
                self.step(Measurement("1", step, client), mnt, lambda: (run(dd, timeout=self.timeout), self.sizes.file)[1])
            self.check_sha1(client, "1", path, self.large.get("sha1"))

    def check_sha1(self, client, workload, path, expected):
        try:
            got = run(["sha1sum", str(path)], timeout=self.timeout).stdout.split()[0]
        except BenchError as e:
            got = f"error: {e}"
        if got != expected:
            m = Measurement(workload, "content check", client, failed=f"SHA-1 through the mount {got} != Box's {expected}")
            self.results.append(m)
            print(f"  {client:12} {workload} content check FAILED: {m.failed}")

    def w2_random_read(self, client: str):
        n = self.sizes.random_reads
        with self.mount(client, "w2") as mnt:
            path = mnt.mountpoint / "large.bin"
            fio = ["fio", "--name=randread", f"--filename={path}", "--rw=randread", "--bs=4k",
                   f"--size={self.sizes.file}", f"--io_size={n * 4096}", "--ioengine=psync", "--randrepeat=1",
                   "--randseed=8", "--invalidate=0", "--output-format=json"]

            def read():
                out = json.loads(run(fio, timeout=self.timeout).stdout)
                job = out["jobs"][0]["read"]
                return n * 4096, {"iops": job["iops"], "lat_ms_mean": job["clat_ns"]["mean"] / 1e6,
                                  "lat_ms_p99": job["clat_ns"]["percentile"].get("99.000000", 0) / 1e6}

            self.step(Measurement("2", f"{n} random 4 KiB reads", client), mnt, read)

    def w3_write(self, client: str):
        src = self.source_file(self.sizes.write)
        with self.mount(client, "w3") as mnt:
            folder = mnt.mountpoint / f"bench-w3-{client}-{time.time_ns()}"
            folder.mkdir()
            target = folder / "written.bin"

            def write():
                start = time.monotonic()
                run(["cp", str(src), str(target)], timeout=self.timeout)
                closed = time.monotonic() - start
                done = wait_uploads(1, self.timeout)
                return self.sizes.write, {"seconds": done - start, "close_returned_s": closed}

            m = self.step(Measurement("3", "write + close, until on Box", client), mnt, write)
            if not m.failed:
                item = find_item(f"{folder.name}/written.bin")
                if item.get("sha1") != sha1_file(src):
                    m.failed = f"Box's SHA-1 {item.get('sha1')} differs from the source's"

    def w3_rounds(self, clients: list, rounds: int, with_limit: bool):
        """Workload 3 and the limit's upload in `rounds` interleaved rounds, each keeping its median round.

        On this machine the first 1 GiB written in a run took 3-4 s longer, whichever client wrote it (see
        bench-results/NOTES.md): with one round, the order of the clients decided the ratios."""
        taken: dict = {}
        for _ in range(rounds):
            for client in (["limit"] if with_limit else []) + clients:
                before = len(self.results)
                self.limit_upload() if client == "limit" else self.w3_write(client)
                taken.setdefault(client, []).extend(self.results[before:])
                del self.results[before:]
        for client, measured in taken.items():
            timed = sorted((m for m in measured if not m.failed and m.step != "content check"), key=lambda m: m.seconds)
            # A failure in any round is reported; otherwise the median round stands for the client.
            failed = [m for m in measured if m.failed]
            chosen = failed[0] if failed or not timed else timed[(len(timed) - 1) // 2]
            chosen.extra["rounds_s"] = [round(m.seconds, 2) for m in measured if not m.failed]
            self.results.append(chosen)

    def w4_tar(self, client: str):
        tree = self.source_tree("tar-tree", self.sizes.tar_files, 4)
        tarball = self.sources / "tar-tree.tar"
        if not tarball.exists():
            run(["tar", "cf", str(tarball), "-C", str(tree), "."])
        with self.mount(client, "w4") as mnt:
            folder = mnt.mountpoint / f"bench-w4-{client}-{time.time_ns()}"
            folder.mkdir()
            n = self.sizes.tar_files

            def untar():
                start = time.monotonic()
                run(["tar", "xf", str(tarball), "-C", str(folder)], timeout=self.timeout)
                tar_done = time.monotonic() - start
                done = wait_uploads(n, self.timeout)
                return tree_bytes(tree), {"seconds": done - start, "tar_returned_s": tar_done}

            m = self.step(Measurement("4", f"tar x ({n} files), until on Box", client), mnt, untar)
            if not m.failed:
                m.extra["calls_per_file"] = m.calls.budgeted / n
                self.check_tree(m, folder.name, tree)
            self.step(Measurement("4", "ls -lR", client), mnt,
                      lambda: (run(f"ls -lR {folder} > /dev/null", shell=True, timeout=self.timeout), 0)[1])
            self.step(Measurement("4", "find", client), mnt,
                      lambda: (run(f"find {folder} > /dev/null", shell=True, timeout=self.timeout), 0)[1])

    def check_tree(self, m: Measurement, box_folder: str, tree: Path):
        on_box = box_tree(find_item(box_folder)["id"])
        local = {str(p.relative_to(tree)): (p.stat().st_size, sha1_file(p)) for p in tree.rglob("*") if p.is_file()}
        wrong = [k for k, v in local.items() if on_box.get(k) != v]
        if wrong:
            m.failed = f"{len(wrong)} of {len(local)} files missing or different on Box (e.g. {wrong[0]})"

    def w5_list(self, client: str):
        big = self.mounts / client / "big"
        ls = f"ls -l {big} > /dev/null"
        n = self.sizes.list_entries
        mnt = self.mount(client, "w5")
        with mnt:
            time.sleep(1)  # as after the remount: the mount's own start-up calls aren't the listing's
            for step in ("cold", "warm"):
                self.step(Measurement("5", f"ls -l {n} entries, {step}", client), mnt,
                          lambda: (run(ls, shell=True, timeout=self.timeout), 0)[1])
        rss = mnt.peak_rss
        remount = self.mount(client, "w5", reuse_cache=True)
        with remount:
            time.sleep(1)  # let the mount's own start-up calls land before counting
            m = self.step(Measurement("5", f"ls -l {n} entries, after remount", client), remount,
                          lambda: (run(ls, shell=True, timeout=self.timeout), 0)[1])
            m.peak_rss_mb = max(rss, m.peak_rss_mb)

    def w6_rsync(self, client: str):
        tree = self.source_tree("rsync-tree", self.sizes.rsync_files, 6)
        n = self.sizes.rsync_files
        with self.mount(client, "w6") as mnt:
            folder = mnt.mountpoint / f"bench-w6-{client}-{time.time_ns()}"
            folder.mkdir()
            rsync = ["rsync", "-a", f"{tree}/", f"{folder}/"]

            def first():
                start = time.monotonic()
                run(rsync, timeout=self.timeout)
                rsync_done = time.monotonic() - start
                done = wait_uploads(n, self.timeout)
                return tree_bytes(tree), {"seconds": done - start, "rsync_returned_s": rsync_done}

            m = self.step(Measurement("6", f"rsync -a ({n} files), until on Box", client), mnt, first)
            if not m.failed:
                self.check_tree(m, folder.name, tree)
            quiet = float(os.environ.get("BENCH_NOOP_WAIT", "10"))

            def noop():
                start = time.monotonic()
                changed = run([*rsync[:2], "--itemize-changes", *rsync[2:]], timeout=self.timeout).stdout.split("\n")
                seconds = time.monotonic() - start
                time.sleep(quiet)  # anything written back late (rclone's write-back delay is 5 s) still counts
                changed = [line for line in changed if line.strip()]
                return 0, {"seconds": seconds, "counted_for_s": seconds + quiet, "rsync_changed": changed[:5],
                           "rsync_changed_count": len(changed)}

            self.step(Measurement("6", "no-op rsync -a", client), mnt, noop)


def sha1_file(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        while chunk := f.read(4 * MiB):
            h.update(chunk)
    return h.hexdigest()


def tree_bytes(tree: Path) -> int:
    return sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
