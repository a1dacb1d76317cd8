"""Small helpers for bench/e2e-bench (Debian's /usr/bin/python3, standard library only).

  e2e_tools.py sink-counter OUT        read `smtp-sink -c` output on stdin; append "COUNT EPOCH" to OUT
                                       each time the sink's message counter grows (the arrival log)
  e2e_tools.py arrival OUT N           print "COUNT EPOCH" of the first arrival-log line with COUNT >= N,
                                       or of the last line when the count never got there
  e2e_tools.py sample OUT PID...       until SIGTERM, sample PID and its descendants every
                                       --interval seconds; then write a JSON summary to OUT
  e2e_tools.py proc-cpu PID            print "USER_S SYS_S": CPU time of PID and its live descendants,
                                       including the children they have already reaped (the /proc
                                       fallback when no cgroup can be made)

  e2e_tools.py greet-wait PORT TIMEOUT print the epoch of the first "220" greeting on 127.0.0.1:PORT,
                                       connecting every 5 ms (exit 1 after TIMEOUT seconds)
  e2e_tools.py tempfail-sink PORT EVERY LOG
                                       an SMTP sink on 127.0.0.1:PORT that answers 451 to the DATA of
                                       every EVERYth message it receives and 250 to the rest; appends
                                       "A EPOCH MESSAGE-ID" per accepted message and "T EPOCH" per 451
                                       to LOG; runs until SIGTERM
  e2e_tools.py tempfail-count LOG      print "UNIQUE ACCEPTED TEMPFAILS LAST_EPOCH" from that LOG

smtp-sink -c rewrites one status line, "sess=N quit=N mesg=N" ended by a carriage return, whenever
a session ends, QUIT is executed or "." is received; mesg is the number of messages received.
"""
import asyncio
import json
import os
import socket
import re
import signal
import sys
import time

MESG = re.compile(rb"mesg=(\d+)")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def sink_counter(out_path):
    last = 0
    with open(out_path, "a", buffering=1) as out:
        out.write("0 %.6f\n" % time.time())
        buf = b""
        while True:
            chunk = os.read(0, 65536)
            if not chunk:
                break
            now = time.time()  # one timestamp per read: arrivals read together arrived together
            buf += chunk
            *records, buf = re.split(rb"[\r\n]", buf)
            top = last
            for rec in records:
                m = MESG.search(rec)
                if m:
                    top = max(top, int(m.group(1)))
            if top > last:
                last = top
                out.write("%d %.6f\n" % (last, now))


def arrival(out_path, wanted):
    wanted = int(wanted)
    line = "0 0"
    with open(out_path) as f:
        for line in f:
            count = int(line.split()[0])
            if count >= wanted:
                break
    print(line.strip())


def stat_fields(pid):
    with open("/proc/%d/stat" % pid) as f:
        text = f.read()
    # comm may contain spaces and parentheses: split after the last ")".
    rest = text[text.rindex(")") + 2:].split()
    return rest  # rest[0] = state (field 3), rest[1] = ppid (field 4), ...


