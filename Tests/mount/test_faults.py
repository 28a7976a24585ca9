"""The fault matrix, short form: copy and read workloads through a real mount while the emulator misbehaves.

Each row runs the same workload (`cp -r` and `rsync -a` of a few files, one big enough for a chunked upload,
then cold reads of files that were already on Box) under one fault, waits for the uploads to settle, and then
compares every file byte for byte through the mount and on Box through the API. A row passes with zero
user-visible errors and zero bytes wrong (the disk-full row expects ENOSPC for the one file that cannot fit,
and nothing else). `scripts/faults` runs the same rows at a larger scale and prints the table.
"""
import errno
import os
import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import BIN, Emulator, Mount
from helpers import random_bytes, run, sha1, wait_for

MB = 1024 * 1024
CLIENT_ID, CLIENT_SECRET = "fault-matrix-app", "fault-matrix-secret"
DEFAULT_USER = "10001"


@dataclass
class Scale:
    """How much data a run moves: the short form in the suite, the long form from scripts/faults."""
    small_files: int = 3
    small_size: int = 300_000
    large_size: int = 25 * MB  # at or above 20 MB: a chunked upload
    read_files: int = 2
    read_size: int = 6 * MB
    settle_timeout: float = 60
    # The short form makes a few dozen calls, too few for the 2% drop and 5% 429 rates to be sure to strike; it
    # raises those so every row meets its fault. The long form uses the rates.
    fault_rate_factor: float = 4


SHORT = Scale()
LONG = Scale(small_files=20, small_size=1 * MB, large_size=60 * MB, read_files=4, read_size=30 * MB,
             settle_timeout=600, fault_rate_factor=1)


@dataclass
class RowResult:
    row: str
    errors: list = field(default_factory=list)  # user-visible errors (tool failures, OSErrors), as text
    files_checked: int = 0
    bytes_wrong: int = 0
    wrong_files: list = field(default_factory=list)
    uploads_resumed: int = 0
    faults_met: int = 0  # 429s, 503s and drops the emulator served (proof the row exercised something)
    expected_errnos: list = field(default_factory=list)  # disk full: the errnos the oversized writer saw
    seconds: float = 0.0


