"""Small helpers shared by the mount tests."""
import hashlib
import os
import subprocess
import time


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def run(*args, check=True, **kwargs) -> subprocess.CompletedProcess:
    """Runs an ordinary tool against the mount, failing the test with its output if it fails."""
    kwargs.setdefault("text", True)
    proc = subprocess.run([str(a) for a in args], capture_output=True, **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc


def wait_for(predicate, timeout=30, what="condition"):
    """Polls `predicate` until it returns something truthy; uploads run in the background after close()."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def wait_uploaded(emulator, parent_id, name, data: bytes, timeout=30):
    """Waits until Box holds `data` as `name` in the folder and returns its entry."""
    want = sha1(data)
    return wait_for(lambda: (lambda e: e if e and e.get("sha1") == want else None)(emulator.find(parent_id, name)),
                    timeout, f"{name} to reach Box with sha1 {want}")


def random_bytes(n: int, seed: int = 1) -> bytes:
    # Deterministic and incompressible enough for transfer tests.
    out = bytearray()
    block = hashlib.sha256(str(seed).encode()).digest()
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block * 64
    return bytes(out[:n])


def errno_of(func, *args):
    try:
        func(*args)
    except OSError as e:
        return e.errno
    return 0
