"""Seeing changes made elsewhere: Box's events stream, TTL fallback, restarts, and Box going away."""
import os
import statistics
import subprocess
import time

import pytest

from conftest import Emulator, Mount
from helpers import random_bytes, run, sha1, wait_for, wait_uploaded


@pytest.fixture
def fresh_emulator(tmp_path):
    emu = Emulator(tmp_path / "emu-data", "--seed", "--long-poll-timeout", "2")
    yield emu
    emu.stop()


def visible_within(predicate, limit=10.0):
    """Seconds until `predicate` holds (fails beyond `limit`)."""
    start = time.time()
    wait_for(predicate, limit, "a change made through the API to show in the mount")
    return time.time() - start


def test_api_changes_show_up_within_seconds(fresh_emulator, tmp_path):
    emu = fresh_emulator
    m = Mount(emu, tmp_path / "mnt", tmp_path / "cache")
    try:
        os.mkdir(m.path / "inbox")
        inbox = wait_for(lambda: emu.find("0", "inbox"), 10, "inbox on Box")
        os.mkdir(m.path / "archive")
        archive = wait_for(lambda: emu.find("0", "archive"), 10, "archive on Box")
        os.listdir(m.path / "inbox"), os.listdir(m.path / "archive")
        latencies = []
        for i in range(25):
            # create
            entry = emu.upload(inbox["id"], f"doc{i}.txt", b"v1 " * 100)
            latencies.append(visible_within(lambda: (m.path / "inbox" / f"doc{i}.txt").exists()))
            assert (m.path / "inbox" / f"doc{i}.txt").read_bytes() == b"v1 " * 100
            # new version: never a mix of the two
            new = b"v2 " * 150
            emu.upload(inbox["id"], f"doc{i}.txt", new, file_id=entry["id"])
            def shows_new():
                data = (m.path / "inbox" / f"doc{i}.txt").read_bytes()
                assert data in (b"v1 " * 100, new), "a read returned a mix of versions"
                return data == new
            latencies.append(visible_within(shows_new))
            # a new mtime alone (no new version): the kernel's cached attributes must be dropped too, and a
            # listing must show it as well as a stat
            status, _ = emu.api("PUT", f"/files/{entry['id']}", {"content_modified_at": f"2020-09-13T12:26:{40 + i % 20:02d}Z"})
            assert status == 200
            expected = 1_600_000_000 + (40 + i % 20) - 40
            latencies.append(visible_within(lambda: int((m.path / "inbox" / f"doc{i}.txt").stat().st_mtime) == expected))
            assert [int(e.stat().st_mtime) for e in os.scandir(m.path / "inbox") if e.name == f"doc{i}.txt"] == [expected]
            # rename and move
            status, _ = emu.api("PUT", f"/files/{entry['id']}", {"name": f"moved{i}.txt", "parent": {"id": archive["id"]}})
            assert status == 200
            latencies.append(visible_within(lambda: (m.path / "archive" / f"moved{i}.txt").exists()
                                            and not (m.path / "inbox" / f"doc{i}.txt").exists()))
            # delete (to the trash)
            status, _ = emu.api("DELETE", f"/files/{entry['id']}")
            assert status == 204
            latencies.append(visible_within(lambda: not (m.path / "archive" / f"moved{i}.txt").exists()))
        p95 = statistics.quantiles(latencies, n=20)[18]
        print(f"visibility over {len(latencies)} changes: median {statistics.median(latencies):.2f}s p95 {p95:.2f}s")
        assert p95 <= 5.0
    finally:
        m.unmount()


def test_a_file_opened_just_before_a_new_version_arrives_reads_the_new_one_whole(fresh_emulator, tmp_path):
    # fsx found it: open, then the event lands, then the first read. The kernel sizes the file by the new
    # version by then; the handle read the old one, so the reader got the old bytes cut to the new size.
    emu = fresh_emulator
    m = Mount(emu, tmp_path / "mnt", tmp_path / "cache")
    try:
        old, new = b"old " * 20_000, b"new " * 15_000  # shorter: the kernel would cut the old bytes to its size
        entry = emu.upload("0", "replaced.txt", old)
        path = m.path / "replaced.txt"
        visible_within(lambda: path.exists())
        assert path.read_bytes() == old  # the kernel caches the old version's pages too
        old_version = os.getxattr(path, "user.box.version")
        with open(path, "rb") as f:
            emu.upload("0", "replaced.txt", new, file_id=entry["id"])
            visible_within(lambda: os.getxattr(path, "user.box.version") != old_version)
            data = f.read()
        assert data == new, f"read {len(data)} bytes, {'the old version cut short' if old.startswith(data) else 'a mix'}"
    finally:
        m.unmount()


def test_late_events_of_a_file_deleted_here_do_not_bring_it_back(fresh_emulator, tmp_path):
    # fsx found it: events of this mount's own changes to a file arrive after the mount deleted the file, and
    # re-inserted it until the delete's own event came. Here the events answers are held 3 s each, so the
    # rename's event arrives after the rm, and the rm's a full 3 s later.
    emu = fresh_emulator
    m = Mount(emu, tmp_path / "mnt", tmp_path / "cache")
    try:
        (m.path / "late.txt").write_bytes(b"soon gone")
        wait_uploaded(emu, "0", "late.txt", b"soon gone")
        time.sleep(3)  # the upload's own events are in
        emu.set_faults(slow_answers_route="GET /2.0/events", slow_answers_count=2, slow_answers_ms=3000)
        os.rename(m.path / "late.txt", m.path / "renamed.txt")
        # The events answer carrying the rename is computed now and held.
        wait_for(lambda: emu.admin("GET", "faults")["slow_answers_count"] < 2, 10, "the events answer to be held")
        os.unlink(m.path / "renamed.txt")
        seen = []
        deadline = time.time() + 8
        while time.time() < deadline:
            names = os.listdir(m.path)
            seen += [n for n in names if n in ("late.txt", "renamed.txt")]
            time.sleep(0.02)
        assert emu.admin("GET", "faults")["slow_answers_count"] == 0, "both held answers should have been sent"
        assert seen == [], f"the deleted file came back: {sorted(set(seen))}"
    finally:
        emu.set_faults(slow_answers_count=0)
        m.unmount()


