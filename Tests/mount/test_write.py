"""Writing through the mount: new files, overwrites, appends, truncation, renames, deletes, and the tools
users run (cp, rsync, tar, vim-style saves)."""
import errno
import os
import shutil
import subprocess
import time
from datetime import datetime

import pytest

from helpers import errno_of, random_bytes, run, sha1, wait_for, wait_uploaded


def test_close_returns_once_box_has_the_file(emulator, mount):
    # write_back = sync (the default): close(2) returns after Box committed the upload, so no waiting here.
    data = b"hello from boxfs\n"
    (mount.path / "hello.txt").write_bytes(data)
    entry = emulator.find("0", "hello.txt")
    assert entry and entry["sha1"] == sha1(data)
    assert (mount.path / "hello.txt").read_bytes() == data
    assert os.stat(mount.path / "hello.txt").st_size == len(data)
    # A second descriptor of the same open file (dup) writing after the first one's close uploads again.
    with open(mount.path / "hello.txt", "r+b") as f:
        twin = os.dup(f.fileno())
        f.write(b"HELLO")
        f.flush()
    os.write(twin, b" again")
    os.close(twin)
    entry = emulator.find("0", "hello.txt")
    assert entry["sha1"] == sha1(b"HELLO again" + data[11:])


@pytest.mark.mount_config("operation_timeout = 2s\n")
def test_write_through_close_gives_up_waiting_when_box_is_down(emulator, mount):
    os.listdir(mount.path)
    emulator.set_faults(p5xx=1.0)
    try:
        (mount.path / "later.txt").write_bytes(b"kept")  # returns after operation_timeout, without an error
        assert os.getxattr(mount.path / "later.txt", "user.box.pending") == b"1"
    finally:
        emulator.set_faults(p5xx=0.0)
    wait_uploaded(emulator, "0", "later.txt", b"kept", timeout=60)


def test_overwrite_append_and_truncate_make_new_versions(emulator, mount):
    path = mount.path / "versions.txt"
    path.write_bytes(b"one\n")
    first = wait_uploaded(emulator, "0", "versions.txt", b"one\n")
    path.write_bytes(b"two\n")
    second = wait_uploaded(emulator, "0", "versions.txt", b"two\n")
    assert second["id"] == first["id"], "an overwrite must be a new version of the same Box file"
    with open(path, "ab") as f:
        f.write(b"three\n")
    wait_uploaded(emulator, "0", "versions.txt", b"two\nthree\n")
    os.truncate(path, 3)
    wait_uploaded(emulator, "0", "versions.txt", b"two")
    assert path.read_bytes() == b"two"


def test_random_writes_inside_an_existing_file(emulator, mount):
    data = bytearray(os.urandom(50_000_000))  # 50 MB
    emulator.upload("0", "patch.bin", bytes(data))
    mount.remount(clear_cache=True)
    with open(mount.path / "patch.bin", "r+b") as f:
        f.seek(25_000_000)
        f.write(b"X" * 1000)
    data[25_000_000:25_001_000] = b"X" * 1000
    wait_uploaded(emulator, "0", "patch.bin", bytes(data))
    assert sha1((mount.path / "patch.bin").read_bytes()) == sha1(bytes(data))


def test_large_file_uses_a_chunked_upload(emulator, mount):
    data = random_bytes(45 * 1024 * 1024, seed=5)
    emulator.reset_stats()
    src = mount.path.parent / "large-src.bin"
    src.write_bytes(data)
    run("cp", src, mount.path / "large.bin")
    wait_uploaded(emulator, "0", "large.bin", data, timeout=120)
    assert emulator.calls("POST /api/2.0/files/upload_sessions") == 1, emulator.stats()
    assert emulator.calls("PUT /api/2.0/files/upload_sessions/*") >= 2, emulator.stats()
    assert emulator.calls("POST /api/2.0/files/upload_sessions/*") == 1, emulator.stats()  # the commit
    mount.remount(clear_cache=True)
    assert sha1((mount.path / "large.bin").read_bytes()) == sha1(data)


