"""An HTTP/1.1 relay between the TLS terminator and the emulator that turns chunked request bodies into
Content-Length ones, and passes everything else through unchanged.

Why: rclone 1.60 sends its simple (multipart) uploads with `Transfer-Encoding: chunked` and Box accepts them,
but the emulator answers `411 length_required` (Routes/UploadRoutes.swift). Until the emulator accepts chunked
bodies, every client's traffic goes through this relay, so all of them pay the same (small) cost.
Set BENCH_DECHUNK=0 to run without it.

Usage: bench_dechunk.py LISTEN_PORT UPSTREAM_PORT   (both on 127.0.0.1)
"""
import asyncio
import sys

PIECE = 1 << 20


async def read_head(reader: asyncio.StreamReader):
    try:
        data = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    return data[:-4]


def header(lines, name: bytes):
    for line in lines:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


async def relay_exact(reader, writer, n: int):
    while n > 0:
        data = await reader.read(min(n, PIECE))
        if not data:
            raise ConnectionError("peer closed mid-body")
        writer.write(data)
        n -= len(data)
        await writer.drain()


async def read_chunked(reader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


async def relay_chunked_raw(reader, writer):
    """Copies a chunked body with its framing."""
    while True:
        line = await reader.readuntil(b"\r\n")
        writer.write(line)
        size = int(line.split(b";")[0].strip(), 16)
        if size == 0:
            while True:
                trailer = await reader.readuntil(b"\r\n")
                writer.write(trailer)
                if trailer == b"\r\n":
                    await writer.drain()
                    return
        await relay_exact(reader, writer, size + 2)


async def exchange(creader, cwriter, ureader, uwriter) -> bool:
    """One request and its response; False when the connection should end."""
    head = await read_head(creader)
    if head is None:
        return False
    lines = head.split(b"\r\n")
    method = lines[0].split(b" ", 1)[0]
    te = header(lines[1:], b"transfer-encoding")
    if te and b"chunked" in te.lower():
        body = await read_chunked(creader)
        kept = [h for h in lines[1:] if h.partition(b":")[0].strip().lower() != b"transfer-encoding"]
        uwriter.write(b"\r\n".join([lines[0], *kept, b"Content-Length: %d" % len(body)]) + b"\r\n\r\n" + body)
    else:
        uwriter.write(head + b"\r\n\r\n")
        await relay_exact(creader, uwriter, int(header(lines[1:], b"content-length") or 0))
    await uwriter.drain()
    while True:
        rhead = await read_head(ureader)
        if rhead is None:
            return False
        cwriter.write(rhead + b"\r\n\r\n")
        rlines = rhead.split(b"\r\n")
        status = int(rlines[0].split(b" ", 2)[1])
        if 100 <= status < 200:
            continue
        break
    rte, rcl = header(rlines[1:], b"transfer-encoding"), header(rlines[1:], b"content-length")
    if method == b"HEAD" or status in (204, 304):
        pass
    elif rte and b"chunked" in rte.lower():
        await relay_chunked_raw(ureader, cwriter)
    elif rcl is not None:
        await relay_exact(ureader, cwriter, int(rcl))
    else:
        while data := await ureader.read(PIECE):
            cwriter.write(data)
            await cwriter.drain()
        return False
    await cwriter.drain()
    closing = [header(lines[1:], b"connection"), header(rlines[1:], b"connection")]
    return not any(c and c.lower() == b"close" for c in closing)


async def serve(creader, cwriter, upstream: int):
    try:
        ureader, uwriter = await asyncio.open_connection("127.0.0.1", upstream)
    except OSError:
        cwriter.close()
        return
    try:
        while await exchange(creader, cwriter, ureader, uwriter):
            pass
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        for w in (cwriter, uwriter):
            w.close()


async def main(listen: int, upstream: int):
    server = await asyncio.start_server(lambda r, w: serve(r, w, upstream), "127.0.0.1", listen, limit=1 << 16)
    print(f"relay listening on {listen}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