def test_without_events_changes_show_within_the_ttl(fresh_emulator, tmp_path):
    emu = fresh_emulator
    m = Mount(emu, tmp_path / "mnt", tmp_path / "cache", config_extra="events = false\nmetadata_ttl = 2s\n")
    try:
        os.listdir(m.path)
        emu.upload("0", "late.txt", b"late")
        elapsed = visible_within(lambda: (m.path / "late.txt").exists(), limit=6)
        assert elapsed <= 2 + 3  # the TTL, plus the kernel's own 1 s and polling slack
        assert emu.calls("OPTIONS /2.0/events") == 0 and emu.calls("GET /2.0/events") == 0
    finally:
        m.unmount()


def test_without_events_unchanged_items_revalidate_with_a_304(fresh_emulator, tmp_path):
    """Past the TTL, an open file's attributes are checked with If-None-Match: 304 while unchanged, then the
    new size once Box has a new version."""
    emu = fresh_emulator
    entry = emu.upload("0", "steady.txt", b"same" * 100)
    m = Mount(emu, tmp_path / "mnt", tmp_path / "cache", config_extra="events = false\nmetadata_ttl = 1s\n")
    try:
        with open(m.path / "steady.txt", "rb") as f:
            assert f.read() == b"same" * 100
            time.sleep(2.5)  # past the TTL and the kernel's attribute timeout
            emu.reset_stats()
            assert os.fstat(f.fileno()).st_size == 400
            statuses = emu.stats()["routes"].get("GET /2.0/files/{id}", {}).get("statuses", {})
            assert statuses == {"304": 1}, emu.stats()
            emu.upload("0", "steady.txt", b"changed" * 100, file_id=entry["id"])
            time.sleep(2.5)
            emu.reset_stats()
            assert os.fstat(f.fileno()).st_size == 700
            statuses = emu.stats()["routes"].get("GET /2.0/files/{id}", {}).get("statuses", {})
            assert statuses == {"200": 1}, emu.stats()
        assert (m.path / "steady.txt").read_bytes() == b"changed" * 100
    finally:
        m.unmount()


def test_an_idle_mount_makes_almost_no_calls(fresh_emulator, tmp_path):
    emu = fresh_emulator
    m = Mount(emu, tmp_path / "mnt", tmp_path / "cache")
    try:
        run("ls", "-lR", m.path)
        time.sleep(2)
        emu.reset_stats()
        window = 20
        time.sleep(window)
        stats = emu.stats()
        calls = stats["totals"]["api_calls"]
        # The emulator ends a long poll after 2 s; Box after 610 s. Scale the reconnects to Box's timeout.
        per_minute_on_box = calls / window * 60 * (2 / 610)
        print(f"idle: {calls} calls in {window}s with a 2 s long poll -> {per_minute_on_box:.2f}/min on Box")
        assert per_minute_on_box <= 2, stats
        assert emu.calls("GET /2.0/folders/{id}/items") == 0, stats
    finally:
        m.unmount()


def test_changes_while_unmounted_are_applied_before_the_first_listing(fresh_emulator, tmp_path):
    emu = fresh_emulator
    m = Mount(emu, tmp_path / "mnt", tmp_path / "cache")
    entry = next(e for e in emu.list_folder("0") if e["type"] == "file")
    os.listdir(m.path)
    m.unmount()
    status, _ = emu.api("PUT", f"/files/{entry['id']}", {"name": "renamed-offline.txt"})
    assert status == 200
    m.start()
    try:
        names = os.listdir(m.path)
        assert "renamed-offline.txt" in names and entry["name"] not in names
    finally:
        m.unmount()


def test_box_going_away(tmp_path):
    emu = Emulator(tmp_path / "emu-data", "--seed")
    port = emu.url.rsplit(":", 1)[1]
    data = random_bytes(3_000_000, seed=4)
    emu.upload("0", "cached.bin", data)
    emu.upload("0", "never-read.bin", random_bytes(2_000_000, seed=5))
    m = Mount(emu, tmp_path / "mnt", tmp_path / "cache", config_extra="request_timeout = 3s\noperation_timeout = 5s\n")
    try:
        assert sha1((m.path / "cached.bin").read_bytes()) == sha1(data)
        assert "never-read.bin" in os.listdir(m.path)  # listed once while Box was there
        emu.stop()
        # Cached metadata and blocks keep serving.
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3")
        assert sha1((m.path / "cached.bin").read_bytes()) == sha1(data)
        assert "never-read.bin" in os.listdir(m.path)
        # An uncached block fails, and within the timeout (plus the client's bounded retries).
        start = time.time()
        try:
            (m.path / "never-read.bin").read_bytes()
            raise AssertionError("a read of an uncached block succeeded with Box down")
        except OSError:
            pass
        assert time.time() - start < 20  # the kernel may try the read twice
        # Writes are staged and wait.
        (m.path / "offline.txt").write_bytes(b"written while Box was away")
        time.sleep(1)
        emu = Emulator(tmp_path / "emu-data", "--port", port)
        wait_uploaded(emu, "0", "offline.txt", b"written while Box was away", timeout=90)
    finally:
        m.unmount()
        emu.stop()
