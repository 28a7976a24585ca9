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
