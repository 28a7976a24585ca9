"""Reading Box through the mount: listings, attributes, content, caching, API economy."""
import errno
import os
import struct
import subprocess
import threading
import time
from datetime import datetime

import pytest

from conftest import Emulator, Mount
from helpers import random_bytes, run, sha1, wait_for


def tree_via_api(emulator, folder_id="0", prefix=""):
    out = {}
    for e in emulator.list_folder(folder_id):
        path = prefix + e["name"]
        out[path] = e
        if e["type"] == "folder":
            out.update(tree_via_api(emulator, e["id"], path + "/"))
    return out


def tree_via_mount(root):
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            out[os.path.relpath(full, root)] = full
    return out


def test_listing_matches_box(emulator, mount):
    api = tree_via_api(emulator)
    assert api, "the seeded emulator should have items"
    assert sorted(tree_via_mount(mount.path)) == sorted(api)


def test_file_content_and_attributes_match_box(emulator, mount):
    files = {p: e for p, e in tree_via_api(emulator).items() if e["type"] == "file"}
    assert files
    for path, entry in files.items():
        full = mount.path / path
        st = os.stat(full)
        assert st.st_size == int(entry["size"]), path
        data = full.read_bytes()
        assert sha1(data) == entry["sha1"], path
        assert run("sha1sum", full).stdout.split()[0] == entry["sha1"]


def test_directories_and_files_have_sane_modes(emulator, mount):
    for path, full in tree_via_mount(mount.path).items():
        st = os.stat(full)
        if os.path.isdir(full):
            assert st.st_mode & 0o777 == 0o755, path
        else:
            assert st.st_mode & 0o777 == 0o644, path
        assert st.st_uid == os.getuid()


def test_missing_names_are_enoent(mount):
    assert not (mount.path / "no such file").exists()
    try:
        open(mount.path / "no such file")
        raise AssertionError("opening a missing file succeeded")
    except FileNotFoundError:
        pass
    proc = run("ls", mount.path / "nope", check=False)
    assert proc.returncode != 0 and "No such file" in proc.stderr


def test_large_file_sequential_and_random_reads(emulator, mount):
    data = random_bytes(24 * 1024 * 1024 + 12345, seed=7)
    emulator.upload("0", "big-read.bin", data)
    path = mount.path / "big-read.bin"
    # The mount's listing may be fresh from an earlier test; a remount keeps the cache but its TTL still
    # applies, so drop the cache to see the new file at once.
    mount.remount(clear_cache=True)
    assert os.stat(path).st_size == len(data)
    assert sha1(path.read_bytes()) == sha1(data)
    with open(path, "rb") as f:
        for offset in (0, 5_000_000, 4 * 1024 * 1024 - 3, len(data) - 100, len(data) + 10):
            f.seek(offset)
            assert f.read(4096) == data[offset:offset + 4096], offset
    out = run("dd", f"if={path}", "bs=1M", "skip=20", "count=1", "status=none", text=False).stdout
    assert out == data[20 << 20:21 << 20]


def test_second_read_and_listing_come_from_the_cache(emulator, mount):
    data = random_bytes(3 * 1024 * 1024, seed=3)
    emulator.upload("0", "cached.bin", data)
    mount.remount(clear_cache=True)
    path = mount.path / "cached.bin"
    assert sha1(path.read_bytes()) == sha1(data)
    run("ls", "-lR", mount.path)
    emulator.reset_stats()
    # Drop the kernel's page cache so the read really reaches boxfs.
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3")
    assert sha1(path.read_bytes()) == sha1(data)
    run("ls", "-lR", mount.path)
    assert emulator.calls("GET /2.0/files/{id}/content") == 0
    assert emulator.calls() == 0, emulator.stats()


def test_listing_a_folder_costs_one_call_per_page(emulator, mount):
    mount.remount(clear_cache=True)
    settle(emulator)
    emulator.reset_stats()
    run("ls", "-l", mount.path)
    assert metadata_calls(emulator) == {"GET /2.0/folders/{id}/items": 1}
    # Box gives All Files no times; the mount shows its newest child's rather than 1970. Whole seconds: run alone,
    # this test sometimes sees a fraction on top of the newest child's second (not understood yet; see the notes).
    newest = max(datetime.fromisoformat(e["modified_at"]).timestamp() for e in emulator.list_folder("0"))
    assert int(os.stat(mount.path).st_mtime) == newest