def bytes_wrong(got: bytes, want: bytes) -> int:
    """Bytes that differ, counting a length difference as wrong bytes."""
    if got == want:
        return 0
    n = min(len(got), len(want))
    diff = sum(1 for a, b in zip(memoryview(got)[:n], memoryview(want)[:n]) if a != b) if n else 0
    return diff + abs(len(got) - len(want))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Run:
    """One row's world: an emulator (restartable on the same port and data), a mount, the source files."""

    def __init__(self, name: str, workdir: Path, scale: Scale, emulator_args=(), config_extra="",
                 cache_dir: Path = None):
        self.name, self.workdir, self.scale = name, workdir, scale
        self.port = free_port()
        self.emulator_args = list(emulator_args)
        self.emu = Emulator(workdir / "emu-data", "--port", str(self.port), *self.emulator_args)
        self.result = RowResult(name)
        self.src = workdir / "src"
        self.src.mkdir()
        self.sources = {}  # relative path in the mount -> bytes it must hold
        for i in range(scale.small_files):
            self.sources[f"small{i}.bin"] = random_bytes(scale.small_size + i * 4099, seed=100 + i)
        self.sources["large.bin"] = random_bytes(scale.large_size, seed=7)
        for rel, data in self.sources.items():
            (self.src / rel).write_bytes(data)
        # Files already on Box before the fault starts: the read workload fetches them cold.
        self.read_files = {f"read{i}.bin": random_bytes(scale.read_size + i * 777, seed=200 + i)
                           for i in range(scale.read_files)}
        for name_, data in self.read_files.items():
            self.emu.upload("0", name_, data)
        self.cache_dir = cache_dir or workdir / "cache"
        self.mount = Mount(self.emu, workdir / "mnt", self.cache_dir, config_extra=config_extra)
        os.listdir(self.mount.path)  # the root listing is cached before anything goes wrong

    # -- the workloads ----------------------------------------------------------------------------------------
    def user_op(self, what: str, func, *args):
        """Runs something a user would; any failure is a user-visible error of this row."""
        try:
            return func(*args)
        except (OSError, AssertionError, subprocess.SubprocessError) as e:
            self.result.errors.append(f"{what}: {e}")
            return None

    def copy_in(self):
        """`cp -r` of every source file and `rsync -a` of the small ones."""
        m = self.mount.path
        self.user_op("cp -r", run, "cp", "-r", self.src, m / "cp")
        small = [str(self.src / rel) for rel in self.sources if rel.startswith("small")]
        self.user_op("rsync -a", run, "rsync", "-a", *small, f"{m}/rsync/")

    def expected(self) -> dict:
        """Every file the mount must hold after the copy, with its bytes."""
        want = {f"cp/{rel}": data for rel, data in self.sources.items()}
        want.update({f"rsync/{rel}": data for rel, data in self.sources.items() if rel.startswith("small")})
        return want

    def read_cold(self):
        """Reads the pre-existing files through the mount (nothing of them is cached yet)."""
        for rel, data in self.read_files.items():
            got = self.user_op(f"read {rel}", (self.mount.path / rel).read_bytes)
            if got is not None:
                self.check(f"mount:{rel}", got, data)

    # -- checks -----------------------------------------------------------------------------------------------
    def check(self, label: str, got: bytes, want: bytes):
        self.result.files_checked += 1
        wrong = bytes_wrong(got, want)
        if wrong:
            self.result.bytes_wrong += wrong
            self.result.wrong_files.append(f"{label}: {wrong} bytes wrong (sha1 {sha1(got)} want {sha1(want)})")

    def unsettled(self, files) -> list:
        """The files still pending (or not there yet), as `path: reason`."""
        waiting = []
        for rel in files:
            try:
                pending = os.getxattr(self.mount.path / rel, "user.box.pending")
                if pending != b"0":
                    waiting.append(f"{rel}: pending={pending.decode()}")
            except OSError as e:
                waiting.append(f"{rel}: {e.strerror}")
        return waiting

    def wait_settled(self, files, timeout: float = None):
        """Waits (through the mount, faults still on) until no file has an upload pending. A timeout reports
        which files were still pending, the daemon's status and the log's last warnings, so a failure in CI
        explains itself."""
        def settled():
            return not self.unsettled(files)
        try:
            return wait_for(settled, timeout or self.scale.settle_timeout, "uploads to settle")
        except AssertionError as e:
            status = run(str(BIN / "boxfs"), "status", str(self.mount.path), check=False).stdout.strip()
            log = self.mount.log_path.read_text(errors="replace").splitlines()
            warnings = [line for line in log if " warning " in line or " error " in line][-8:]
            self.result.errors.append(f"uploads settling: {e}; still pending {self.unsettled(files)}; "
                                      f"status: {status[-1500:]}; last warnings: {warnings}; log tail: {log[-15:]}")
            return None

    def box_entry(self, rel: str):
        folder = "0"
        parts = rel.split("/")
        for part in parts[:-1]:
            entry = self.emu.find(folder, part)
            if entry is None:
                return None
            folder = entry["id"]
        return self.emu.find(folder, parts[-1])

    def verify(self, files: dict):
        """Compares every file through the mount and on Box (faults must be off: the API calls here count), then,
        if Box holds them all, through a fresh mount with an empty cache (nothing can come from local state)."""
        wrong_before = self.result.bytes_wrong
        for rel, data in files.items():
            got = self.user_op(f"read back {rel}", (self.mount.path / rel).read_bytes)
            if got is not None:
                self.check(f"mount:{rel}", got, data)
            entry = self.box_entry(rel)
            if entry is None:
                self.result.files_checked += 1
                self.result.bytes_wrong += len(data)
                self.result.wrong_files.append(f"box:{rel}: missing on Box")
                continue
            self.check(f"box:{rel}", self.emu.download(entry["id"]), data)
        if self.result.bytes_wrong != wrong_before:
            return  # the staged copies may be all that is left: keep the cache
        self.user_op("remount with an empty cache", self.mount.remount, True)
        for rel, data in files.items():
            got = self.user_op(f"read after remount {rel}", (self.mount.path / rel).read_bytes)
            if got is not None:
                self.check(f"fresh mount:{rel}", got, data)

    def count_resumed(self):
        """Uploads that failed and were tried again, or were replayed from the journal after a restart."""
        log = self.mount.log_path.read_text(errors="replace")
        retried = set(re.findall(r"upload of inode (\d+) failed \(attempt", log))
        self.result.uploads_resumed = len(retried) + len(re.findall(r"resuming upload ", log))

    # -- emulator control -------------------------------------------------------------------------------------
    def restart_emulator(self, down_seconds: float):
        self.emu.stop()
        time.sleep(down_seconds)
        self.emu = Emulator(self.workdir / "emu-data", "--port", str(self.port), *self.emulator_args)

    def close(self):
        try:
            if self.mount.proc is not None:
                self.user_op("unmount", self.mount.unmount)
        finally:
            if self.emu.proc.poll() is None:
                self.violations = self.emu.conformance_violations()
                statuses = self.emu.stats()["totals"]["statuses"]
                self.result.faults_met += sum(n for s, n in statuses.items() if s in ("429", "503", "drop"))
            else:
                self.violations = []
            self.emu.stop()


