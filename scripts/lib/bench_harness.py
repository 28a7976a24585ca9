"""The pieces every benchmark uses: the emulator's admin and API endpoints, boxfs and rclone mounts, timing.

Runs inside the benchmark's network namespace (scripts/lib/netns.sh): the emulator is on 127.0.0.1:EMULATOR_PORT
(plain HTTP, used here for admin calls and checks) and behind TLS on api.box.com / upload.box.com /
dl.boxcloud.com:443 (used by boxfs, rclone and the direct "limit" transfers).
"""
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

TOKEN = os.environ.get("BENCH_TOKEN", "bench-token")
EMULATOR = os.environ.get("BENCH_EMULATOR_URL", "http://127.0.0.1:8080")

# Requests that finish an upload (a new file or version is on Box when one of them answers 200/201).
UPLOAD_FINISHING = ("POST /api/2.0/files/content", "POST /api/2.0/files/{id}/content",
                    "POST /api/2.0/files/upload_sessions/{session}/commit")
# Requests that start an upload: what Box's 240 uploads/minute budget counts.
UPLOAD_STARTING = ("POST /api/2.0/files/content", "POST /api/2.0/files/{id}/content",
                   "POST /api/2.0/files/upload_sessions", "POST /api/2.0/files/{id}/upload_sessions")


class BenchError(Exception):
    """A workload could not complete; the message says why and ends up in BENCHMARKS.md."""


# -- the emulator ---------------------------------------------------------------------------------------------

def _request(method: str, url: str, body=None, headers=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


def admin(method: str, path: str, body=None):
    return _request(method, f"{EMULATOR}/_emulator/{path}", body)


def api(path: str, **query):
    """GET on the Box API (counted by the emulator: call it only outside a measurement)."""
    qs = ("?" + urllib.parse.urlencode(query)) if query else ""
    return _request("GET", f"{EMULATOR}/2.0/{path}{qs}", headers={"Authorization": f"Bearer {TOKEN}"})


def tree_commit() -> str:
    """The commit the tree was at when the run started (the binaries are built from it), -dirty if Sources differ."""
    repo = Path(__file__).resolve().parents[2]
    def git(*args):
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True).stdout.strip()
    return git("rev-parse", "--short", "HEAD") + ("-dirty" if git("status", "--porcelain", "--", "Sources") else "")


def set_faults(**settings):
    return admin("PUT", "faults", settings)


def reset_stats():
    """Zeroes the emulator's counters and gives the (one) bench user a fresh minute's rate budget: every client
    acts as the same Box user, and the previous client's last minute of calls must not be this one's 429s."""
    admin("POST", "stats/reset")
    admin("POST", "rate-limits/reset")


@dataclass
class Calls:
    """What the emulator counted over one measurement."""
    total: int = 0
    api: int = 0            # api.box.com/2.0: Box's 1,000 calls/minute budget
    upload: int = 0         # upload.box.com: simple uploads, session creates, parts, commits
    download: int = 0       # dl.boxcloud.com content transfers
    realtime: int = 0       # long-poll subscriptions
    uploads_started: int = 0
    uploads_finished: int = 0
    http_429: int = 0
    errors: int = 0         # 4xx/5xx answers other than 429, plus dropped connections
    bytes_in: int = 0
    bytes_out: int = 0
    routes: dict = field(default_factory=dict)

    @property
    def budgeted(self) -> int:
        """Calls Box counts against the per-user budget (API + upload host; not dl.boxcloud.com downloads)."""
        return self.api + self.upload


def calls() -> Calls:
    stats = admin("GET", "stats")
    totals, routes = stats.get("totals", {}), stats.get("routes", {})

    def ok(name):
        st = routes.get(name, {}).get("statuses", {})
        return st.get("200", 0) + st.get("201", 0)

    statuses = totals.get("statuses", {})
    return Calls(
        total=totals.get("count", 0), api=totals.get("api_calls", 0), upload=totals.get("upload_calls", 0),
        download=totals.get("download_calls", 0), realtime=totals.get("realtime_calls", 0),
        uploads_started=sum(routes.get(r, {}).get("count", 0) for r in UPLOAD_STARTING),
        uploads_finished=sum(ok(r) for r in UPLOAD_FINISHING),
        http_429=statuses.get("429", 0),
        errors=sum(n for s, n in statuses.items() if s != "429" and (not s.isdigit() or int(s) >= 400)),
        bytes_in=totals.get("bytes_in", 0), bytes_out=totals.get("bytes_out", 0),
        routes={r: v.get("count", 0) for r, v in routes.items()})