def test_mkdir_rename_move_and_delete(emulator, mount):
    os.mkdir(mount.path / "docs")
    (mount.path / "docs" / "a.txt").write_bytes(b"a")
    docs = wait_for(lambda: emulator.find("0", "docs"), 10, "docs on Box")
    wait_uploaded(emulator, docs["id"], "a.txt", b"a")
    os.rename(mount.path / "docs" / "a.txt", mount.path / "docs" / "b.txt")
    assert emulator.find(docs["id"], "b.txt") and not emulator.find(docs["id"], "a.txt")
    os.mkdir(mount.path / "archive")
    os.rename(mount.path / "docs" / "b.txt", mount.path / "archive" / "b.txt")
    archive = emulator.find("0", "archive")
    assert emulator.find(archive["id"], "b.txt")
    assert (mount.path / "archive" / "b.txt").read_bytes() == b"a"
    assert errno_of(os.rmdir, mount.path / "archive") == errno.ENOTEMPTY
    os.unlink(mount.path / "archive" / "b.txt")
    os.rmdir(mount.path / "archive")
    assert emulator.find("0", "archive") is None
    os.rename(mount.path / "docs", mount.path / "papers")
    assert emulator.find("0", "papers") and not emulator.find("0", "docs")


def test_rename_over_an_existing_file_replaces_it(emulator, mount):
    (mount.path / "target.txt").write_bytes(b"old")
    wait_uploaded(emulator, "0", "target.txt", b"old")
    (mount.path / "new.tmp").write_bytes(b"new")
    os.rename(mount.path / "new.tmp", mount.path / "target.txt")
    assert (mount.path / "target.txt").read_bytes() == b"new"
    assert not (mount.path / "new.tmp").exists()
    wait_uploaded(emulator, "0", "target.txt", b"new")
    assert emulator.find("0", "new.tmp") is None


def test_vim_style_save(emulator, mount):
    path = mount.path / "notes.txt"
    path.write_text("line 1\n")
    wait_uploaded(emulator, "0", "notes.txt", b"line 1\n")
    # vim: write the new text to a swap-named file, rename the original away, rename the new one in, delete.
    run("vim", "-n", "-N", "-u", "NONE", "-i", "NONE", "-es", "+$put ='line 2'", "+wq", path, timeout=60)
    assert path.read_text() == "line 1\nline 2\n"
    wait_uploaded(emulator, "0", "notes.txt", b"line 1\nline 2\n")
    assert sorted(n for n in os.listdir(mount.path) if n.startswith("notes")) == ["notes.txt"]


def test_rsync_and_tar_round_trip(emulator, mount, tmp_path):
    src = tmp_path / "src"
    for i in range(30):
        d = src / f"dir{i % 3}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"file{i}.dat").write_bytes(random_bytes(1000 + i * 777, seed=i))
    os.utime(src / "dir0" / "file0.dat", (1_600_000_000, 1_600_000_000))
    run("rsync", "-a", f"{src}/", f"{mount.path}/synced/")
    run("diff", "-r", src, mount.path / "synced")
    # A second rsync finds nothing to do: sizes and mtimes came through.
    out = run("rsync", "-a", "--itemize-changes", f"{src}/", f"{mount.path}/synced/").stdout
    assert out.strip() == "", out
    assert int(os.stat(mount.path / "synced" / "dir0" / "file0.dat").st_mtime) == 1_600_000_000
    # tar out of the mount and back in elsewhere.
    run("tar", "-C", mount.path, "-cf", tmp_path / "out.tar", "synced")
    restore = tmp_path / "restore"
    restore.mkdir()
    run("tar", "-C", restore, "-xf", tmp_path / "out.tar")
    run("diff", "-r", src, restore / "synced")
    # And everything reached Box, with the right content.
    synced = wait_for(lambda: emulator.find("0", "synced"), 10, "synced on Box")
    dir1 = emulator.find(synced["id"], "dir1")
    wait_uploaded(emulator, dir1["id"], "file1.dat", (src / "dir1" / "file1.dat").read_bytes())
    run("tar", "-C", mount.path, "-xf", tmp_path / "out.tar", "--transform", "s/^synced/untarred/")
    run("diff", "-r", src, mount.path / "untarred")