# -- the rows ---------------------------------------------------------------------------------------------------

def standard_row(r: Run, faults: dict = None, during=None):
    """Copy and read under `faults` (emulator fault settings) or a `during` disturbance running alongside."""
    if faults:
        r.emu.set_faults(**faults)
    stop = threading.Event()
    disturber = threading.Thread(target=during, args=(r, stop), daemon=True) if during else None
    if disturber:
        disturber.start()
    try:
        r.copy_in()
        r.read_cold()
        r.wait_settled(r.expected())
    finally:
        stop.set()
        if disturber:
            disturber.join()
        r.emu.set_faults(p5xx=0.0, p429=0.0, pdrop=0.0, latency_ms=0, bandwidth_bps=0)
    r.verify(r.expected())


def latency_spikes(r: Run, stop: threading.Event):
    """500 ms on every request for about a second, then none for a second, until the workload ends."""
    while not stop.is_set():
        r.emu.set_faults(latency_ms=500)
        stop.wait(1.0)
        r.emu.set_faults(latency_ms=0)
        stop.wait(1.0)


def row_5xx(r):
    standard_row(r, {"p5xx": 0.10, "seed": 5})


def row_429(r):
    standard_row(r, {"p429": 0.05 * r.scale.fault_rate_factor, "retry_after_seconds": 1, "seed": 429})


def row_drops(r):
    # The short form makes only about 20 requests. Draws are made in request order, so the seed decides which
    # requests drop: with seed 6 at 8% (short form) the 3rd, 15th and 22nd do (seed 2 dropped none before the
    # 21st, and the row met no fault once rsync's renames stopped costing a request each).
    standard_row(r, {"pdrop": 0.02 * r.scale.fault_rate_factor, "seed": 6})


def row_latency(r):
    standard_row(r, during=latency_spikes)


def row_token_ttl(r):
    """Tokens live 2 seconds; boxfs (auth = ccg) must fetch fresh ones without the user noticing."""
    # Slow the uploads down so the workload outlives a token, then work again after the last one expired.
    standard_row(r, {"bandwidth_bps": 8 * MB})
    time.sleep(2.5)
    late = {"late/late.bin": random_bytes(r.scale.small_size, seed=31)}
    r.user_op("mkdir after token expiry", os.mkdir, r.mount.path / "late")
    r.user_op("write after token expiry", (r.mount.path / "late" / "late.bin").write_bytes, late["late/late.bin"])
    r.wait_settled(late)
    r.verify(late)
    grants = r.emu.calls("POST /oauth2/token")
    if grants < 3:
        r.result.errors.append(f"boxfs fetched {grants} token(s) in a run spanning more than two token lifetimes")


