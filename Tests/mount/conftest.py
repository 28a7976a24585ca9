"""Fixtures for the mount tests: a real Box emulator process and a real boxfs FUSE mount of it.

Nothing is mocked: the emulator is the `box-emulator` binary on a loopback port, boxfs is the `boxfs` binary,
and tests drive the mount with ordinary tools (ls, cat, cp, rsync, tar, sha1sum, dd).
"""
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOKEN = "mount-test-token"


def bin_dir() -> Path:
    # BOXFS_BIN_DIR lets a long run (scripts/fsx) use a copy of the binaries while the tree is rebuilt.
    if os.environ.get("BOXFS_BIN_DIR"):
        return Path(os.environ["BOXFS_BIN_DIR"])
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout.strip()
    return Path(out)


BIN = bin_dir()


def pytest_configure(config):
    config.addinivalue_line("markers", "mount_config(text): extra lines for the `mount` fixture's config file")


def pytest_sessionstart(session):
    # Fail loudly, never skip: a machine that can't mount FUSE can't run these tests.
    if not os.path.exists("/dev/fuse"):
        raise pytest.UsageError("/dev/fuse is missing: the mount tests need FUSE")
    for name in ("boxfs", "box-emulator"):
        if not (BIN / name).exists():
            raise pytest.UsageError(f"{BIN / name} is missing: run `swift build` first")