@pytest.mark.mount_config("write_back = async\nuploads_per_minute = 100000\napi_calls_per_minute = 100000\n")
def test_rsync_times_survive_uploads_racing_the_close(emulator, mount, tmp_path):
    # With async write-back and no upload budget to wait for, uploads start while rsync is still setting the
    # time of the file it just closed. A lost time shows as a file the second rsync sends again.
    src = tmp_path / "src"
    for i in range(500):
        p = src / f"d{i % 5}" / f"f{i:04}.dat"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(random_bytes(100 + i * 13, seed=i))
        os.utime(p, ns=(1_500_000_000_000_000_000 + i * 1_234_567_891, 1_500_000_000_000_000_000 + i * 1_234_567_891))
    run("rsync", "-a", f"{src}/", f"{mount.path}/raced/")
    wait_for(lambda: emulator.find("0", "raced") is not None, 10, "raced on Box")
    time.sleep(3)
    out = run("rsync", "-a", "--itemize-changes", f"{src}/", f"{mount.path}/raced/").stdout
    assert out.strip() == "", out


def test_rsync_sends_one_upload_per_file_and_returns_once_box_has_them(emulator, mount, tmp_path):
    # rsync writes `.NAME.XXXXXX`, closes it, sets its mtime and renames it. Under write_back = sync the upload
    # waits for that rename and the rename returns once Box has the file: one call per file, not an upload under
    # the temporary name and then a PUT for the rename and mtime.
    src = tmp_path / "src"
    files = {}
    for i in range(40):
        p = src / f"d{i % 4}" / f"f{i:03}.dat"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(random_bytes(200 + i * 31, seed=100 + i))
        os.utime(p, (1_550_000_000 + i, 1_550_000_000 + i))
        files[p.relative_to(src)] = p.read_bytes()
    run("mkdir", mount.path / "kept")
    emulator.reset_stats()
    run("rsync", "-a", f"{src}/", f"{mount.path}/kept/")
    # No waiting: every file is on Box, under its own name, with its content and time, when rsync returns.
    kept = emulator.find("0", "kept")
    for d in range(4):
        folder = emulator.find(kept["id"], f"d{d}")
        listed = {e["name"]: e for e in emulator.list_folder(folder["id"])}
        for rel, data in files.items():
            if rel.parts[0] == f"d{d}":
                entry = listed.pop(rel.name)
                assert entry["sha1"] == sha1(data), rel
                assert int(datetime.fromisoformat(entry["content_modified_at"]).timestamp()) == 1_550_000_000 + int(rel.name[1:4])
        assert not listed, f"left on Box besides rsync's files: {sorted(listed)}"
    assert emulator.calls("POST /api/2.0/files/content") == 40, emulator.stats()["routes"]
    assert emulator.calls("PUT /2.0/files/{id}") == 0, emulator.stats()["routes"]
    out = run("rsync", "-a", "--itemize-changes", f"{src}/", f"{mount.path}/kept/").stdout
    assert out.strip() == "", out
    # Updating a file: rsync's new temporary file is renamed over it, and that becomes the file's next version
    # on Box (same id, the old content in its versions, nothing trashed), there once rsync returns.
    d1 = emulator.find(kept["id"], "d1")["id"]
    before = emulator.find(d1, "f001.dat")
    changed = src / "d1" / "f001.dat"
    changed.write_bytes(b"changed by the second rsync")
    os.utime(changed, (1_560_000_000, 1_560_000_000))
    emulator.reset_stats()
    run("rsync", "-a", f"{src}/", f"{mount.path}/kept/")
    entry = emulator.find(d1, "f001.dat")
    assert entry["id"] == before["id"] and entry["sha1"] == sha1(b"changed by the second rsync")
    assert int(datetime.fromisoformat(entry["content_modified_at"]).timestamp()) == 1_560_000_000
    status, versions = emulator.api("GET", f"/files/{entry['id']}/versions")
    assert status == 200 and [v["sha1"] for v in versions["entries"]] == [before["sha1"]], versions
    routes = emulator.stats()["routes"]
    assert emulator.calls("POST /api/2.0/files/{id}/content") == 1, routes
    assert emulator.calls("DELETE /2.0/files/{id}") == 0 and emulator.calls("POST /api/2.0/files/content") == 0, routes
    assert (mount.path / "kept" / "d1" / "f001.dat").read_bytes() == b"changed by the second rsync"
    out = run("rsync", "-a", "--itemize-changes", f"{src}/", f"{mount.path}/kept/").stdout
    assert out.strip() == "", out