def test_inode_numbers_survive_remount(mount):
    before = {p: os.stat(f).st_ino for p, f in tree_via_mount(mount.path).items()}
    mount.remount()
    after = {p: os.stat(f).st_ino for p, f in tree_via_mount(mount.path).items()}
    assert before == after


def test_box_metadata_as_extended_attributes(emulator, mount):
    entry = next(e for e in emulator.list_folder("0") if e["type"] == "file")
    path = mount.path / entry["name"]
    assert os.getxattr(path, "user.box.id").decode() == entry["id"]
    assert os.getxattr(path, "user.box.sha1").decode() == entry["sha1"]
    assert "user.box.etag" in os.listxattr(path)
    try:
        os.getxattr(path, "user.nothing")
        raise AssertionError("a missing attribute was found")
    except OSError as e:
        assert e.errno == errno.ENODATA
    out = run("getfattr", "-d", path).stdout
    assert "user.box.id=" in out


def test_posix_acls_and_security_labels_are_not_supported(emulator, mount):
    # Box has neither: reading or writing one is EOPNOTSUPP, the errno that lets `ls -l` stop asking.
    entry = next(e for e in emulator.list_folder("0") if e["type"] == "file")
    path = mount.path / entry["name"]
    for name in ("system.posix_acl_access", "system.posix_acl_default", "security.selinux", "trusted.x"):
        try:
            os.getxattr(path, name)
            raise AssertionError(f"{name} was found")
        except OSError as e:
            assert e.errno == errno.EOPNOTSUPP, (name, e)
    # What `setfacl -m u:1000:r` writes: version 2, then (tag, permissions, id) for the owner, user 1000, the
    # group, the mask and others
    entries = [(0x01, 6, 0xFFFFFFFF), (0x02, 4, 1000), (0x04, 4, 0xFFFFFFFF), (0x10, 4, 0xFFFFFFFF), (0x20, 4, 0xFFFFFFFF)]
    acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)
    try:
        os.setxattr(path, "system.posix_acl_access", acl)
        raise AssertionError("an ACL was accepted")
    except OSError as e:
        assert e.errno == errno.EOPNOTSUPP, e
    os.chmod(path, 0o600)  # still accepted as a no-op (cp -a, rsync -a)
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_ls_l_asks_for_labels_and_acls_once_not_per_entry(emulator, mount):
    status, folder = emulator.api("POST", "/folders", {"name": "labels", "parent": {"id": "0"}})
    assert status == 201, folder
    for i in range(20):
        emulator.upload(folder["id"], f"f{i}.txt", b"x")
    # strace -c counts ls's calls: after the first EOPNOTSUPP it remembers the mount has neither.
    out = run("strace", "-c", "-e", "trace=lgetxattr,getxattr", "ls", "-l", mount.path / "labels").stderr
    calls = {line.split()[-1]: int(line.split()[3]) for line in out.splitlines() if line.strip().endswith("xattr")}
    assert 1 <= sum(calls.values()) <= 3, out


@pytest.mark.mount_config("xattrs = off\n")
def test_xattrs_off_tells_the_kernel_to_stop_asking(emulator, mount):
    entry = next(e for e in emulator.list_folder("0") if e["type"] == "file")
    path = mount.path / entry["name"]
    for name in ("user.box.id", "security.selinux"):
        try:
            os.getxattr(path, name)
            raise AssertionError(f"{name} was answered with xattrs off")
        except OSError as e:
            assert e.errno == errno.EOPNOTSUPP, e
    run("ls", "-l", mount.path)  # ls copes (it asks every entry, and the kernel answers for us)


def test_statfs_reports_the_quota(emulator, mount):
    status, me = emulator.api("GET", "/users/me")
    assert status == 200
    st = os.statvfs(mount.path)
    assert st.f_blocks * st.f_frsize == int(me["space_amount"]) // 4096 * 4096
    assert (st.f_blocks - st.f_bfree) * st.f_frsize <= int(me["space_used"]) + 4096
    assert "boxfs" in run("df", "-h", mount.path).stdout


# -- API economy on a big folder, sharing, eviction, faults -------------------------------------------------

BIG_FOLDER_ENTRIES = 10_000
METADATA_ROUTES = ("GET /2.0/folders/", "GET /2.0/files/", "OPTIONS /2.0/files/")


def settle(emulator, quiet=0.5, timeout=15):
    """Waits until the mount's start-up calls (account check, events catch-up) have been answered, so counters
    reset afterwards see only what the test does."""
    deadline = time.time() + timeout
    last = emulator.calls()
    while time.time() < deadline:
        time.sleep(quiet)
        now = emulator.calls()
        if now == last:
            return
        last = now
    raise AssertionError(f"the mount kept calling Box for {timeout} s: {emulator.stats()}")