def wait_uploads(expected: int, timeout: float, stall: float = 120) -> float:
    """Waits until `expected` uploads have finished since the last stats reset; returns when that happened.
    Gives up after `timeout`, or after `stall` seconds without a new upload (the client has stopped trying)."""
    deadline = time.monotonic() + timeout
    done, progress = -1, time.monotonic()
    while True:
        now, finished = time.monotonic(), calls().uploads_finished
        if finished >= expected:
            return now
        if finished > done:
            done, progress = finished, now
        if now > deadline or now - progress > stall:
            raise BenchError(f"only {finished} of {expected} uploads reached Box "
                             f"({'no progress for %.0f s' % stall if now <= deadline else 'timed out'})")
        time.sleep(0.05)


def create_folder(name: str, parent: str = "0") -> str:
    """A folder made straight through the API (counted: use outside measurements); returns its id."""
    item = _request("POST", f"{EMULATOR}/2.0/folders", {"name": name, "parent": {"id": parent}},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    return item["id"]


def find_item(path: str) -> dict:
    """The Box item at `path` (relative to All Files), found by listing folders (counted: use outside measurements)."""
    item = {"id": "0", "type": "folder"}
    for name in [p for p in path.split("/") if p]:
        item = next((e for e in folder_items(item["id"]) if e["name"] == name), None)
        if item is None:
            raise BenchError(f"{path} is not on Box")
    return item


def folder_items(folder_id: str) -> list:
    entries, marker = [], None
    while True:
        q = {"limit": 1000, "usemarker": "true", "fields": "name,size,sha1,type"}
        if marker:
            q["marker"] = marker
        page = api(f"folders/{folder_id}/items", **q)
        entries += page["entries"]
        marker = page.get("next_marker")
        if not marker:
            return entries


def box_tree(folder_id: str, prefix: str = "") -> dict:
    """{relative path: (size, sha1)} of every file below a folder."""
    out = {}
    for e in folder_items(folder_id):
        if e["type"] == "folder":
            out.update(box_tree(e["id"], f"{prefix}{e['name']}/"))
        elif e["type"] == "file":
            out[prefix + e["name"]] = (e.get("size"), e.get("sha1"))
    return out


# -- mounts -----------------------------------------------------------------------------------------------------

def is_mounted(path: Path) -> bool:
    target = str(path)
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == target for line in f)


def peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return float("nan")


class Mount:
    """A FUSE daemon serving `mountpoint`, started in the foreground as our child."""
    name = "?"

    def __init__(self, mountpoint: Path, cache_dir: Path, log_dir: Path):
        self.mountpoint, self.cache_dir, self.log_dir = mountpoint, cache_dir, log_dir
        self.proc = None
        self.peak_rss = 0.0

    def command(self) -> list:
        raise NotImplementedError

    def start(self, timeout=60):
        self.mountpoint.mkdir(parents=True, exist_ok=True)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_dir / f"{self.name}.log", "a")
        log.write(f"--- {time.strftime('%H:%M:%S')} {' '.join(self.command())}\n")
        log.flush()
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not is_mounted(self.mountpoint):
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited with {self.proc.returncode} before mounting (log: {log.name})")
            if time.monotonic() > deadline:
                self.stop()
                raise BenchError(f"{self.name} did not mount within {timeout} s")
            time.sleep(0.05)
        # The first access can still race the daemon's init; a stat settles it.
        os.stat(self.mountpoint)
        return self

    def rss(self) -> float:
        if self.proc and self.proc.poll() is None:
            self.peak_rss = max(self.peak_rss, peak_rss_mb(self.proc.pid))
        return self.peak_rss

    def stop(self, timeout=60):
        if not self.proc:
            return
        self.rss()
        if self.proc.poll() is None:
            subprocess.run(["fusermount3", "-u", str(self.mountpoint)], capture_output=True)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        if is_mounted(self.mountpoint):
            subprocess.run(["fusermount3", "-u", "-z", str(self.mountpoint)], capture_output=True)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class BoxfsMount(Mount):
    def __init__(self, binary: Path, *args, write_back: str = "sync"):
        super().__init__(*args)
        self.binary = binary
        self.write_back = write_back
        # Its defaults (write_back = sync: close waits for Box), or with close returning at once ("boxfs-async",
        # the like-for-like mode for rclone's --vfs-cache-mode full).
        self.name = "boxfs" if write_back == "sync" else f"boxfs-{write_back}"

    def command(self):
        config = self.log_dir / "boxfs.conf"
        config.write_text("\n".join([
            "api_url = https://api.box.com/2.0",
            "upload_url = https://upload.box.com/api/2.0",
            "token_url = https://api.box.com/oauth2/token",
            f"access_token = {TOKEN}",
            f"cache_dir = {self.cache_dir}",
            f"write_back = {self.write_back}",
            # Extra configuration lines for experiments (e.g. "upload_parts_in_flight = 8"); none by default.
            *[line for line in os.environ.get("BENCH_BOXFS_CONFIG", "").split(";") if line.strip()],
            "",
        ]))
        return [str(self.binary), "mount", str(self.mountpoint), "--config", str(config), "-f"]


