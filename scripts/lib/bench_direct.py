"""The practical limit: the same bytes moved straight over Box's API, with parallel ranges and parallel parts.

Speaks HTTPS to api.box.com / upload.box.com / dl.boxcloud.com exactly as a client on real Box would (one
redirect to the download URL, then Range requests on it; a chunked upload session with parts in parallel).
One persistent connection per worker thread; hashing and TLS release the GIL.
"""
import base64
import hashlib
import http.client
import json
import os
import ssl
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from bench_harness import TOKEN, BenchError

_tls = ssl.create_default_context()
_local = threading.local()


def _connection(host: str) -> http.client.HTTPSConnection:
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    if host not in conns:
        conns[host] = http.client.HTTPSConnection(host, 443, context=_tls, timeout=120)
    return conns[host]


def _call(method, url, body=None, headers=None, into=None):
    """One request on this thread's connection to the URL's host; returns (status, headers, body).
    With `into` (a writable memoryview), a 200/206 body is read straight into it and its length returned."""
    u = urllib.parse.urlsplit(url)
    conn = _connection(u.netloc)
    path = u.path + (f"?{u.query}" if u.query else "")
    for attempt in (1, 2):
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            if into is not None and resp.status in (200, 206):
                n = 0
                while n < len(into):
                    k = resp.readinto(into[n:])
                    if not k:
                        break
                    n += k
                return resp.status, resp.headers, n
            return resp.status, resp.headers, resp.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.close()
            if attempt == 2:
                raise


def auth():
    return {"Authorization": f"Bearer {TOKEN}"}


def parallel_download(file_id: str, size: int, range_size=8 << 20, workers=16) -> dict:
    """Fetches a whole file with parallel Range requests on one download URL; returns its SHA-1 and timing."""
    start = time.monotonic()
    status, headers, _ = _call("GET", f"https://api.box.com/2.0/files/{file_id}/content", headers=auth())
    if status != 302:
        raise BenchError(f"GET /files/{file_id}/content answered {status}, not 302")
    location = headers["Location"]
    buffer = memoryview(bytearray(size))  # the bytes are kept to check their SHA-1 after the clock stops

    def fetch(offset):
        end = min(offset + range_size, size) - 1
        st, _, n = _call("GET", location, headers={"Range": f"bytes={offset}-{end}"}, into=buffer[offset:end + 1])
        if st != 206 or n != end - offset + 1:
            raise BenchError(f"range {offset}-{end}: status {st}, {n} bytes")
        return n

    with ThreadPoolExecutor(workers) as pool:
        total = sum(pool.map(fetch, range(0, size, range_size)))
    seconds = time.monotonic() - start
    whole = hashlib.sha1(buffer)
    return {"seconds": seconds, "bytes": total, "sha1": whole.hexdigest(), "workers": workers, "range": range_size}


def parallel_upload(path: str, folder_id: str, name: str, workers=8) -> dict:
    """Uploads a local file through a chunked upload session, parts in parallel; returns the new file and timing."""
    size = os.path.getsize(path)
    start = time.monotonic()
    status, _, body = _call("POST", "https://upload.box.com/api/2.0/files/upload_sessions",
                            body=json.dumps({"folder_id": folder_id, "file_size": size, "file_name": name}),
                            headers={**auth(), "Content-Type": "application/json"})
    if status != 201:
        raise BenchError(f"create upload session answered {status}: {body[:200]!r}")
    session = json.loads(body)
    part_size, sid = session["part_size"], session["id"]
    whole = hashlib.sha1()
    whole_lock = threading.Lock()
    offsets = list(range(0, size, part_size))
    parts = [None] * len(offsets)
    next_to_hash = [0]
    hashed = threading.Condition(whole_lock)

    def put(index):
        offset = offsets[index]
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read(min(part_size, size - offset))
        digest = base64.b64encode(hashlib.sha1(data).digest()).decode()
        st, _, resp = _call("PUT", f"https://upload.box.com/api/2.0/files/upload_sessions/{sid}", body=data,
                            headers={**auth(), "Content-Type": "application/octet-stream", "Digest": f"sha={digest}",
                                     "Content-Range": f"bytes {offset}-{offset + len(data) - 1}/{size}"})
        if st != 200:
            raise BenchError(f"part {index} answered {st}: {resp[:200]!r}")
        parts[index] = json.loads(resp)["part"]
        with hashed:  # the whole-file digest needs the parts in order
            hashed.wait_for(lambda: next_to_hash[0] == index)
            whole.update(data)
            next_to_hash[0] += 1
            hashed.notify_all()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(put, range(len(offsets))))
    commit = json.dumps({"parts": parts}).encode()
    digest = base64.b64encode(whole.digest()).decode()
    while True:
        st, headers, resp = _call("POST", f"https://upload.box.com/api/2.0/files/upload_sessions/{sid}/commit",
                                  body=commit, headers={**auth(), "Content-Type": "application/json",
                                                        "Digest": f"sha={digest}"})
        if st == 202:
            time.sleep(int(headers.get("Retry-After", "1")))
            continue
        if st != 201:
            raise BenchError(f"commit answered {st}: {resp[:200]!r}")
        break
    seconds = time.monotonic() - start
    entry = json.loads(resp)["entries"][0]
    return {"seconds": seconds, "bytes": size, "sha1": whole.hexdigest(), "file_id": entry["id"],
            "box_sha1": entry.get("sha1"), "workers": workers, "part_size": part_size}