def chunked_upload_underway(r: Run) -> bool:
    """Part bytes are arriving but the large file is far from done (a part's call is only counted once answered,
    so `bytes_in` is the live measure)."""
    route = r.emu.stats().get("routes", {}).get("PUT /api/2.0/files/upload_sessions/{session}", {})
    return route.get("bytes_in", 0) >= 2 * MB


def row_emulator_restart(r):
    """The emulator goes away mid-copy (SIGTERM, 3 s down) and comes back on the same port and data."""
    def restart_midway(r, stop):
        wait_for(lambda: chunked_upload_underway(r) or stop.is_set(), 60, "the chunked upload to start")
        r.restart_emulator(3)
    # Uploads slow enough that the restart lands in the middle of them.
    standard_row(r, {"bandwidth_bps": 8 * MB}, during=restart_midway)


def disk_full_cache_size(scale: Scale) -> int:
    """Room for the metadata, the small files (twice: cp and rsync) and some blocks; not for large.bin."""
    size = max(12 * MB, 2 * scale.small_files * (scale.small_size + scale.small_files * 4099) + 8 * MB)
    assert size < scale.large_size, "the disk-full row needs a large file that cannot fit in the cache"
    return size


def row_disk_full(r):
    """The cache dir is a small tmpfs (12 MB in the short form) and large.bin does not fit in it. The small
    files copy in; copying large.bin fails with ENOSPC (and only that); reads keep working on the full disk;
    deleting the failed file gives the space back, after which writing works again. Nothing is corrupted: what
    the mount or Box shows of large.bin, if anything, is a prefix of it."""
    m = r.mount.path
    small = {rel: data for rel, data in r.sources.items() if rel.startswith("small")}
    small_src = r.workdir / "src-small"
    small_src.mkdir()
    for rel, data in small.items():
        (small_src / rel).write_bytes(data)
    r.user_op("cp -r", run, "cp", "-r", small_src, m / "cp")
    r.user_op("rsync -a", run, "rsync", "-a", *[str(small_src / rel) for rel in small], f"{m}/rsync/")
    wanted = {f"cp/{rel}": data for rel, data in small.items()}
    wanted.update({f"rsync/{rel}": data for rel, data in small.items()})

    big = r.sources["large.bin"]
    copy = run("cp", r.src / "large.bin", m / "cp" / "large.bin", check=False)
    if copy.returncode == 0:
        r.result.errors.append(f"cp of a {len(big)}-byte file into a {disk_full_cache_size(r.scale)}-byte cache "
                               "succeeded")
    else:
        lines = [line for line in copy.stderr.splitlines() if line.strip()]
        if all("No space left on device" in line for line in lines):
            r.result.expected_errnos.append(errno.ENOSPC)
        else:
            r.result.errors.append(f"cp of large.bin failed other than with ENOSPC: {copy.stderr.strip()}")
    r.read_cold()  # reads must not need the full disk
    if (m / "cp" / "large.bin").exists():
        partial = r.user_op("read the failed file", (m / "cp" / "large.bin").read_bytes)
        if partial is not None:
            r.check("mount:cp/large.bin (prefix)", partial, big[:len(partial)])
        r.user_op("rm the failed file", os.unlink, m / "cp" / "large.bin")
    # A few small files settle in a second or two; a wedged mount should not cost the suite a minute.
    if r.wait_settled(wanted, timeout=20):
        wanted["after.bin"] = random_bytes(4 * MB, seed=98)  # fits only once the failed file's space is back
        r.user_op("write after freeing space", (m / "after.bin").write_bytes, wanted["after.bin"])
        r.wait_settled({"after.bin": None}, timeout=20)
    r.verify(wanted)
    entry = r.box_entry("cp/large.bin")
    if entry is not None:  # deleted above; if it is still there, it is at least a clean prefix
        data = r.emu.download(entry["id"])
        r.check("box:cp/large.bin (prefix)", data, big[:len(data)])


