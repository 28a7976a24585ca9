"""boxfs as a service: mount(8) and fstab, the systemd handshake, SIGTERM, configuration mistakes, status,
the account check, proxies and metrics. Every test runs the real `boxfs` binary against the real emulator."""
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import BIN, REPO, TOKEN
from helpers import run

BOXFS = str(BIN / "boxfs")


def write_config(path: Path, emulator, cache_dir: Path, extra: str = "") -> Path:
    path.write_text(
        f"api_url = {emulator.url}/2.0\n"
        f"upload_url = {emulator.url}/api/2.0\n"
        f"token_url = {emulator.url}/oauth2/token\n"
        f"access_token = {TOKEN}\n"
        f"cache_dir = {cache_dir}\n" + extra)
    return path


def is_mounted(path: Path) -> bool:
    with open("/proc/mounts") as f:
        return any(line.split()[1] == str(path) for line in f)


def boxfs(*args, timeout=60, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([BOXFS, *map(str, args)], capture_output=True, text=True, timeout=timeout, env=env)


def error_lines(proc: subprocess.CompletedProcess) -> list:
    return [line for line in proc.stderr.splitlines() if line.strip()]


# -- the account check before mounting ---------------------------------------------------------------------

def test_bad_credentials_wrong_url_and_unreachable_box_fail_before_mounting(emulator, tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    cases = [
        ("access_token = wrong-token\n", emulator.url + "/2.0", "rejected the credentials (401"),
        ("", emulator.url + "/not-the-api", "not found (404): is api_url right?"),
        ("", "http://127.0.0.1:9/2.0", "did not answer within 3 s"),
    ]
    for extra, api_url, expected in cases:
        conf = write_config(tmp_path / "t.conf", emulator, tmp_path / "cache", extra + "operation_timeout = 3s\n")
        conf.write_text(conf.read_text().replace(f"api_url = {emulator.url}/2.0", f"api_url = {api_url}"))
        proc = boxfs("mount", mnt, "--config", conf)
        lines = error_lines(proc)
        assert proc.returncode != 0 and len(lines) == 1 and expected in lines[0], (api_url, proc.stderr)
        assert lines[0].startswith("Error: mount failed: "), lines
        assert not is_mounted(mnt)


# -- mount(8), fstab and umount ----------------------------------------------------------------------------

def install_helper():
    """`mount -t fuse.boxfs` finds boxfs through mount.fuse3 on the sanitized PATH mount(8) gives helpers, so the
    binary under test is linked into /usr/local/bin the way scripts/install does it."""
    run(REPO / "scripts" / "install", "--binary", BIN / "boxfs", "--link")
    assert os.path.realpath("/usr/local/bin/boxfs") == os.path.realpath(BIN / "boxfs")


def test_mount_t_fuse_boxfs_fstab_and_umount(emulator, tmp_path):
    install_helper()
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    conf = write_config(tmp_path / "work.conf", emulator, tmp_path / "cache")

    run("mount", "-t", "fuse.boxfs", "work", mnt, "-o", f"_netdev,config={conf},metadata_ttl=5s")
    assert is_mounted(mnt)
    assert "Documents" in os.listdir(mnt)
    fields = next(line.split() for line in open("/proc/mounts") if line.split()[1] == str(mnt))
    assert fields[0] == "work" and fields[2] == "fuse.boxfs", fields
    run("umount", mnt)
    assert not is_mounted(mnt)

    fstab = tmp_path / "testfstab"
    fstab.write_text(f"work {mnt} fuse.boxfs _netdev,config={conf},allow_other 0 0\n")
    run("mount", "-T", fstab, mnt)
    assert is_mounted(mnt) and "Photos" in os.listdir(mnt)
    assert "allow_other" in next(line for line in open("/proc/mounts") if line.split()[1] == str(mnt))
    run("umount", mnt)
    assert not is_mounted(mnt)


def test_systemd_units_verify():
    install_helper()
    units = REPO / "scripts" / "systemd"
    run("systemd-analyze", "verify", units / "boxfs@mnt-box.service", units / "mnt-box.mount",
        units / "mnt-box.automount", cwd=units)


# -- the Type=notify handshake and SIGTERM -----------------------------------------------------------------

def test_notify_ready_only_once_the_mount_answers_and_stopping_on_sigterm(emulator, tmp_path):
    import socket
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    conf = write_config(tmp_path / "n.conf", emulator, tmp_path / "cache")
    sock_path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(30)
    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    # Slow Box down so there is a window between starting and answering in which READY=1 must not come.
    emulator.set_faults(latency_ms=300)
    proc = subprocess.Popen([BOXFS, "mount", mnt, "--config", conf, "-f"], env=env,
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "n.log", "w"))
    try:
        message = sock.recv(4096).decode()
        assert message == "READY=1", message
        assert is_mounted(mnt)
        # READY came after the mount answered: stat sees the mounted root right away.
        assert os.stat(mnt).st_dev != os.stat(tmp_path).st_dev
        emulator.set_faults(latency_ms=0)
        proc.send_signal(signal.SIGTERM)
        assert sock.recv(4096).decode() == "STOPPING=1"
        assert proc.wait(timeout=30) == 0
        assert not is_mounted(mnt)
    finally:
        emulator.set_faults(latency_ms=0)
        if proc.poll() is None:
            proc.kill()
            subprocess.run(["fusermount3", "-u", "-z", str(mnt)])
        sock.close()


def test_sigterm_with_pending_uploads_loses_nothing(emulator, tmp_path):
    from conftest import Mount
    from helpers import random_bytes, sha1, wait_uploaded
    # Box takes uploads at a trickle, and the daemon may wait only 2 s for them after SIGTERM: what it can't
    # send must stay journaled and reach Box after the next mount.
    m = Mount(emulator, tmp_path / "mnt", tmp_path / "cache",
              config_extra="unmount_upload_wait = 2s\nwrite_back = async\n")
    files = {f"term-{i}.bin": random_bytes(300_000 + i, seed=40 + i) for i in range(5)}
    try:
        emulator.set_faults(bandwidth_bps=20_000)
        for name, data in files.items():
            (m.path / name).write_bytes(data)
        started = time.time()
        m.proc.send_signal(signal.SIGTERM)
        assert m.proc.wait(timeout=30) == 0
        assert time.time() - started < 15
        m.proc = None
        m.log.close()
        assert not is_mounted(m.path)
        assert "stay journaled" in m.log_path.read_text()
        assert all(emulator.find("0", name) is None for name in files)

        emulator.set_faults(bandwidth_bps=0)
        m.start()
        for name, data in files.items():
            assert sha1((m.path / name).read_bytes()) == sha1(data), name
        for name, data in files.items():
            wait_uploaded(emulator, "0", name, data)
    finally:
        emulator.set_faults(bandwidth_bps=0)
        m.unmount()


# -- boxfs status and boxfs unmount --------------------------------------------------------------------------

def test_status_shows_upload_progress_and_unmount_waits_for_it(emulator, tmp_path):
    import json
    from conftest import Mount
    from helpers import random_bytes, wait_for, wait_uploaded
    # close() returns at once (write_back = async), so the upload runs while we watch.
    m = Mount(emulator, tmp_path / "mnt", tmp_path / "cache", config_extra="write_back = async\n")
    data = random_bytes(40 << 20, seed=7)
    try:
        status = boxfs("status", m.path)
        assert status.returncode == 0, status.stderr
        assert f"{m.path}: online" in status.stdout and "uploads: none pending" in status.stdout, status.stdout
        assert "cache: " in status.stdout and "of 10.0 GiB" in status.stdout, status.stdout

        # 40 MiB is a chunked upload of five 8 MiB parts, four at a time: with every request taking 2 s the
        # first four land together and the last one 2 s later, so for a while some bytes are done, some to go.
        emulator.set_faults(latency_ms=2000)
        (m.path / "progress.bin").write_bytes(data)

        def partly_done():
            report = json.loads(boxfs("status", m.path, "--json").stdout)
            uploads = report["uploads"]
            return uploads and 0 < uploads[0]["bytesDone"] < uploads[0]["size"] and report
        report = wait_for(partly_done, timeout=60, what="a partly sent upload in boxfs status")
        assert report["uploads"][0]["name"] == "progress.bin" and report["uploads"][0]["size"] == len(data)
        assert report["lastMinute"]["calls"] > 0
        text = boxfs("status", m.path).stdout
        assert "uploads: 1 pending, " in text and "of 40.0 MiB sent" in text and "progress.bin: " in text, text

        unmount = boxfs("unmount", m.path, timeout=120)
        assert unmount.returncode == 0, unmount.stderr
        progress = error_lines(unmount)
        assert progress[0].startswith("waiting for uploads: 1 pending") and progress[-1] == "uploads done", progress
        # unmount returned only once the upload was on Box and the daemon had exited.
        assert not is_mounted(m.path) and m.proc.poll() == 0
        emulator.set_faults(latency_ms=0)
        wait_uploaded(emulator, "0", "progress.bin", data, timeout=1)
        assert boxfs("status", m.path).stdout.strip() == f"{m.path}: not mounted"
        # The daemon took its status file and the runtime link to it along when it exited.
        link = Path("/run/boxfs") / (str(m.path).strip("/").replace("/", "-") + ".status")
        assert not os.path.lexists(link) and not (m.cache_dir / "status.json").exists()
        again = boxfs("unmount", m.path)
        assert again.returncode != 0 and error_lines(again) == [f"Error: {m.path} is not mounted"], again.stderr
    finally:
        emulator.set_faults(latency_ms=0)
        m.unmount()


def test_status_turns_offline_when_box_stops_answering_and_back(emulator, tmp_path):
    import json
    from conftest import Mount
    from helpers import wait_for
    m = Mount(emulator, tmp_path / "mnt", tmp_path / "cache", config_extra="operation_timeout = 3s\n")

    def connection():
        return json.loads(boxfs("status", m.path, "--json").stdout)["connection"]
    try:
        assert connection() == "online"
        emulator.set_faults(pdrop=1.0)
        # Every connection is dropped: listing an uncached folder fails, and so do the events long-polls.
        assert run("ls", m.path / "Photos", check=False).returncode != 0
        wait_for(lambda: connection() == "offline", timeout=30, what="status offline")
        assert "offline" in boxfs("status", m.path).stdout.splitlines()[0]
        emulator.set_faults(pdrop=0.0)
        wait_for(lambda: run("ls", m.path / "Documents", check=False).returncode == 0 and connection() == "online",
                 timeout=30, what="status online again")
    finally:
        emulator.set_faults(pdrop=0.0)
        m.unmount()


# -- configuration -----------------------------------------------------------------------------------------

def test_example_config_parses_and_mistakes_name_line_and_key(tmp_path):
    example = (REPO / "mount.conf.example").read_text()
    conf = tmp_path / "box.conf"
    conf.write_text(example + "access_token = t\n")
    ok = boxfs("check-config", conf)
    assert ok.returncode == 0 and ok.stdout.strip() == f"{conf}: ok", ok.stderr

    # The same mistakes through check-config and through a real mount attempt: one line naming line and key.
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    lines = example.splitlines()
    misspelt = next(i for i, line in enumerate(lines) if line.startswith("cache_size ="))
    lines[misspelt] = "cache_sise = 10G"
    conf.write_text("\n".join(lines) + "\naccess_token = t\n")
    for proc in (boxfs("check-config", conf), boxfs("mount", mnt, "--config", conf)):
        assert proc.returncode != 0 and error_lines(proc) == [
            f"Error: {conf}:{misspelt + 1}: cache_sise: unknown key (did you mean 'cache_size'?)"], proc.stderr

    lines[misspelt] = "cache_size = ten gigs"
    conf.write_text("\n".join(lines) + "\naccess_token = t\n")
    for proc in (boxfs("check-config", conf), boxfs("mount", mnt, "--config", conf)):
        assert proc.returncode != 0 and error_lines(proc) == [
            f"Error: {conf}:{misspelt + 1}: cache_size: 'ten gigs' is not a size (examples: 65536, 512M, 10G)"], proc.stderr

    # -o options are checked the same way.
    conf.write_text(example + "access_token = t\n")
    proc = boxfs("check-config", conf, "-o", "cache_size=20G,metadata_ttl=soon")
    assert error_lines(proc) == [
        "Error: -o: metadata_ttl: 'soon' is not a duration (examples: 30, 30s, 500ms, 5m)"], proc.stderr
    assert not is_mounted(mnt)


# -- proxies -----------------------------------------------------------------------------------------------

class ConnectProxy:
    """A loopback HTTP proxy that tunnels CONNECT requests to 127.0.0.1 (whatever host they name, so Box's
    host names need not resolve here) and records each one."""

    def __init__(self):
        import socket
        import threading
        self.tunnels = []
        self.other_requests = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import threading
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        import socket
        import threading
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            head += chunk
        request_line = head.split(b"\r\n", 1)[0].decode()
        method, target = request_line.split(" ")[:2]
        if method != "CONNECT":
            self.other_requests.append(request_line)
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            client.close()
            return
        self.tunnels.append(target)
        upstream = socket.create_connection(("127.0.0.1", int(target.rsplit(":", 1)[1])))
        client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        rest = head.split(b"\r\n\r\n", 1)[1]
        if rest:
            upstream.sendall(rest)

        def pipe(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    def close(self):
        self.server.close()


def proxied_config(path, emulator, cache_dir, extra=""):
    # A host name only the proxy can "resolve": a mount that works went through the proxy.
    port = emulator.url.rsplit(":", 1)[1]
    return write_config(path, emulator, cache_dir, extra).read_text().replace(
        f"api_url = {emulator.url}", f"api_url = http://box-api.invalid:{port}").replace(
        f"upload_url = {emulator.url}", f"upload_url = http://box-upload.invalid:{port}")


def test_proxy_option_and_https_proxy_environment(emulator, tmp_path):
    from conftest import Mount
    from helpers import random_bytes, sha1, wait_uploaded
    proxy = ConnectProxy()
    port = emulator.url.rsplit(":", 1)[1]
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    try:
        # The proxy option.
        conf = tmp_path / "p.conf"
        conf.write_text(proxied_config(conf, emulator, tmp_path / "cache", f"proxy = {proxy.url}\n"))
        run(BOXFS, "mount", mnt, "--config", conf)
        try:
            assert "Documents" in os.listdir(mnt)
            data = random_bytes(100_000, seed=3)
            (mnt / "via-proxy.bin").write_bytes(data)
            wait_uploaded(emulator, "0", "via-proxy.bin", data)
        finally:
            run(BOXFS, "unmount", mnt)
        assert f"box-api.invalid:{port}" in proxy.tunnels and f"box-upload.invalid:{port}" in proxy.tunnels
        assert proxy.other_requests == []

        # HTTP_PROXY from the environment (the API root is http here; HTTPS_PROXY is read for https ones).
        before = len(proxy.tunnels)
        conf.write_text(proxied_config(conf, emulator, tmp_path / "cache", "operation_timeout = 3s\n"))
        env = dict(os.environ, HTTP_PROXY=proxy.url)
        env.pop("NO_PROXY", None)
        env.pop("no_proxy", None)
        proc = boxfs("mount", mnt, "--config", conf, env=env)
        assert proc.returncode == 0, proc.stderr
        assert "Photos" in os.listdir(mnt)
        run(BOXFS, "unmount", mnt)
        assert len(proxy.tunnels) > before

        # NO_PROXY names the API host: a direct connection, which can't resolve the name.
        before = len(proxy.tunnels)
        proc = boxfs("mount", mnt, "--config", conf, env=dict(env, NO_PROXY="localhost,.invalid"))
        assert proc.returncode != 0 and "box-api.invalid" in proc.stderr, proc.stderr
        assert len(proxy.tunnels) == before and not is_mounted(mnt)
    finally:
        proxy.close()
        if is_mounted(mnt):
            subprocess.run(["fusermount3", "-u", "-z", str(mnt)])


# -- metrics -----------------------------------------------------------------------------------------------

def test_prometheus_endpoint(emulator, tmp_path):
    import re
    import socket
    import urllib.request
    from conftest import Mount
    from helpers import random_bytes, wait_for, wait_uploaded
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    m = Mount(emulator, tmp_path / "mnt", tmp_path / "cache", config_extra=f"metrics_port = {port}\n")
    try:
        data = random_bytes(200_000, seed=11)
        (m.path / "metered.bin").write_bytes(data)
        wait_uploaded(emulator, "0", "metered.bin", data)
        assert (m.path / "Documents").is_dir()

        def scrape():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
                assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
                return resp.read().decode()

        def value(text, sample):
            match = re.search(r"^" + re.escape(sample) + r" (\S+)$", text, re.M)
            return float(match.group(1)) if match else None

        # The upload queue reports durations at once; counters follow the client within a half-second tick.
        def upload_counted():
            text = scrape()
            counted = (value(text, "boxfs_upload_duration_seconds_count") or 0) >= 1
            answered = (value(text, 'boxfs_api_responses_total{endpoint="upload",status="201"}') or 0) >= 1
            return text if counted and answered and (value(text, 'boxfs_api_requests_total{endpoint="upload"}') or 0) >= 1 else None
        text = wait_for(upload_counted, timeout=10, what="the upload in the metrics")
        assert value(text, 'boxfs_api_requests_total{endpoint="user"}') == 1, text  # the account check
        assert value(text, 'boxfs_api_responses_total{endpoint="user",status="200"}') == 1, text
        assert value(text, 'boxfs_api_responses_total{endpoint="upload",status="201"}') >= 1, text
        assert value(text, "boxfs_uploaded_bytes_total") >= len(data)
        assert value(text, "boxfs_uploads_pending") == 0
        assert value(text, "boxfs_online") == 1
        assert value(text, "boxfs_cache_capacity_bytes") == 10 * 2**30
        assert value(text, 'boxfs_api_errors_total{status="429"}') == 0
        assert "# HELP boxfs_api_retries_total " in text
        # Block cache lookups: the first read downloads (miss), a re-read without the page cache hits.
        assert (m.path / "metered.bin").read_bytes() == data
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3")
        assert (m.path / "metered.bin").read_bytes() == data

        def lookups_counted():
            text = scrape()
            hits = value(text, 'boxfs_cache_lookups_total{result="hit"}') or 0
            misses = value(text, 'boxfs_cache_lookups_total{result="miss"}') or 0
            return text if hits >= 1 and misses >= 1 else None
        wait_for(lookups_counted, timeout=10, what="cache hits and misses in the metrics")
        # Only /metrics, and only on loopback.
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
            raise AssertionError("/ answered")
        except urllib.error.HTTPError as e:
            assert e.code == 404
        listeners = run("ss", "-Htln", f"sport = :{port}").stdout.split()
        assert f"127.0.0.1:{port}" in listeners, listeners
    finally:
        m.unmount()