class RcloneMount(Mount):
    def __init__(self, vfs_cache_mode: str, *args):
        super().__init__(*args)
        self.vfs_cache_mode = vfs_cache_mode
        self.name = "rclone" if vfs_cache_mode == "off" else f"rclone-{vfs_cache_mode}"

    def command(self):
        config = self.log_dir / "rclone.conf"
        config.write_text(f"[box]\ntype = box\naccess_token = {TOKEN}\n")
        cmd = ["rclone", "mount", "box:", str(self.mountpoint), "--config", str(config),
               "--cache-dir", str(self.cache_dir), "--log-level", "NOTICE"]
        if self.vfs_cache_mode != "off":
            cmd += ["--vfs-cache-mode", self.vfs_cache_mode]
        return cmd


def make_mount(client: str, mountpoint: Path, cache_dir: Path, log_dir: Path, boxfs_binary: Path) -> Mount:
    if client == "boxfs":
        return BoxfsMount(boxfs_binary, mountpoint, cache_dir, log_dir)
    if client == "boxfs-async":
        return BoxfsMount(boxfs_binary, mountpoint, cache_dir, log_dir, write_back="async")
    if client == "rclone":
        return RcloneMount("off", mountpoint, cache_dir, log_dir)
    if client == "rclone-full":
        return RcloneMount("full", mountpoint, cache_dir, log_dir)
    raise ValueError(client)


# -- measuring ------------------------------------------------------------------------------------------------

@dataclass
class Measurement:
    """One timed step of one workload for one client."""
    workload: str
    step: str
    client: str
    seconds: float = float("nan")
    bytes: int = 0
    calls: Calls = field(default_factory=Calls)
    peak_rss_mb: float = float("nan")
    failed: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.bytes and self.seconds > 0 else float("nan")

    def budget_share(self) -> tuple:
        """(share of 1,000 calls/minute, share of 240 uploads/minute), over max(1 minute, the step's time)."""
        minutes = max(1.0, self.seconds / 60) if self.seconds == self.seconds else 1.0
        return self.calls.budgeted / (1000 * minutes), self.calls.uploads_started / (240 * minutes)

    def as_json(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "calls"}
        d["calls"] = dict(self.calls.__dict__)
        d["mb_per_s"] = self.mb_per_s
        d["budget_calls_share"], d["budget_uploads_share"] = self.budget_share()
        return d


def run(cmd, timeout=None, **kw):
    """Runs a workload command; a failure becomes a BenchError carrying its stderr's last line."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        raise BenchError(f"`{cmd if isinstance(cmd, str) else ' '.join(map(str, cmd))}` timed out after {timeout} s")
    if p.returncode != 0:
        tail = (p.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        raise BenchError(f"`{cmd if isinstance(cmd, str) else ' '.join(map(str, cmd))}` exited {p.returncode}: {tail}")
    return p


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path