def metadata_calls(emulator) -> dict:
    """Calls that read items, listings or names (not events, long-polls or downloads), by route."""
    routes = emulator.stats().get("routes", {})
    return {name: r["count"] for name, r in routes.items()
            if name.startswith(METADATA_ROUTES) and name != "GET /2.0/files/{id}/content" and r["count"]}


def drop_page_cache():
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3")


@pytest.fixture(scope="module")
def big_emulator(tmp_path_factory):
    emu = Emulator(tmp_path_factory.mktemp("big-emu") / "data", "--seed-big-folder", str(BIG_FOLDER_ENTRIES))
    yield emu
    emu.stop()


def test_listing_a_10000_entry_folder_costs_ten_calls_then_none(big_emulator, tmp_path):
    mount = Mount(big_emulator, tmp_path / "mnt", tmp_path / "cache")
    try:
        big = mount.path / "big"
        os.stat(big)
        settle(big_emulator)
        big_emulator.reset_stats()
        out = run("ls", "-l", big).stdout.splitlines()
        assert len(out) == BIG_FOLDER_ENTRIES + 1  # "total" line
        assert metadata_calls(big_emulator) == {"GET /2.0/folders/{id}/items": 10}

        big_emulator.reset_stats()
        run("ls", "-l", big)
        assert metadata_calls(big_emulator) == {}

        mount.remount()
        settle(big_emulator)
        big_emulator.reset_stats()
        assert len(run("ls", "-l", big).stdout.splitlines()) == BIG_FOLDER_ENTRIES + 1
        assert metadata_calls(big_emulator) == {}
    finally:
        mount.unmount()


def test_looking_up_one_name_never_lists_a_big_folder(big_emulator, tmp_path):
    mount = Mount(big_emulator, tmp_path / "mnt", tmp_path / "cache")
    try:
        settle(big_emulator)
        big_emulator.reset_stats()
        assert (mount.path / "big" / "file-09999.txt").read_text() == "file 9999\n"
        assert not (mount.path / "big" / "file-10001.txt").exists()
        assert not (mount.path / "big" / "file-10001.txt").exists()  # the negative entry answers
        # The first page of each folder never listed: the whole root, but not the whole of big, whose names
        # are then asked about one by one: a preflight each (409 names the item, 200 says absent) and a GET
        # for the attributes of each hit.
        assert metadata_calls(big_emulator) == {
            "GET /2.0/folders/{id}/items": 2, "OPTIONS /2.0/files/content": 2, "GET /2.0/files/{id}": 1}
        # The root's first page was its whole listing: its other names cost nothing.
        big_emulator.reset_stats()
        assert not (mount.path / "missing").exists()
        assert sorted(os.listdir(mount.path)) == ["big"]
        assert metadata_calls(big_emulator) == {}
    finally:
        mount.unmount()


