"""SMTP latency client for bench/intake-bench (run with Debian's /usr/bin/python3).

Sends N messages over C concurrent SMTP sessions to HOST:PORT and times, for every message, the
interval from the moment the end-of-data line ("." CRLF) has been handed to the kernel to the
moment the server's reply to it has been read: the time the server takes to make the message
durable and say 250. Each session reuses its connection (EHLO once, then MAIL/RCPT/DATA per
message, one command at a time like smtp-source), so connection setup is not in the figure. A
connection carries at most --per-connection messages (default 100) and is then replaced by a new
one, for every server alike: OpenSMTPD refuses more than 100 messages in one session by default
("smtp limit max-mails"), and counting its refusals as errors would measure the harness.

The same client runs against Steward and Postfix. Caveat: with many sessions on a 2-core
machine, the client's own event loop adds queueing delay to every figure; it adds the same to both
servers, so compare the two rather than reading the numbers as absolute.

Usage: latency_client.py --port P --messages N --sessions C --size BYTES --from A --to B [--timeout S]
                         [--per-connection M]
Prints one JSON object: messages, accepted, errors, elapsed_s, p50_ms, p99_ms, max_ms, first_error.
"""
import argparse
import asyncio
import json
import time


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


async def read_reply(reader):
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("server closed the connection")
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3]), line.decode("utf-8", "replace").strip()


async def command(writer, reader, text, expect):
    writer.write(text)
    await writer.drain()
    code, line = await read_reply(reader)
    if code != expect:
        raise RuntimeError("%r -> %s" % (text.strip()[:40], line))


async def session(args, quota, latencies, errors, payload):
    while quota > 0:
        count = min(quota, args.per_connection)
        await connection(args, count, latencies, errors, payload)
        quota -= count


async def connection(args, quota, latencies, errors, payload):
    reader, writer = await asyncio.open_connection(args.host, args.port)
    try:
        code, line = await read_reply(reader)
        if code != 220:
            raise RuntimeError("greeting: " + line)
        writer.write(b"EHLO latency.bench.test\r\n")
        await writer.drain()
        code, line = await read_reply(reader)
        if code != 250:
            raise RuntimeError("EHLO: " + line)
        for _ in range(quota):
            try:
                await command(writer, reader, b"MAIL FROM:<%s>\r\n" % args.sender.encode(), 250)
                await command(writer, reader, b"RCPT TO:<%s>\r\n" % args.recipient.encode(), 250)
                await command(writer, reader, b"DATA\r\n", 354)
                writer.write(payload)
                await writer.drain()
                started = time.perf_counter()  # end of DATA is in the kernel's send buffer
                code, line = await read_reply(reader)
                elapsed = time.perf_counter() - started
                if code == 250:
                    latencies.append(elapsed)
                else:
                    errors.append(line)
                    writer.write(b"RSET\r\n")
                    await writer.drain()
                    await read_reply(reader)
            except RuntimeError as e:
                errors.append(str(e))
                writer.write(b"RSET\r\n")
                await writer.drain()
                await read_reply(reader)
        writer.write(b"QUIT\r\n")
        await writer.drain()
        await read_reply(reader)
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass


def build_payload(args):
    header = ("From: <%s>\r\nTo: <%s>\r\nSubject: latency bench\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
              "Message-ID: <latency-%d@bench.test>\r\n\r\n" % (args.sender, args.recipient, time.time_ns()))
    line = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef\r\n"  # 80 octets
    body = (line * (args.size // len(line) + 1))[: args.size]
    if not body.endswith(b"\r\n"):
        body = body[:-2] + b"\r\n"
    return header.encode("ascii") + body + b".\r\n"


async def main(args):
    payload = build_payload(args)
    latencies, errors = [], []
    quotas = [args.messages // args.sessions + (1 if i < args.messages % args.sessions else 0)
              for i in range(args.sessions)]
    started = time.perf_counter()
    results = await asyncio.wait_for(
        asyncio.gather(*(session(args, q, latencies, errors, payload) for q in quotas if q > 0),
                       return_exceptions=True),
        timeout=args.timeout)
    elapsed = time.perf_counter() - started
    for r in results:
        if isinstance(r, BaseException):
            errors.append("%s: %s" % (type(r).__name__, r))
    values = sorted(latencies)
    ms = lambda v: None if v is None else round(v * 1000.0, 3)
    return {"messages": args.messages, "sessions": args.sessions, "size": args.size, "accepted": len(values),
            "errors": len(errors), "elapsed_s": round(elapsed, 3),
            "p50_ms": ms(percentile(values, 0.50)), "p99_ms": ms(percentile(values, 0.99)),
            "max_ms": ms(values[-1] if values else None), "first_error": errors[0] if errors else None}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--from", dest="sender", default="app@app.example.test")
    parser.add_argument("--to", dest="recipient", default="bob@example.test")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds")
    parser.add_argument("--per-connection", type=int, default=100, help="messages per connection, then a new one")
    arguments = parser.parse_args()
    if arguments.per_connection < 1:
        parser.error("--per-connection must be at least 1")
    if not arguments.host.startswith("127.") and arguments.host != "::1":
        parser.error("loopback targets only")
    print(json.dumps(asyncio.run(main(arguments))))
