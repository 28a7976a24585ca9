"""Authentication end to end: each method through a real mount of an emulator that implements Box's grants for
real (JWT signatures checked against the app's public key, rotating single-use refresh tokens, 2-second access
tokens), the failures an administrator meets at setup, and no secret in any boxfs log."""
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import BIN, TOKEN, Emulator, Mount
from helpers import random_bytes, run, sha1, wait_uploaded

CLIENT_ID = "boxfs-test-app"
CLIENT_SECRET = "client-secret-Zq8w"
PASSPHRASE = "key-passphrase-7Hk2"
KEY_ID = "kid-test-1"
ENTERPRISE = "900001"       # EmulatorUsers.enterpriseID
ANN, BOB = "10001", "10002"  # the default admin user and an ordinary managed user
# How long the copy on 2-second tokens runs; the long form is BOXFS_AUTH_COPY_SECONDS=60.
COPY_SECONDS = int(os.environ.get("BOXFS_AUTH_COPY_SECONDS", "20"))


class Secrets:
    """Every secret the module hands to boxfs or sees it obtain; the last test greps all boxfs logs for them."""

    def __init__(self):
        self.values = {TOKEN, CLIENT_SECRET, PASSPHRASE}

    def add(self, *values):
        self.values.update(v for v in values if v)

    def add_token_file(self, path: Path):
        stored = json.loads(path.read_text())
        self.add(stored.get("access_token"), stored.get("refresh_token"))


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("auth")


@pytest.fixture(scope="module", autouse=True)
def secrets(work):
    """The secrets the module's tests handle; after the last test, every log of the module's boxfs runs (at trace
    level) is searched for each of them."""
    found = Secrets()
    yield found
    logs = [p for p in work.rglob("*.log") if not p.is_relative_to(work / "emu")]
    assert logs, "the tests wrote no boxfs logs to search"
    leaks = [(log.name, secret[:4]) for log in logs for secret in found.values
             if secret in log.read_text(errors="replace")]
    assert not leaks, f"secrets in boxfs logs (file, first characters): {leaks}"


@pytest.fixture(scope="module")
def keys(work):
    """A fresh RSA key pair: the public half registered with the emulator's app, the private half as the
    encrypted PKCS#8 PEM Box's console hands out."""
    plain, encrypted, public = work / "plain.pem", work / "private.pem", work / "public.pem"
    run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", plain)
    run("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", plain, "-out", encrypted,
        "-passout", f"pass:{PASSPHRASE}")
    run("openssl", "pkey", "-in", plain, "-pubout", "-out", public)
    plain.unlink()
    encrypted.chmod(0o600)
    return {"private": encrypted, "public": public}


@pytest.fixture(scope="module")
def emulator(work, keys):
    """An emulator with one registered Box app and access tokens that live 2 seconds."""
    (work / "emu").mkdir()
    emu = Emulator(work / "emu" / "data", "--seed", "--token-ttl", "2",
                   "--app-client-id", CLIENT_ID, "--app-client-secret", CLIENT_SECRET,
                   "--app-public-key", str(keys["public"]), "--app-public-key-id", KEY_ID,
                   "--enterprise-id", ENTERPRISE)
    yield emu
    violations = emu.conformance_violations()
    emu.stop()
    assert violations == [], f"emulator responses that break Box's schema: {violations[:5]}"


def secret_file(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o600)
    return path


def auth_config(emulator, work: Path, name: str, lines: str) -> Path:
    """A config for the `boxfs auth` commands and failing mounts (Mount writes its own for mounts that work)."""
    path = work / f"{name}.conf"
    path.write_text(f"api_url = {emulator.url}/2.0\nupload_url = {emulator.url}/api/2.0\n"
                    f"token_url = {emulator.url}/oauth2/token\ncache_dir = {work / (name + '-cache')}\n"
                    f"log_level = trace\n{lines}")
    return path


def oauth_lines(work: Path) -> str:
    secret = secret_file(work / "client_secret", CLIENT_SECRET + "\n")
    return (f"auth = oauth\nclient_id = {CLIENT_ID}\nclient_secret_file = {secret}\n"
            f"refresh_token_file = {work / 'oauth.json'}\n")