@pytest.mark.mount_config("write_back = async\n")
def test_an_rsync_update_pending_at_a_crash_becomes_the_next_version_after_it(emulator, mount, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "doc.txt").write_bytes(b"first")
    run("rsync", "-a", f"{src}/", f"{mount.path}/crashy/")
    folder = wait_for(lambda: emulator.find("0", "crashy"), 10, "crashy on Box")
    first = wait_uploaded(emulator, folder["id"], "doc.txt", b"first")
    second = random_bytes(300_000, seed=12)
    (src / "doc.txt").write_bytes(second)
    emulator.reset_stats()
    emulator.set_faults(bandwidth_bps=20_000)  # the new version takes 15 s to send: the daemon dies first
    try:
        run("rsync", "-a", f"{src}/", f"{mount.path}/crashy/")
        version_upload = "POST /api/2.0/files/{id}/content"
        wait_for(lambda: emulator.stats()["routes"].get(version_upload, {}).get("bytes_in", 0) > 0, 10,
                 "the new version's upload to start")
        mount.kill9()
    finally:
        emulator.set_faults(bandwidth_bps=0)
    mount.start()
    entry = wait_uploaded(emulator, folder["id"], "doc.txt", second)
    assert entry["id"] == first["id"]
    assert (mount.path / "crashy" / "doc.txt").read_bytes() == second
    assert [e["name"] for e in emulator.list_folder(folder["id"])] == ["doc.txt"]


def test_a_temporary_name_never_renamed_is_uploaded_under_it(emulator, mount):
    # The wait for a rename is short: a file that keeps rsync's temporary name (rsync killed between close and
    # rename, or a name that only looks like one) reaches Box under it a moment later.
    data = random_bytes(5000, seed=7)
    (mount.path / ".looks.AbC123").write_bytes(data)
    assert os.getxattr(mount.path / ".looks.AbC123", "user.box.pending") == b"1"
    wait_uploaded(emulator, "0", ".looks.AbC123", data, timeout=10)
    assert (mount.path / ".looks.AbC123").read_bytes() == data
    # Deleted before its upload started: nothing reaches Box.
    emulator.reset_stats()
    (mount.path / ".gone.XyZ789").write_bytes(b"never sent")
    os.unlink(mount.path / ".gone.XyZ789")
    time.sleep(2)
    assert emulator.find("0", ".gone.XyZ789") is None
    assert emulator.calls("POST /api/2.0/files/content") == 0, emulator.stats()["routes"]


def test_bad_names_get_the_right_errno(mount):
    assert errno_of(open, mount.path / "back\\slash", "w") == errno.EINVAL
    assert errno_of(open, mount.path / "trailing ", "w") == errno.EINVAL
    assert errno_of(open, mount.path / ("x" * 256), "w") == errno.ENAMETOOLONG
    assert errno_of(os.mkdir, mount.path / "bad\\dir") == errno.EINVAL
    (mount.path / "Case.txt").write_bytes(b"1")
    # Box names are unique case-insensitively.
    assert errno_of(os.mkdir, mount.path / "CASE.TXT") == errno.EEXIST
    assert errno_of(os.symlink, "Case.txt", mount.path / "link") == errno.EPERM
    assert errno_of(os.link, mount.path / "Case.txt", mount.path / "hard") == errno.EPERM
    log = mount.log_path.read_text()
    assert "back\\slash" in log and "refusing" in log


