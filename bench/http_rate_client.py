"""Constant-rate HTTP latency client for bench/control-bench (Debian's /usr/bin/python3).

Open loop: request i is due at start + i/RATE whatever happened to the earlier ones; a pool of
worker threads, each with its own keep-alive connection (http.client), takes the due requests in
order. Latency is measured from the moment a request was *due* to the moment its whole response
was read, so a stall that makes requests wait is counted in full (no coordinated omission; what
wrk2 does, and Debian's wrk does not: wrk is closed-loop and cannot hold a fixed rate).

The client checks each response's status (expected 200) and counts the others as errors.
Bounded: exactly RATE*DURATION requests, a per-request timeout, and a hard stop at 3x DURATION.

Usage: http_rate_client.py --url URL [--url URL ...] --rate 200 --duration 20 [--header 'K: V'] [--workers 16]
Several --url values are taken round-robin. Prints one JSON object: requests, errors, achieved_rps,
p50_ms, p90_ms, p99_ms, max_ms, first_error.
"""
import argparse
import http.client
import json
import queue
import threading
import time
import urllib.parse


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", action="append", required=True)
    p.add_argument("--rate", type=float, default=200)
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--header", action="append", default=[])
    p.add_argument("--workers", type=int, default=16)
    p.add_argument("--timeout", type=float, default=10)
    a = p.parse_args()

    headers = dict(h.split(": ", 1) for h in a.header)
    targets = [urllib.parse.urlsplit(u) for u in a.url]
    total = int(a.rate * a.duration)
    due_queue = queue.Queue()
    latencies = []
    errors = []
    lock = threading.Lock()

    def worker():
        conn = None
        while True:
            item = due_queue.get()
            if item is None:
                return
            due, target = item
            path = target.path + ("?" + target.query if target.query else "")
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=a.timeout)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                done = time.perf_counter()
                with lock:
                    latencies.append((done - due) * 1000.0)
                    if response.status != 200:
                        errors.append("%s -> %d" % (path, response.status))
            except Exception as e:  # a failed request is an error, and the connection is renewed
                with lock:
                    errors.append("%s -> %r" % (path, e))
                if conn is not None:
                    conn.close()
                conn = None

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.workers)]
    for t in threads:
        t.start()
    start = time.perf_counter() + 0.2
    hard_stop = start + 3 * a.duration + 5
    for i in range(total):
        due = start + i / a.rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        due_queue.put((due, targets[i % len(targets)]))
    for _ in threads:
        due_queue.put(None)
    for t in threads:
        t.join(max(0.0, hard_stop - time.perf_counter()))
    elapsed = time.perf_counter() - start
    with lock:
        values = sorted(latencies)
        errs = list(errors)
    print(json.dumps({
        "requests": total, "completed": len(values), "errors": len(errs),
        "achieved_rps": round(len(values) / elapsed, 1) if elapsed > 0 else None,
        "p50_ms": round(percentile(values, 0.50), 2) if values else None,
        "p90_ms": round(percentile(values, 0.90), 2) if values else None,
        "p99_ms": round(percentile(values, 0.99), 2) if values else None,
        "max_ms": round(values[-1], 2) if values else None,
        "first_error": errs[0] if errs else None,
    }))


if __name__ == "__main__":
    main()