def jwt_config_file(work: Path, keys, name="box_config.json", **changes) -> Path:
    """The app config JSON exactly as Box's developer console downloads it."""
    settings = {"boxAppSettings": {"clientID": CLIENT_ID, "clientSecret": CLIENT_SECRET,
                                   "appAuth": {"publicKeyID": KEY_ID, "privateKey": keys["private"].read_text(),
                                               "passphrase": PASSPHRASE}},
                "enterpriseID": ENTERPRISE}
    for path, value in changes.items():
        *parents, leaf = path.split(".")
        node = settings
        for key in parents:
            node = node[key]
        if value is None:
            del node[leaf]
        else:
            node[leaf] = value
    return secret_file(work / name, json.dumps(settings))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def token_grant(emulator, **form) -> tuple:
    body = urllib.parse.urlencode({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **form}).encode()
    req = urllib.request.Request(emulator.url + "/oauth2/token", data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def names(path: Path) -> set:
    return set(os.listdir(path))


class LoginProcess:
    """`boxfs auth login` running as a user would: its printed URL, then the browser's part played by the test."""

    def __init__(self, config: Path, *args: str):
        self.proc = subprocess.Popen([str(BIN / "boxfs"), "auth", "login", "--config", str(config), *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines = []
        self.url = self.read_until(lambda line: "authorize?" in line).strip()

    def read_until(self, predicate) -> str:
        while True:
            line = self.proc.stdout.readline()
            assert line, f"boxfs auth login ended early: {''.join(self.lines)}{self.proc.stderr.read()}"
            self.lines.append(line)
            if predicate(line):
                return line

    def finish(self) -> str:
        out, err = self.proc.communicate(timeout=20)
        assert self.proc.returncode == 0, f"boxfs auth login exited {self.proc.returncode}: {err}"
        return "".join(self.lines) + out + err


def assert_refused(emulator, work, name, lines, fragment):
    """`boxfs mount` with this config fails with one line naming the problem, a non-zero exit, and no mount."""
    config = auth_config(emulator, work, name, lines)
    mountpoint = work / f"{name}-mnt"
    mountpoint.mkdir()
    proc = subprocess.run([str(BIN / "boxfs"), "mount", str(mountpoint), "--config", str(config)],
                          capture_output=True, text=True, timeout=60)
    (work / f"{name}-stderr.log").write_text(proc.stdout + proc.stderr)
    with open("/proc/mounts") as f:
        mounted = any(line.split()[1] == str(mountpoint) for line in f)
    if mounted:
        subprocess.run(["fusermount3", "-u", str(mountpoint)], check=False)
    assert not mounted, f"{name}: boxfs mounted anyway"
    assert proc.returncode != 0, f"{name}: boxfs exited 0: {proc.stderr}"
    lines_out = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    assert len(lines_out) == 1, f"{name}: expected one line, got {lines_out}"
    assert fragment in lines_out[0], f"{name}: {lines_out[0]!r} does not say {fragment!r}"


# -- methods through a real mount ----------------------------------------------------------------------------------

def test_developer_token_file(emulator, work, secrets):
    token = emulator.admin("POST", f"users/{ANN}/tokens?ttl=3600")["access_token"]
    secrets.add(token)
    token_file = secret_file(work / "developer.token", token + "\n")
    m = Mount(emulator, work / "dev-mnt", work / "dev-cache",
              config_extra=f"access_token_file = {token_file}\nlog_level = trace\n")
    try:
        assert "hello.txt" in names(m.path)
        assert (m.path / "hello.txt").read_bytes() == emulator.download(emulator.find("0", "hello.txt")["id"])
    finally:
        m.unmount()


def test_oauth_login_then_a_long_copy_on_2_second_tokens_with_rotation_stored(emulator, work, secrets):
    config = auth_config(emulator, work, "oauth", oauth_lines(work))
    port = free_port()
    login = LoginProcess(config, "--redirect-uri", f"http://127.0.0.1:{port}/boxfs/callback")
    login.read_until(lambda line: "Waiting for the browser" in line)
    # The browser: Box's authorize page redirects to the listener, which answers with a page of its own.
    with urllib.request.urlopen(login.url, timeout=10) as resp:
        assert b"signed in" in resp.read()
    output = login.finish()
    token_file = work / "oauth.json"
    assert token_file.stat().st_mode & 0o777 == 0o600
    secrets.add_token_file(token_file)
    first_refresh = json.loads(token_file.read_text())["refresh_token"]
    (work / "oauth-login.log").write_text(output)

    check = run(BIN / "boxfs", "auth", "check", "--config", config)
    assert "acts as: Ann Admin <ann@example.com>" in check.stdout and "can write" in check.stdout, check.stdout
    (work / "oauth-check.log").write_text(check.stdout + check.stderr)

    # At 1 MB/s: 40 % of the time downloading one file, 60 % uploading half-megabyte files.
    download = random_bytes(COPY_SECONDS * 2 // 5 << 20, seed=51)
    emulator.upload("0", "oauth-down.bin", download)
    uploads = {f"part-{i:03}.bin": random_bytes(512 << 10, seed=100 + i) for i in range(COPY_SECONDS * 6 // 5)}
    source = work / "oauth-up"
    source.mkdir()
    for name, data in uploads.items():
        (source / name).write_bytes(data)

    m = Mount(emulator, work / "oauth-mnt", work / "oauth-cache",
              config_extra=oauth_lines(work) + "log_level = trace\n")
    watching = threading.Event()

    def collect_rotated_tokens():
        while not watching.wait(0.2):
            try:
                secrets.add_token_file(token_file)
            except (OSError, ValueError):
                pass  # between rename and read; the next look sees it

    watcher = threading.Thread(target=collect_rotated_tokens)
    watcher.start()
    try:
        emulator.reset_stats()
        # COPY_SECONDS of calls through a 1 MB/s link while access tokens expire every 2 s.
        emulator.set_faults(bandwidth_bps=1_000_000)
        started = time.time()
        copy_in = subprocess.Popen(["cp", "-r", str(source), str(m.path / "oauth-up")])
        copied = work / "oauth-down.copy"
        run("cp", m.path / "oauth-down.bin", copied)
        assert copy_in.wait(timeout=COPY_SECONDS * 5) == 0
        folder = emulator.find("0", "oauth-up")["id"]
        for name, data in uploads.items():
            wait_uploaded(emulator, folder, name, data, timeout=COPY_SECONDS * 5)
        elapsed = time.time() - started
        assert sha1(copied.read_bytes()) == sha1(download)
        grants = emulator.calls("POST /oauth2/token")
    finally:
        emulator.set_faults(bandwidth_bps=0)
        watching.set()
        watcher.join()
        m.unmount()
    assert elapsed > COPY_SECONDS / 2, f"the copy took {elapsed:.1f} s, too short to cross token expiries"
    assert grants >= 3, f"{grants} token grants in {elapsed:.0f} s of 2-second tokens: expiries were not crossed"

    stored = json.loads(token_file.read_text())
    secrets.add(stored["access_token"], stored["refresh_token"])
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert stored["refresh_token"] != first_refresh
    # The first refresh token was spent by a rotation, so Box refuses it; the stored one is the live one.
    status, body = token_grant(emulator, grant_type="refresh_token", refresh_token=first_refresh)
    assert (status, body.get("error")) == (400, "invalid_grant"), body
    status, body = token_grant(emulator, grant_type="refresh_token", refresh_token=stored["refresh_token"])
    assert status == 200, body
    secrets.add(body.get("access_token"), body.get("refresh_token"))


def test_oauth_login_by_pasting_the_address_on_a_headless_server(emulator, work, secrets):
    config = auth_config(emulator, work, "paste", oauth_lines(work).replace("oauth.json", "pasted.json"))
    login = LoginProcess(config, "--no-listen", "--redirect-uri", "http://127.0.0.1:9/cb")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    # The browser on another machine ends on an address nothing answers; the user copies it from the address bar.
    with pytest.raises(urllib.error.HTTPError) as redirect:
        urllib.request.build_opener(NoRedirect).open(login.url, timeout=10)
    assert redirect.value.code == 302
    login.proc.stdin.write(redirect.value.headers["Location"] + "\n")
    login.proc.stdin.flush()
    (work / "paste-login.log").write_text(login.finish())
    secrets.add_token_file(work / "pasted.json")
    assert (work / "pasted.json").stat().st_mode & 0o777 == 0o600


def test_client_credentials_as_a_user(emulator, work, secrets):
    secret = secret_file(work / "client_secret", CLIENT_SECRET + "\n")
    m = Mount(emulator, work / "ccg-mnt", work / "ccg-cache", config_extra=(
        f"auth = ccg\nclient_id = {CLIENT_ID}\nclient_secret_file = {secret}\nuser_id = {ANN}\nlog_level = trace\n"))
    try:
        assert "hello.txt" in names(m.path)
        (m.path / "ccg.txt").write_bytes(b"written with a CCG token\n")
        wait_uploaded(emulator, "0", "ccg.txt", b"written with a CCG token\n")
    finally:
        m.unmount()


def test_a_subfolder_as_the_root(emulator, work):
    documents = emulator.find("0", "Documents")
    expected = {entry["name"] for entry in emulator.list_folder(documents["id"])}
    secret = secret_file(work / "client_secret", CLIENT_SECRET + "\n")
    m = Mount(emulator, work / "sub-mnt", work / "sub-cache", config_extra=(
        f"auth = ccg\nclient_id = {CLIENT_ID}\nclient_secret_file = {secret}\nuser_id = {ANN}\n"
        f"root_folder_id = {documents['id']}\n"))
    try:
        assert expected and names(m.path) == expected
    finally:
        m.unmount()


def test_jwt_service_account_and_as_user_switch_the_visible_tree(emulator, work, keys):
    status, _ = emulator.api("POST", "/folders", {"name": "bob-only", "parent": {"id": "0"}}, headers={"As-User": BOB})
    assert status == 201
    config_file = jwt_config_file(work, keys)
    jwt = f"auth = jwt\njwt_config_file = {config_file}\nlog_level = trace\n"

    m = Mount(emulator, work / "jwt-mnt", work / "jwt-cache", config_extra=jwt)
    try:
        service_account_sees = names(m.path)
    finally:
        m.unmount()
    # as_user by login: resolved to Bob's id once, at mount.
    m = Mount(emulator, work / "jwt-bob-mnt", work / "jwt-bob-cache", config_extra=jwt + "as_user = bob@example.com\n")
    try:
        bob_sees = names(m.path)
    finally:
        m.unmount()
    # The service account sees only its own (empty) tree; as Bob, Bob's.
    assert "hello.txt" not in service_account_sees and "bob-only" not in service_account_sees
    assert "bob-only" in bob_sees and "hello.txt" not in bob_sees

    config = auth_config(emulator, work, "jwt-check", f"auth = jwt\njwt_config_file = {config_file}\nas_user = {BOB}\n")
    check = run(BIN / "boxfs", "auth", "check", "--config", config)
    assert "acts as: Bob User <bob@example.com>" in check.stdout and "enterprise: " in check.stdout, check.stdout
    (work / "jwt-check.log").write_text(check.stdout + check.stderr)


# -- failures at setup: one line, non-zero exit, no mount ----------------------------------------------------------

def test_wrong_passphrase(emulator, work, keys):
    secret = secret_file(work / "client_secret", CLIENT_SECRET + "\n")
    wrong = secret_file(work / "wrong.passphrase", "not-the-passphrase\n")
    assert_refused(emulator, work, "wrong-passphrase",
                   f"auth = jwt\nclient_id = {CLIENT_ID}\nclient_secret_file = {secret}\njwt_public_key_id = {KEY_ID}\n"
                   f"jwt_private_key_file = {keys['private']}\njwt_passphrase_file = {wrong}\n"
                   f"enterprise_id = {ENTERPRISE}\n",
                   "wrong passphrase")


def test_malformed_jwt_config(emulator, work):
    broken = secret_file(work / "broken.json", '{"boxAppSettings": {"clientID": "x",')
    assert_refused(emulator, work, "malformed", f"auth = jwt\njwt_config_file = {broken}\n", str(broken))


def test_jwt_config_missing_a_field(emulator, work, keys):
    config_file = jwt_config_file(work, keys, "no-key-id.json", **{"boxAppSettings.appAuth.publicKeyID": None})
    assert_refused(emulator, work, "missing-field", f"auth = jwt\njwt_config_file = {config_file}\n", "publicKeyID")


def test_expired_developer_token(emulator, work, secrets):
    token = emulator.admin("POST", f"users/{ANN}/tokens?ttl=1")["access_token"]
    secrets.add(token)
    time.sleep(1.2)
    token_file = secret_file(work / "expired.token", token)
    assert_refused(emulator, work, "expired", f"access_token_file = {token_file}\n", "expired")


def test_world_readable_key_file(emulator, work, keys):
    secret = secret_file(work / "client_secret", CLIENT_SECRET + "\n")
    passphrase = secret_file(work / "key.passphrase", PASSPHRASE + "\n")
    readable = work / "readable.pem"
    readable.write_bytes(keys["private"].read_bytes())
    readable.chmod(0o644)
    assert_refused(emulator, work, "readable-key",
                   f"auth = jwt\nclient_id = {CLIENT_ID}\nclient_secret_file = {secret}\njwt_public_key_id = {KEY_ID}\n"
                   f"jwt_private_key_file = {readable}\njwt_passphrase_file = {passphrase}\n"
                   f"enterprise_id = {ENTERPRISE}\n",
                   f"chmod 600 {readable}")


def test_suppress_notifications_sends_box_notifications_off_on_every_change(emulator, work):
    m = Mount(emulator, work / "quiet-mnt", work / "quiet-cache", config_extra="suppress_notifications = true\n")
    try:
        emulator.reset_stats()
        os.mkdir(m.path / "quiet")
        (m.path / "quiet" / "a.txt").write_bytes(b"no emails")
        os.rename(m.path / "quiet" / "a.txt", m.path / "quiet" / "b.txt")
        routes = emulator.stats()["routes"]
        changes = {name: r for name, r in routes.items()
                   if name.split()[0] in ("POST", "PUT", "DELETE") and "/_emulator" not in name}
        assert changes and all(r["notifications_off"] == r["count"] for r in changes.values()), changes
    finally:
        m.unmount()
    # Without the option the header isn't sent.
    m = Mount(emulator, work / "loud-mnt", work / "loud-cache")
    try:
        emulator.reset_stats()
        (m.path / "loud.txt").write_bytes(b"emails are fine")
        assert sum(r["notifications_off"] for r in emulator.stats()["routes"].values()) == 0
    finally:
        m.unmount()