def write_until_error(path, total: int) -> tuple[int, int]:
    """Writes `total` bytes in 256 KiB writes; returns (bytes written, errno of the write that failed or 0)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    written = 0
    try:
        while written < total:
            written += os.write(fd, b"z" * min(262144, total - written))
        return written, 0
    except OSError as e:
        return written, e.errno
    finally:
        os.close(fd)


def test_account_limits_give_efbig_and_enospc_when_written(emulator, tmp_path):
    from conftest import Mount
    used = emulator.api("GET", "/users/me")[1]["space_used"]
    emulator.admin("PUT", "users/10001/limits", {"space_amount": used + 3_000_000, "max_upload_size": 2_000_000})
    m = Mount(emulator, tmp_path / "lim", tmp_path / "lim-cache")
    try:
        written, err = write_until_error(m.path / "too-big.bin", 2_500_000)
        assert err == errno.EFBIG and written <= 2_000_000
        with open(m.path / "too-big.bin", "r+b") as f:
            assert errno_of(os.ftruncate, f.fileno(), 3_000_000) == errno.EFBIG
        emulator.admin("PUT", "users/10001/limits", {"max_upload_size": 10_000_000})
        m.remount()  # limits are read at mount (and each minute after)
        written, err = write_until_error(m.path / "no-room.bin", 4_000_000)
        assert err == errno.ENOSPC and written <= 3_000_000
        log = m.log_path.read_text()
        assert "largest upload" in log and "no space left" in log
    finally:
        emulator.admin("PUT", "users/10001/limits", {"space_amount": 10 * 1024**4, "max_upload_size": 50 * 1024**3})
        m.unmount()


@pytest.mark.mount_config("write_back = async\n")
def test_failed_uploads_stay_staged_and_retry(emulator, mount):
    os.listdir(mount.path)  # the folder is cached; then Box goes down
    emulator.set_faults(p5xx=1.0)
    try:
        (mount.path / "retry.txt").write_bytes(b"precious")  # returns at once: Box is down
        wait_for(lambda: "retrying" in mount.log_path.read_text(), 30, "a failed upload to be retried")
        assert os.getxattr(mount.path / "retry.txt", "user.box.pending") == b"1"
        assert (mount.path / "retry.txt").read_bytes() == b"precious"
    finally:
        emulator.set_faults(p5xx=0.0)
    wait_uploaded(emulator, "0", "retry.txt", b"precious", timeout=60)
    wait_for(lambda: os.getxattr(mount.path / "retry.txt", "user.box.pending") == b"0", 10, "the upload to settle")


@pytest.mark.mount_config("write_back = async\n")
def test_pending_uploads_survive_a_crash(emulator, mount):
    os.listdir(mount.path)
    emulator.set_faults(p5xx=1.0)
    try:
        (mount.path / "journal.txt").write_bytes(b"must not be lost")
        wait_for(lambda: "retrying" in mount.log_path.read_text(), 30, "a failed upload to be retried")
        mount.kill9()
    finally:
        emulator.set_faults(p5xx=0.0)
    assert emulator.find("0", "journal.txt") is None
    mount.start()
    wait_uploaded(emulator, "0", "journal.txt", b"must not be lost", timeout=60)
    assert (mount.path / "journal.txt").read_bytes() == b"must not be lost"


@pytest.mark.mount_config("write_back = async\n")
def test_unmount_waits_for_pending_uploads(emulator, mount):
    data = random_bytes(2_000_000, seed=9)
    (mount.path / "last.bin").write_bytes(data)
    mount.unmount()
    entry = emulator.find("0", "last.bin")
    assert entry and entry["sha1"] == sha1(data)
    mount.start()


def test_read_only_mount_refuses_writes(emulator, tmp_path):
    from conftest import Mount
    m = Mount(emulator, tmp_path / "ro", tmp_path / "ro-cache", "ro")
    try:
        assert errno_of(open, m.path / "x.txt", "w") == errno.EROFS
        assert errno_of(os.mkdir, m.path / "d") == errno.EROFS
        assert os.listdir(m.path)
    finally:
        m.unmount()


@pytest.mark.mount_config("write_back = async\n")
def test_kill9_during_a_large_upload_and_many_small_ones_loses_nothing(emulator, mount):
    big = os.urandom(300 * 1024 * 1024)
    small = {f"s{i:03}.txt": random_bytes(500 + i, seed=1000 + i) for i in range(100)}
    os.mkdir(mount.path / "crash")
    emulator.set_faults(bandwidth_bps=40_000_000)  # slow enough to kill it mid-upload
    emulator.reset_stats()
    try:
        for name, data in small.items():
            (mount.path / "crash" / name).write_bytes(data)
        (mount.path / "crash" / "big.bin").write_bytes(big)
        part_route = "PUT /api/2.0/files/upload_sessions/{session}"
        wait_for(lambda: emulator.calls(part_route) >= 6, 120, "six parts of the large upload")
        parts_before = emulator.calls(part_route)
        mount.kill9()
    finally:
        emulator.set_faults(bandwidth_bps=0)
    emulator.reset_stats()
    mount.start()
    crash = wait_for(lambda: emulator.find("0", "crash"), 30, "the folder")
    entry = wait_uploaded(emulator, crash["id"], "big.bin", big, timeout=180)
    assert entry["size"] == len(big)
    # The session was resumed, not restarted: both runs together sent each part about once (parts in flight
    # when the daemon died may go twice; there are at most 4).
    total_parts = -(-len(big) // (8 * 1024 * 1024))  # the emulator's part size below 1 GiB, as Box's
    assert parts_before + emulator.calls(part_route) <= total_parts + 4
    for name, data in small.items():
        wait_uploaded(emulator, crash["id"], name, data, timeout=60)
    assert sha1((mount.path / "crash" / "big.bin").read_bytes()) == sha1(big)


def test_creating_a_small_file_costs_one_upload_call(emulator, mount):
    os.listdir(mount.path)  # the folder listing is cached
    emulator.reset_stats()
    (mount.path / "cheap.txt").write_bytes(b"one call")
    uploads = emulator.calls("POST /api/2.0/files/content")
    # The events follower's calls don't scale with files (one long poll and one page cover many changes).
    events = emulator.calls("GET /2.0/events") + emulator.calls("OPTIONS /2.0/events") + emulator.calls("GET /subscribe")
    others = emulator.calls() - uploads - events
    assert uploads == 1 and others <= 1, emulator.stats()["routes"]


def box_mtime(emulator, name, folder="0"):
    entry = emulator.find(folder, name)
    return entry and int(datetime.fromisoformat(entry["content_modified_at"]).timestamp())


def test_an_mtime_set_before_a_rename_reaches_box_with_it(emulator, mount):
    # rsync's order for every file: write a temporary file, close it, set its mtime, rename it.
    (mount.path / ".f.tmp").write_bytes(b"synced")  # sync write-back: on Box when this returns
    emulator.reset_stats()
    os.utime(mount.path / ".f.tmp", (1_500_000_000, 1_500_000_000))
    os.utime(mount.path / ".f.tmp", (1_600_000_000, 1_600_000_000))  # set twice: the last one counts
    assert os.stat(mount.path / ".f.tmp").st_mtime == 1_600_000_000  # shown at once
    os.rename(mount.path / ".f.tmp", mount.path / "f.txt")
    wait_for(lambda: os.getxattr(mount.path / "f.txt", "user.box.pending") == b"0", 10, "the file to settle")
    assert box_mtime(emulator, "f.txt") == 1_600_000_000
    assert emulator.calls("PUT /2.0/files/{id}") == 1, emulator.stats()["routes"]  # name and time in one call
    # An mtime alone reaches Box within a moment; one set just before unmount is sent before exiting.
    os.utime(mount.path / "f.txt", (1_600_000_100, 1_600_000_100))
    wait_for(lambda: box_mtime(emulator, "f.txt") == 1_600_000_100, 10, "the new mtime on Box")
    os.utime(mount.path / "f.txt", (1_600_000_200, 1_600_000_200))
    mount.remount()
    assert box_mtime(emulator, "f.txt") == 1_600_000_200
    assert os.stat(mount.path / "f.txt").st_mtime == 1_600_000_200
    # fsync sends it at once too.
    os.utime(mount.path / "f.txt", (1_600_000_300, 1_600_000_300))
    fd = os.open(mount.path / "f.txt", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    assert box_mtime(emulator, "f.txt") == 1_600_000_300


def test_a_rename_answered_late_is_not_undone_by_the_held_mtime(emulator, mount):
    """rsync's order again, but Box answers the rename late: the rename is made on Box at once, and the held
    mtime's settle (a second after the utime) runs while the answer is still on its way. The settle must wait
    for the rename rather than compare Box's new name with the old local one and rename the file back."""
    (mount.path / ".g.tmp").write_bytes(b"late answer")
    emulator.set_faults(slow_answers_route="PUT /2.0/files/{id}", slow_answers_count=1, slow_answers_ms=2500)
    try:
        os.utime(mount.path / ".g.tmp", (1_600_000_000, 1_600_000_000))
        os.rename(mount.path / ".g.tmp", mount.path / "g.txt")
        wait_for(lambda: os.getxattr(mount.path / "g.txt", "user.box.pending") == b"0", 15, "g.txt to settle")
    finally:
        emulator.set_faults(slow_answers_count=0)
    names = {e["name"] for e in emulator.list_folder("0")}
    assert "g.txt" in names and ".g.tmp" not in names, names
    assert box_mtime(emulator, "g.txt") == 1_600_000_000
    mount.remount(clear_cache=True)
    assert (mount.path / "g.txt").read_bytes() == b"late answer"
    assert not (mount.path / ".g.tmp").exists()


