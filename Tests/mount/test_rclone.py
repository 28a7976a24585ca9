"""The emulator's fidelity against a real Box client: rclone's Box backend (which works against real Box) runs
lsd, ls of a 1,000-entry folder, copy (simple and chunked), check, cat with offset, moveto, delete and a token
refresh against the emulator at Box's host names over TLS, in a loopback-only network namespace."""
import subprocess

from conftest import REPO


def test_rclone_works_against_the_emulator():
    done = subprocess.run([str(REPO / "scripts" / "rclone-check")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "rclone-check passed" in done.stderr + done.stdout