class Emulator:
    """A running box-emulator process, with helpers for its admin endpoint and the Box API."""

    def __init__(self, data_dir: Path, *extra_args: str):
        self.data_dir = data_dir
        port = "0"
        if "--port" in extra_args:
            i = extra_args.index("--port")
            port, extra_args = extra_args[i + 1], extra_args[:i] + extra_args[i + 2:]
        args = [str(BIN / "box-emulator"), "--port", port, "--data", str(data_dir), "--token", TOKEN, *extra_args]
        args += ["--conformance-schema", str(REPO / "schema" / "box-api-schema.json")]
        self.log = open(data_dir.parent / f"{data_dir.name}.log", "a")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        first = self.proc.stdout.readline().strip()
        if "listening on " not in first:
            self.proc.kill()
            raise RuntimeError(f"box-emulator did not start: {first!r}; log: {self.log.name}")
        self.url = first.split("listening on ", 1)[1]

    # -- admin endpoint -------------------------------------------------------------------------------------
    def admin(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + "/_emulator/" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return json.loads(raw) if raw else None

    def stats(self) -> dict:
        return self.admin("GET", "stats")

    def reset_stats(self):
        self.admin("POST", "stats/reset")

    def calls(self, route: str = "") -> int:
        """Calls counted since the last reset: all of them, or those of one route template
        (e.g. "GET /2.0/folders/{id}/items"), or with a trailing "*" those of routes starting with the rest."""
        routes = self.stats().get("routes", {})
        if route.endswith("*") or not route:
            return sum(r.get("count", 0) for name, r in routes.items() if name.startswith(route.rstrip("*")))
        return routes.get(route, {}).get("count", 0)

    def set_faults(self, **faults):
        self.admin("PUT", "faults", faults)

    # -- Box API, as any client would call it ---------------------------------------------------------------
    def api(self, method: str, path: str, body=None, headers=None, base="/2.0"):
        data = json.dumps(body).encode() if body is not None else None
        h = {"Authorization": f"Bearer {TOKEN}"}
        if data is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        req = urllib.request.Request(self.url + base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            return e.code, (json.loads(raw) if raw else None)

    def list_folder(self, folder_id: str) -> list:
        entries, marker = [], None
        while True:
            q = (f"/folders/{folder_id}/items?usemarker=true&limit=1000"
                 "&fields=type,id,name,size,sha1,content_modified_at,modified_at")
            if marker:
                q += f"&marker={marker}"
            status, page = self.api("GET", q)
            assert status == 200, page
            entries += page["entries"]
            marker = page.get("next_marker")
            if not marker:
                return entries

    def upload(self, parent_id: str, name: str, data: bytes, file_id: str = None) -> dict:
        """Uploads `data` the way any Box client would (simple multipart upload); returns the file entry."""
        boundary = "boxfs-test-boundary"
        attributes = json.dumps({"name": name, "parent": {"id": parent_id}})
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"attributes\"\r\n\r\n{attributes}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        path = f"/files/{file_id}/content" if file_id else "/files/content"
        req = urllib.request.Request(self.url + "/api/2.0" + path, data=body, method="POST", headers={
            "Authorization": f"Bearer {TOKEN}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())["entries"][0]

    def find(self, folder_id: str, name: str) -> dict:
        """The entry called `name` in a folder, or None."""
        return next((e for e in self.list_folder(folder_id) if e["name"] == name), None)

    def download(self, file_id: str) -> bytes:
        req = urllib.request.Request(self.url + f"/2.0/files/{file_id}/content",
                                     headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(req, timeout=60) as resp:  # urllib follows the 302 itself
            return resp.read()

    def conformance_violations(self) -> list:
        return self.admin("GET", "conformance").get("violations", [])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


class Mount:
    """A running `boxfs mount` (foreground, in a child process) of an emulator."""

    def __init__(self, emulator: Emulator, mountpoint: Path, cache_dir: Path, *options: str, config_extra: str = ""):
        self.emulator = emulator
        self.path = mountpoint
        self.cache_dir = cache_dir
        self.options = list(options)
        mountpoint.mkdir(parents=True, exist_ok=True)
        self.config = mountpoint.parent / f"{mountpoint.name}.conf"
        self.config.write_text(
            f"api_url = {emulator.url}/2.0\n"
            f"upload_url = {emulator.url}/api/2.0\n"
            f"token_url = {emulator.url}/oauth2/token\n"
            f"access_token = {TOKEN}\n"
            f"cache_dir = {cache_dir}\n"
            f"log_level = debug\n" + config_extra)
        self.log_path = mountpoint.parent / f"{mountpoint.name}.log"
        self.proc = None
        self.start()

    def start(self):
        args = [str(BIN / "boxfs"), "mount", str(self.path), "--config", str(self.config), "-f"]
        if self.options:
            args += ["-o", ",".join(self.options)]
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.is_mounted():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"boxfs exited with {self.proc.returncode}: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError(f"boxfs did not mount within 30 s: {self.log_path.read_text()[-2000:]}")

    def is_mounted(self) -> bool:
        with open("/proc/mounts") as f:
            return any(line.split()[1] == str(self.path) for line in f)

    def unmount(self):
        if self.proc is None:
            return
        # A mount still busy for a moment (a tool's last close in flight) refuses -u; try again briefly.
        refusals = []
        for _ in range(20):
            if not self.is_mounted():
                break
            done = subprocess.run(["fusermount3", "-u", str(self.path)], capture_output=True, text=True)
            if done.returncode == 0:
                break
            refusals.append(done.stderr.strip())
            time.sleep(0.25)
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
            if self.is_mounted():
                subprocess.run(["fusermount3", "-u", "-z", str(self.path)], check=False)
            raise AssertionError(f"boxfs did not exit within 60 s of unmount (fusermount3: {refusals[-3:]})")
        finally:
            self.proc = None
            self.log.close()
        assert code == 0, f"boxfs exited with {code}: {self.log_path.read_text()[-2000:]}"

    def remount(self, clear_cache=False):
        self.unmount()
        if clear_cache:
            shutil.rmtree(self.cache_dir, ignore_errors=True)
        self.start()

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.proc = None
        self.log.close()
        subprocess.run(["fusermount3", "-u", "-z", str(self.path)], check=False)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """An emulator seeded with the sample tree, shared by the tests of one module."""
    emu = Emulator(tmp_path_factory.mktemp("emu") / "data", "--seed")
    yield emu
    violations = emu.conformance_violations()
    emu.stop()
    assert violations == [], f"emulator responses that break Box's schema: {violations[:5]}"


@pytest.fixture
def mount(emulator, tmp_path, request):
    marker = request.node.get_closest_marker("mount_config")
    m = Mount(emulator, tmp_path / "mnt", tmp_path / "cache", config_extra=marker.args[0] if marker else "")
    yield m
    m.unmount()