@pytest.mark.mount_config("write_back = async\nuploads_per_minute = 30\n")
def test_uploads_queue_within_boxs_budget_instead_of_meeting_429s(emulator, mount):
    """With the emulator enforcing Box's sliding minute (here 30 uploads, the mount's figure too), a burst of 36
    files spends the minute's budget at once and the rest wait for the window: no 429, nothing lost."""
    emulator.set_faults(rate_limits=True, rate_limit_uploads_per_minute=30)
    try:
        os.mkdir(mount.path / "budget")
        folder = wait_for(lambda: emulator.find("0", "budget"), 10, "budget on Box")
        emulator.reset_stats()
        started = time.time()
        for i in range(36):
            (mount.path / "budget" / f"f{i}.txt").write_bytes(b"x" * (i + 1))
        landed = [wait_uploaded(emulator, folder["id"], f"f{i}.txt", b"x" * (i + 1), timeout=120) for i in range(36)]
        elapsed = time.time() - started
        statuses = emulator.stats()["totals"]["statuses"]
        assert "429" not in statuses, statuses
        assert len(landed) == 36
        assert elapsed >= 55, f"36 uploads in {elapsed:.0f}s: the budget of 30 a minute was not kept"
    finally:
        emulator.set_faults(rate_limits=False)


def test_a_remote_change_while_open_for_writing_keeps_both_versions(emulator, mount):
    (mount.path / "shared.txt").write_bytes(b"base\n")
    entry = wait_uploaded(emulator, "0", "shared.txt", b"base\n")
    with open(mount.path / "shared.txt", "ab") as f:
        f.write(b"ours\n")
        emulator.upload("0", "shared.txt", b"base\ntheirs\n", file_id=entry["id"])  # someone edits it on Box
    # Theirs stays the file; ours is saved beside it as a conflict copy. Nothing is lost.
    names = [e["name"] for e in emulator.list_folder("0")]
    conflicts = [n for n in names if n.startswith("shared (conflict ") and n.endswith(").txt")]
    assert len(conflicts) == 1, names
    assert emulator.download(emulator.find("0", conflicts[0])["id"]) == b"base\nours\n"
    assert emulator.download(entry["id"]) == b"base\ntheirs\n"
    assert "changed on Box while it was open here" in mount.log_path.read_text()