def descendants(roots):
    """The roots and every live process below them (one /proc scan)."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            ppid = int(stat_fields(int(name))[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    seen, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        if pid in seen or not os.path.isdir("/proc/%d" % pid):
            continue
        seen.append(pid)
        todo.extend(children.get(pid, []))
    return seen


def status_kib(pid, *keys):
    values = dict.fromkeys(keys, 0)
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k = line.split(":", 1)[0]
                if k in values:
                    values[k] = int(line.split()[1])
    except OSError:
        pass
    return values


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def sample(out_path, pids, interval):
    roots = [int(p) for p in pids]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    peak_rss = peak_pss = peak_procs = samples = 0
    peak_hwm_one = 0
    hwm_sum = 0
    by_comm = {}
    while True:
        procs = descendants(roots)
        rss = pss = hwm = 0
        comms = {}
        for pid in procs:
            v = status_kib(pid, "VmRSS", "VmHWM")
            rss += v["VmRSS"]
            hwm += v["VmHWM"]
            peak_hwm_one = max(peak_hwm_one, v["VmHWM"])
            pss += pss_kib(pid)
            try:
                with open("/proc/%d/comm" % pid) as f:
                    comm = f.read().strip()
            except OSError:
                comm = "?"
            comms[comm] = comms.get(comm, 0) + 1
        samples += 1
        if rss > peak_rss:
            peak_rss, by_comm = rss, comms
        peak_pss = max(peak_pss, pss)
        peak_procs = max(peak_procs, len(procs))
        hwm_sum = hwm  # the latest: VmHWM of the processes alive at the end
        if stop:
            break
        deadline = time.monotonic() + interval
        while not stop and time.monotonic() < deadline:
            time.sleep(min(0.05, interval))  # sampling period; woken early by SIGTERM
    with open(out_path, "w") as f:
        json.dump({"samples": samples, "peak_rss_kib": peak_rss, "peak_pss_kib": peak_pss,
                   "peak_procs": peak_procs, "end_hwm_sum_kib": hwm_sum, "max_hwm_one_kib": peak_hwm_one,
                   "procs_at_peak": by_comm}, f)


def proc_cpu(pid):
    user = system = 0
    for p in descendants([int(pid)]):
        try:
            f = stat_fields(p)
        except (OSError, IndexError):
            continue
        # fields 14-17 (utime stime cutime cstime) are rest[11:15]
        user += int(f[11]) + int(f[13])
        system += int(f[12]) + int(f[14])
    print("%.2f %.2f" % (user / CLK_TCK, system / CLK_TCK))


def greet_wait(port, timeout):
    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=2) as s:
                s.settimeout(2)
                if s.recv(512).startswith(b"220"):
                    now = time.time()
                    try:
                        s.sendall(b"QUIT\r\n")
                    except OSError:
                        pass
                    print("%.6f" % now)
                    return
        except OSError:
            pass
        time.sleep(0.005)  # the connect poll period
    sys.exit("no 220 on 127.0.0.1:%s within %ss" % (port, timeout))


MSGID = re.compile(rb"^message-id:\s*(\S+)", re.I | re.M)


def tempfail_sink(port, every, log_path):
    every = int(every)
    state = {"data": 0}
    log = open(log_path, "a", buffering=1)

    async def session(reader, writer):
        async def reply(text):
            writer.write(text.encode() + b"\r\n")
            await writer.drain()
        try:
            await reply("220 tempfail-sink.bench.test ESMTP")
            while True:
                line = await asyncio.wait_for(reader.readline(), 60)
                if not line:
                    break
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    await reply("250 tempfail-sink.bench.test")
                elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    await reply("250 2.0.0 ok")
                elif verb == b"DATA":
                    await reply("354 go ahead")
                    body = []
                    while True:
                        l = await asyncio.wait_for(reader.readline(), 60)
                        if not l or l in (b".\r\n", b".\n"):
                            break
                        if len(body) < 200:  # the headers are at the top; the body is not kept
                            body.append(l)
                    state["data"] += 1
                    if state["data"] % every == 0:
                        log.write("T %.6f\n" % time.time())
                        await reply("451 4.3.0 tempfail-sink: try again later (every %dth message)" % every)
                    else:
                        m = MSGID.search(b"".join(body))
                        log.write("A %.6f %s\n" % (time.time(), m.group(1).decode("ascii", "replace") if m else "-"))
                        await reply("250 2.0.0 accepted")
                elif verb == b"QUIT":
                    await reply("221 2.0.0 bye")
                    break
                else:
                    await reply("502 5.5.2 not implemented")
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    async def serve():
        server = await asyncio.start_server(session, "127.0.0.1", int(port), backlog=1024)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        async with server:
            await stop.wait()
    asyncio.run(serve())


def tempfail_count(log_path):
    ids, accepted, tempfails, last = set(), 0, 0, 0.0
    with open(log_path) as f:
        for line in f:
            parts = line.split()
            if parts[0] == "A":
                accepted += 1
                ids.add(parts[2] if len(parts) > 2 else "-%d" % accepted)
                last = float(parts[1])
            elif parts[0] == "T":
                tempfails += 1
    print(len(ids), accepted, tempfails, "%.6f" % last)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    cmd = args.pop(0)
    if cmd == "sink-counter":
        sink_counter(args[0])
    elif cmd == "arrival":
        arrival(args[0], args[1])
    elif cmd == "sample":
        interval = 0.5
        if args and args[0] == "--interval":
            interval = float(args[1])
            args = args[2:]
        sample(args[0], args[1:], interval)
    elif cmd == "greet-wait":
        greet_wait(args[0], args[1])
    elif cmd == "tempfail-sink":
        tempfail_sink(args[0], args[1], args[2])
    elif cmd == "tempfail-count":
        tempfail_count(args[0])
    elif cmd == "proc-cpu":
        proc_cpu(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