def test_concurrent_readers_share_one_fetch_per_block(emulator, mount):
    block = 4 * 1024 * 1024
    data = random_bytes(6 * block + 777, seed=11)
    emulator.upload("0", "shared-read.bin", data)
    mount.remount(clear_cache=True)
    path = mount.path / "shared-read.bin"
    os.stat(path)
    settle(emulator)
    drop_page_cache()
    emulator.reset_stats()
    readers = [subprocess.Popen(["sha1sum", str(path)], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    sums = [r.communicate(timeout=60)[0].split()[0] for r in readers]
    assert sums == [sha1(data)] * 2
    assert emulator.stats()["totals"]["download_calls"] == 7, emulator.stats()
    assert emulator.calls("GET /2.0/files/{id}/content") == 1, emulator.stats()


def cached_block_bytes(cache_dir, downloading=False) -> int:
    """Bytes of the cached blocks; with `downloading`, also of the blocks still arriving (blocks/incoming)."""
    total = 0
    for folder, _, files in os.walk(os.path.join(cache_dir, "blocks")):
        if os.path.basename(folder) == "incoming" and not downloading:
            continue
        for name in files:
            try:
                total += os.path.getsize(os.path.join(folder, name))
            except FileNotFoundError:
                pass  # evicted while we looked
    return total


def test_cache_size_cap_holds_and_reads_survive_eviction(emulator, tmp_path):
    cap, block = 6 * 1024 * 1024, 1024 * 1024
    data = random_bytes(20 * block + 99, seed=12)
    emulator.upload("0", "bigger-than-cache.bin", data)
    mount = Mount(emulator, tmp_path / "mnt", tmp_path / "cache",
                  config_extra=f"cache_size = {cap}\nblock_size = {block}\nread_ahead_max = 4M\nread_ahead_memory = 4M\n")
    try:
        path = mount.path / "bigger-than-cache.bin"
        peak, peak_with_downloads, done = [0], [0], threading.Event()

        def watch():
            while not done.is_set():
                peak[0] = max(peak[0], cached_block_bytes(mount.cache_dir))
                peak_with_downloads[0] = max(peak_with_downloads[0], cached_block_bytes(mount.cache_dir, True))
                time.sleep(0.01)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            for _ in range(2):  # the second pass reads blocks the first one evicted
                drop_page_cache()
                assert sha1(path.read_bytes()) == sha1(data)
        finally:
            done.set()
            watcher.join()
        # Blocks being read are pinned and may overshoot the cap by the few in flight, never by the file.
        assert 0 < cached_block_bytes(mount.cache_dir) <= cap
        assert peak[0] <= cap + 4 * block, peak[0]
        # Downloads in flight are bounded by the read-ahead budget (4M here) plus the blocks readers wait for.
        assert peak_with_downloads[0] <= cap + 12 * block, peak_with_downloads[0]
        drop_page_cache()
        with open(path, "rb") as f:
            for offset in (0, 7 * block - 5, 19 * block + 50):
                f.seek(offset)
                assert f.read(block) == data[offset:offset + block], offset
    finally:
        mount.unmount()


def test_reads_are_correct_under_injected_errors_and_drops(emulator, tmp_path):
    data = random_bytes(12 * 1024 * 1024 + 5, seed=13)
    emulator.upload("0", "flaky-read.bin", data)
    # 1 MiB blocks: a dozen downloads, so the faults hit some of them.
    mount = Mount(emulator, tmp_path / "mnt", tmp_path / "cache", config_extra="block_size = 1M\n")
    settle(emulator)
    emulator.reset_stats()
    # About one request in five fails: 429 with Retry-After, 503, or a connection dropped (some mid-body).
    emulator.set_faults(p429=0.07, p5xx=0.08, pdrop=0.07, seed=5, retry_after_seconds=1)
    try:
        path = mount.path / "flaky-read.bin"
        assert os.stat(path).st_size == len(data)
        assert sha1(path.read_bytes()) == sha1(data)
        drop_page_cache()
        with open(path, "rb") as f:
            f.seek(9_000_000)
            assert f.read(100_000) == data[9_000_000:9_100_000]
        statuses = emulator.stats()["totals"]["statuses"]
    finally:
        emulator.set_faults(p429=0, p5xx=0, pdrop=0)
        mount.unmount()
    assert sum(n for s, n in statuses.items() if s not in ("200", "206", "302")) > 0, statuses


def daemon_bytes_read(mount) -> int:
    """Bytes the boxfs daemon has read with read(2)/pread(2) so far: the block cache's files among them."""
    with open(f"/proc/{mount.proc.pid}/io") as f:
        return int(next(line for line in f if line.startswith("rchar:")).split()[1])


def test_unchanged_file_is_reread_from_the_kernel_page_cache(emulator, mount):
    data = random_bytes(8 * 1024 * 1024, seed=14)
    entry = emulator.upload("0", "kept.bin", data)
    mount.remount(clear_cache=True)
    path = mount.path / "kept.bin"
    assert sha1(path.read_bytes()) == sha1(data)
    assert sha1(path.read_bytes()) == sha1(data)  # this open learns the version the kernel holds
    before = daemon_bytes_read(mount)
    assert sha1(path.read_bytes()) == sha1(data)
    assert daemon_bytes_read(mount) - before < len(data) // 4

    # A new version on Box: the kernel's pages must go.
    changed = random_bytes(len(data), seed=15)
    emulator.upload("0", "kept.bin", changed, file_id=entry["id"])
    wait_for(lambda: sha1(path.read_bytes()) == sha1(changed), what="the new version through the mount")


def test_kernel_read_ahead_is_raised_so_reads_arrive_in_large_pieces(mount):
    st = os.stat(mount.path)
    with open(f"/sys/class/bdi/{os.major(st.st_dev)}:{os.minor(st.st_dev)}/read_ahead_kb") as f:
        assert int(f.read()) == 4096