# Box's upload budget (240 a minute) would make 1,000 files take over four minutes; the emulator doesn't
# enforce it here, so the client's limiter is raised to keep the test short.
@pytest.mark.mount_config("uploads_per_minute = 100000\napi_calls_per_minute = 100000\n")
def test_copying_a_thousand_files_and_a_large_one_keeps_content_and_times(emulator, mount, tmp_path):
    src = tmp_path / "tree"
    for i in range(1000):
        d = src / f"d{i % 10}"
        d.mkdir(parents=True, exist_ok=True)
        p = d / f"f{i:04}.txt"
        p.write_bytes(random_bytes(100 + i, seed=5000 + i))
        os.utime(p, ns=(1_500_000_000_123_456_789 + i, 1_500_000_000_123_456_789 + i * 1_000_000_007))
    big = src / "big.bin"
    big.write_bytes(os.urandom(60 * 1024 * 1024))
    os.utime(big, (1_400_000_000, 1_400_000_000))
    run("tar", "--format=posix", "-C", tmp_path, "-cf", tmp_path / "tree.tar", "tree")  # pax keeps nanoseconds
    run("tar", "-C", mount.path, "-xf", tmp_path / "tree.tar")
    run("cp", "-a", big, mount.path / "big-copy.bin")

    def check(root):
        run("diff", "-r", src, root / "tree")
        for p in src.rglob("*"):
            if p.is_file():
                got = os.stat(root / "tree" / p.relative_to(src))
                # Every nanosecond, though Box keeps whole seconds: the mount keeps what it was given.
                assert got.st_mtime_ns == p.stat().st_mtime_ns, p
        assert int(os.stat(root / "big-copy.bin").st_mtime) == 1_400_000_000

    check(mount.path)
    # Box has every byte and every mtime (to the second).
    tree = emulator.find("0", "tree")
    for i in (0, 1, 499, 999):
        d = emulator.find(tree["id"], f"d{i % 10}")
        entry = emulator.find(d["id"], f"f{i:04}.txt")
        assert entry["sha1"] == sha1((src / f"d{i % 10}" / f"f{i:04}.txt").read_bytes())
        want = (src / f"d{i % 10}" / f"f{i:04}.txt").stat().st_mtime_ns // 1_000_000_000
        assert datetime.fromisoformat(entry["content_modified_at"]).timestamp() == want
    assert sum(len(emulator.list_folder(emulator.find(tree["id"], f"d{k}")["id"])) for k in range(10)) == 1000
    assert emulator.find(tree["id"], "big.bin")["sha1"] == sha1(big.read_bytes())
    # A remount keeps them (the metadata cache stores nanoseconds).
    mount.remount()
    check(mount.path)
    # After a remount from an empty cache, Box's whole seconds remain.
    mount.remount(clear_cache=True)
    run("diff", "-r", src, mount.path / "tree")
    assert int(os.stat(mount.path / "tree" / "d3" / "f0003.txt").st_mtime) == 1_500_000_003