def row_kill9(r):
    """kill -9 of boxfs (write_back = async) while the chunked upload and the small ones are in flight; the
    remount replays the journal and every closed file arrives whole."""
    r.emu.set_faults(bandwidth_bps=4 * MB)
    r.copy_in()
    wait_for(lambda: chunked_upload_underway(r), 60, "the chunked upload to start")
    r.mount.kill9()
    r.emu.set_faults(bandwidth_bps=0)
    r.mount.start()
    r.read_cold()
    r.wait_settled(r.expected())
    r.verify(r.expected())
    r.mount.remount(clear_cache=False)
    for rel, data in r.expected().items():
        got = r.user_op(f"read after remount {rel}", (r.mount.path / rel).read_bytes)
        if got is not None:
            r.check(f"mount after remount:{rel}", got, data)


ROWS = {
    "10% 5xx": (row_5xx, {"injects": True}),
    "5% 429 + Retry-After": (row_429, {"injects": True}),
    "2% dropped connections": (row_drops, {"injects": True}),
    "500 ms latency spikes": (row_latency, {}),
    "2 s token lifetime": (row_token_ttl, {
        "emulator_args": ["--token-ttl", "2", "--app-client-id", CLIENT_ID, "--app-client-secret", CLIENT_SECRET],
        "config_extra": (f"auth = ccg\nclient_id = {CLIENT_ID}\nclient_secret = {CLIENT_SECRET}\n"
                         f"user_id = {DEFAULT_USER}\n"),
    }),
    "emulator restarted mid-run": (row_emulator_restart, {}),
    "cache disk full": (row_disk_full, {"tmpfs": True}),
    # write_back = async: close(2) returns once the file is journaled, so the kill lands while uploads are pending
    # (with the default, sync, cp itself would be waiting for them and see the daemon die).
    "kill -9 + remount": (row_kill9, {"resumes": True, "config_extra": "write_back = async\n"}),
}


def run_row(name: str, workdir: Path, scale: Scale = SHORT) -> RowResult:
    """Runs one row of the matrix in `workdir` and returns what it found (never raises for a fault found)."""
    func, options = ROWS[name]
    workdir.mkdir(parents=True, exist_ok=True)
    cache_dir, cache_size = None, 0
    if options.get("tmpfs"):
        cache_dir = workdir / "cache"
        cache_dir.mkdir()
        cache_size = disk_full_cache_size(scale)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={cache_size}", "tmpfs", str(cache_dir)], check=True)
    start = time.time()
    r = None
    try:
        r = Run(name, workdir, scale, options.get("emulator_args", ()), options.get("config_extra", ""), cache_dir)
        func(r)
        r.count_resumed()
    finally:
        try:
            if r is not None:
                r.close()
        finally:
            if cache_dir is not None:
                subprocess.run(["umount", "-l", str(cache_dir)], check=False)
    r.result.seconds = time.time() - start
    r.result.injects = options.get("injects", False)
    r.result.resumes = options.get("resumes", False)
    r.result.violations = r.violations
    r.result.log_path = r.mount.log_path
    return r.result


@pytest.mark.parametrize("row", list(ROWS))
def test_fault_row(row, tmp_path):
    result = run_row(row, tmp_path)
    where = f"(boxfs log: {result.log_path})"
    assert result.errors == [], f"{row}: user-visible errors {result.errors[:5]} {where}"
    assert result.bytes_wrong == 0, f"{row}: {result.wrong_files[:5]} {where}"
    assert result.files_checked > 0
    if result.injects:
        assert result.faults_met > 0, f"{row}: the emulator injected no fault, so the row proved nothing"
    if result.resumes:
        assert result.uploads_resumed > 0, f"{row}: the remount replayed no journaled upload {where}"
    if row == "cache disk full":
        assert result.expected_errnos == [errno.ENOSPC], \
            f"copying a file larger than the cache disk should fail with ENOSPC {where}"
    assert result.violations == [], f"emulator responses that break Box's schema: {result.violations[:5]}"
