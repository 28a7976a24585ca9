"""Reading Box through the mount: listings, attributes, content, caching, API economy."""
import errno
import os
import subprocess

from helpers import random_bytes, run, sha1


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
    emulator.reset_stats()
    run("ls", "-l", mount.path)
    assert emulator.calls("GET /2.0/folders/{id}/items") == 1, emulator.stats()
    assert emulator.calls() <= 2, emulator.stats()


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


def test_statfs_reports_the_quota(emulator, mount):
    status, me = emulator.api("GET", "/users/me")
    assert status == 200
    st = os.statvfs(mount.path)
    assert st.f_blocks * st.f_frsize == int(me["space_amount"]) // 4096 * 4096
    assert (st.f_blocks - st.f_bfree) * st.f_frsize <= int(me["space_used"]) + 4096
    assert "boxfs" in run("df", "-h", mount.path).stdout