def test_a_failed_operation_logs_one_line_with_the_path_and_box_error(emulator, mount):
    os.mkdir(mount.path / "logs")
    (mount.path / "logs" / "a.txt").write_bytes(b"x")
    emulator.set_faults(p5xx=1.0)
    try:
        assert errno_of(os.rename, mount.path / "logs" / "a.txt", mount.path / "logs" / "b.txt") == errno.EIO
    finally:
        emulator.set_faults(p5xx=0.0)
    lines = [line for line in mount.log_path.read_text().splitlines() if " error " in line and "rename" in line]
    assert len(lines) == 1 and "rename /logs/a.txt to /logs/b.txt: Box answered 503 unavailable" in lines[0], lines


def test_mv_and_rm_r_of_a_directory_tree(emulator, mount):
    tree = mount.path / "proj"
    for d in ("src/a", "src/b", "docs"):
        (tree / d).mkdir(parents=True)
        for i in range(3):
            (tree / d / f"f{i}.txt").write_bytes(f"{d}/{i}".encode())
    run("mv", tree, mount.path / "moved-proj")
    assert not tree.exists()
    assert (mount.path / "moved-proj" / "src" / "b" / "f2.txt").read_bytes() == b"src/b/2"
    moved = emulator.find("0", "moved-proj")
    assert moved and emulator.find("0", "proj") is None
    src = emulator.find(moved["id"], "src")
    assert emulator.download(emulator.find(emulator.find(src["id"], "a")["id"], "f1.txt")["id"]) == b"src/a/1"
    run("rm", "-r", mount.path / "moved-proj")
    assert not (mount.path / "moved-proj").exists()
    assert emulator.find("0", "moved-proj") is None
    mount.remount(clear_cache=True)
    assert "moved-proj" not in os.listdir(mount.path)
