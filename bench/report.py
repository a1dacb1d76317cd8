"""Renders docs/benchmarks.md from one bench/intake-bench run (Debian's /usr/bin/python3).

Usage: report.py --csv RESULTS.csv --rss RSS.csv --machine MACHINE.txt [--svg OUT.svg --svg-link NAME]
       (markdown on stdout; the SVG chart of accepted msg/s is written when --svg is given)
"""
import argparse
import csv
import os
import statistics
from collections import defaultdict

TARGET_RATIO = 5.0        # Steward >= 5x Postfix accepted msg/s at 10 and 50 sessions (issue 2)
TARGET_RATIO_DKIM = 4.0   # Steward with DKIM signing >= 4x Postfix (issue 4)
TARGET_P99_MS = 20.0      # Steward p99 < 20 ms at 10 sessions
TARGET_RSS_MIB = 64.0     # idle relay RSS < 64 MiB
NO_RELAY = "no-relay"     # smtp-source → smtp-sink: the ceiling of the load generator (BENCH_CEILING)


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def size_label(size):
    return "1 KiB" if size == 1024 else "%d KiB" % (size // 1024)


def fmt(s, digits=0):
    if s is None:
        return "n/a"
    m, lo, hi = s
    f = "%%.%df" % digits
    return (f + " (" + f + "–" + f + ")") % (m, lo, hi)


# Exim's late QUIT reply, which both reports explain (the intake one and report_e2e.py); %s: where
# its real per-message cost shows instead.
EXIM_QUIT_NOTE = (
    "Shown as is: Exim 4.96 answers QUIT about 200 ms late (`swaks --show-time-lapse` against the instance: every"
    " reply within 1 ms, then `=== response in 0.201s` for the 221; its QUIT handler corks the socket, TCP_CORK, and"
    " the kernel sends corked data after 200 ms). smtp-source waits for that 221 before it opens the next connection,"
    " so with one message per connection each Exim session manages about 5 messages a second whatever Exim's real"
    " per-message cost; %s")


def num(text):
    return float(text) if text not in ("", None) else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--csv", required=True)
    p.add_argument("--rss", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--svg")
    p.add_argument("--svg-link")
    a = p.parse_args()

    machine = dict(line.rstrip("\n").split(": ", 1) for line in open(a.machine) if ": " in line)
    rows = list(csv.DictReader(open(a.csv)))
    rss_rows = list(csv.DictReader(open(a.rss)))

    cells = defaultdict(lambda: defaultdict(list))  # (size, sessions) -> metric key -> values
    sustained = defaultdict(lambda: defaultdict(list))  # the same for the sustained runs
    errors = defaultdict(int)
    for r in rows:
        key = (int(r["size_bytes"]), int(r["sessions"]))
        t = r["target"]
        errors[t] += int(r["errors"] or 0) if r["errors"] not in ("", "-1") else 0
        if r["errors"] == "-1":
            errors[t] += 1
        if r["measure"] in ("throughput", "sustained"):
            c = (cells if r["measure"] == "throughput" else sustained)[key]
            c[t + ".rate"].append(num(r["msgs_per_s"]))
            c[t + ".messages"].append(num(r["messages"]))
            accepted = int(r["accepted"] or 0)
            if r.get("source_cpu_s") and accepted:
                c[t + ".source_ms"].append(num(r["source_cpu_s"]) * 1000.0 / accepted)
            if r.get("server_cpu_s") and accepted:
                c[t + ".server_ms"].append(num(r["server_cpu_s"]) * 1000.0 / accepted)
        else:
            cells[key][t + ".p50"].append(num(r["p50_ms"]))
            cells[key][t + ".p99"].append(num(r["p99_ms"]))
    order = {"steward": 0, "steward-dkim": 1, "postfix": 2, "opensmtpd": 3, "exim": 4}
    # no-relay (smtp-source → smtp-sink) is the load generator's ceiling, not a target: its own section.
    targets = sorted({r["target"] for r in rows if r["target"] != NO_RELAY}, key=lambda t: order.get(t, 5))
    has_ceiling = any(r["target"] == NO_RELAY for r in rows)
    stewards = [t for t in targets if t.startswith("steward")]
    runs = max((int(r["run"]) for r in rows), default=0)

    keys = sorted(cells)
    # (size, sessions) -> (smtp-source's cheapest median CPU ms per message in that cell, against which
    # target); its inverse is the one-core bound on any server's rate.
    cheapest_source = {}
    for k in keys:
        costs = [(summary(cells[k][t + ".source_ms"])[0], t) for t in targets + [NO_RELAY] if cells[k][t + ".source_ms"]]
        if costs and min(costs)[0] > 0:
            cheapest_source[k] = min(costs)
    source_bound = {k: 1000.0 / ms for k, (ms, _) in cheapest_source.items()}  # msg/s
    if a.svg:
        from svgchart import bar_chart  # bench/svgchart.py
        notes = ["OpenSMTPD does not fsync before 250 (see Method)"] if "opensmtpd" in targets else []
        bar_chart(a.svg, "Intake: accepted msg/s, smtp-source → relay, fsync before 250 (median; whiskers: min–max)",
                  [(size_label(k[0]), "%d session%s" % (k[1], "" if k[1] == 1 else "s")) for k in keys],
                  [(t, [summary(cells[k][t + ".rate"]) for k in keys]) for t in targets],
                  label=machine.get("label", ""), notes=notes)

    out = []
    w = out.append
    w("# Intake benchmark: Steward (with and without DKIM signing), Postfix, OpenSMTPD and Exim side by side")
    w("")
    w("Generated by `bench/intake-bench` (run by `make bench`); do not edit by hand, rerun instead.")
    w("Raw figures: `bench/results/intake-%s*.csv` on the machine that ran it (not committed)." % machine.get("date", "?"))
    w("The end-to-end benchmark (smtp-source → relay → smtp-sink) is in [benchmarks-e2e.md](benchmarks-e2e.md);"
      " DKIM signatures per second per core (JMH) are in [benchmarks-dkim.md](benchmarks-dkim.md);"
      " the control plane's API latency at 200 requests/s over 10,000 servers is in"
      " [benchmarks-control.md](benchmarks-control.md); planning a Monday's maintenance for 10,000 servers and rendering"
      " the customers' notices is in [benchmarks-maintenance.md](benchmarks-maintenance.md); heartbeats of up to 12,500"
      " simulated agents against one control plane are in [benchmarks-fleet.md](benchmarks-fleet.md).")
    w("")
    if machine.get("label"):
        w("> **%s.** These figures come from a run that is not the benchmark of record; do not quote them." %
          machine["label"])
        w("")
    w("## Machine")
    w("")
    for k in ("nproc", "cpu", "memory", "filesystem", "kernel", "os", "jdk", "postfix", "opensmtpd", "exim", "python",
              "loadavg at start", "loadavg at end", "date"):
        if k in machine or k not in ("opensmtpd", "exim", "loadavg at start", "loadavg at end"):
            w("- **%s**: %s" % (k, machine.get(k, "?")))
    w("")
    w("## Command")
    w("")
    w("```")
    w("make bench-intake # = make build; scripts/install-peers; scripts/install-bench-peers; bench/intake-bench")
    w(machine.get("command", "bench/intake-bench"))
    w("```")
    w("")
    w("## Method")
    w("")
    w("- All servers run at once on 127.0.0.1, queues on the same filesystem (%s), and get the same load, one"
      " target after the other, the order alternating between runs." % machine.get("filesystem", "?").split(" ")[0])
    w("- **Steward**: `bin/steward relay` with a generated config (JVM options as in `bin/steward`: serial GC, 64 MiB"
      " heap, tiered JIT). `[delivery] enabled = false`, so accepted mail stays queued, in the intake journal (its closed segments are kept up to 10 minutes or 48 MiB before still-queued mail is written to files); accepted = `queued` lines in its log. The queue is emptied with `bin/steward queue delete ALL` (through the running relay) between runs.")
    w("- **steward-dkim**: the same relay and config plus `[dkim]` with an RSA-2048 key from `bin/steward dkim keygen`:"
      " every message is signed (relaxed/relaxed, `d=app.example.test`, `s=nexx`) before it is committed, as in"
      " production. Both Steward relays run during the whole benchmark; the one not under load is idle.")
    w("- **Postfix**: a private instance (`scripts/postfix-instance start DIR --smtpd-port P --hold`), default"
      " `main.cf` otherwise. `--hold` sets `smtpd_end_of_data_restrictions = check_client_access static:HOLD`:"
      " every accepted message is written, fsynced and then parked in the hold queue, so the queue manager never"
      " schedules a delivery that would compete with intake for the 2 cores (`defer_transports = smtp` would still"
      " have qmgr move every message through `active` and `deferred`). `--hold` also sets `in_flow_delay = 0s`:"
      " with no deliveries, Postfix's inflow control would otherwise pause smtpd up to 1 s per message, and we would"
      " measure that throttle instead of the intake. The queue is emptied with `postsuper -d ALL` between runs.")
    if "opensmtpd" in targets:
        w("- **OpenSMTPD** (Debian bookworm's 6.8.0p2; it conflicts with postfix, so `scripts/install-bench-peers`"
          " unpacks it with `dpkg-deb -x` instead of installing it): a private instance (`scripts/opensmtpd-instance"
          " start DIR --port P --hold`) in its own mount namespace (its spool and socket paths are compiled in),"
          " started with its MTA paused (`smtpd -P mta`): accepted mail is queued and never delivered, like Postfix's"
          " hold queue. Default settings otherwise; its resolver there answers from /etc/hosts only (it looks up every"
          " client's PTR with no setting to stop it, like Postfix's `smtpd_peername_lookup = no`). It listens with a"
          " compiled-in backlog of 5, so bursts of connections see SYN retries (1 s); shown as is. Emptied between"
          " runs with `smtpctl remove all`; accepted = `smtp message` lines in its log.")
    if "exim" in targets:
        w("- **Exim** (Debian bookworm's exim4-daemon-light 4.96, unpacked the same way): a private instance"
          " (`scripts/exim-instance start DIR --port P --hold`): `queue_only = true` and no queue runner, so accepted"
          " mail stays in the spool. Non-default: `smtp_accept_max = 100` (default 20 would refuse sessions 21–50),"
          " `smtp_connect_backlog = 100` (default 20), `smtp_accept_queue_per_connection = 0`,"
          " `deliver_drop_privilege = true`. Emptied between runs by deleting its spool files; accepted = `<=` lines"
          " in its mainlog."
          " " + EXIM_QUIT_NOTE % "the latency client, which reuses its connections, shows that cost.")
    w("- **Durability**: Steward, Postfix and Exim have the message on stable storage before 250%s." % (
        "; **OpenSMTPD does not** (6.8 writes the message and envelope to its spool without fsync — `strace -e fsync`"
        " shows none while it accepts mail — and has no setting to make it sync): its figures are for a server that"
        " can lose accepted mail on a power failure" if "opensmtpd" in targets else ""))
    w("- How: Postfix's cleanup fsyncs each queue"
      " file (its default). Steward appends the message to its intake journal and answers 250 once an fsync that"
      " began after the append has completed; concurrent sessions share that fsync (group commit); a message still queued when its journal segment is"
      " checkpointed gets queue files, fsynced then (see `relay/queue/package-info.java`). Exim"
      " fsyncs its -D and -H spool files (`disable_fsync` defaults to false).")
    w("- **Warm-up**: before the matrix each server gets the same unmeasured load at 10 sessions (%s), its queue"
      " emptied after each batch: the JVM's JIT keeps compiling for about a minute of load, and again for 64 KiB"
      " messages what it compiled for 1 KiB ones; Postfix starts its process pool with the first messages. Every run then starts with an empty queue and after a `sync`, so no"
      " server's fsyncs wait behind the write-back of another run's files." % machine.get("warmup", "?"))
    if "BENCH_PREROLL=" in machine.get("command", "") and "BENCH_PREROLL=0 " not in machine.get("command", ""):
        w("- **Pre-roll**: right before every throughput run (the no-relay ones too), after its queue was emptied and"
          " synced, `BENCH_PREROLL` messages of the run's size and session count go to the same server, unmeasured; they"
          " stay queued through the run, whose count is of its own acceptances. The machine slows down when it idles —"
          " smtp-source straight to smtp-sink (300 messages of 64 KiB, 10 sessions) made 3,450–3,670 msg/s back to back,"
          " 2,950 after 0.5 s idle, 2,500 after 2 s (session 14) — and every run follows emptying the queue (for"
          " Steward a CLI JVM) and a `sync`: without a pre-roll a short run measures how fast the machine wakes as much"
          " as the server, more so the faster the server.")
    w("- **Timeouts**: an smtp-source run that takes longer than %s s is stopped and the target's other runs of that"
      " cell are skipped (the cell then shows fewer runs), so one slow server cannot stretch the benchmark without"
      " bound." % machine.get("run timeout", "?"))
    w("- **Accepted msg/s**: `smtp-source -s SESSIONS -m N -l SIZE` (from the postfix package; one connection per"
      " message, no pipelining), accepted = messages that landed in the queue (Postfix: queue files; Steward, OpenSMTPD"
      " and Exim: their log's acceptance lines, `queued`, `smtp message`, `<=`), divided by smtp-source's wall time.")
    w("- **Latency**: `bench/latency_client.py` (Python asyncio, the same for all) times end of DATA → 250 for every"
      " message over SESSIONS reused connections, at most 100 messages per connection, then a new one (OpenSMTPD"
      " refuses the 101st message of a session by default, `smtp limit max-mails`; connection set-up is not in the"
      " figure). With 50 sessions on 2 cores the client's own event loop adds"
      " delay to every target alike: compare the columns, do not read them as absolute.")
    w("- **Idle RSS**: Steward's relay JVM 10 s after `relay_started` with no load (its C heap is trimmed every"
      " 5 s; the figure right after start is listed too). Postfix: master + one smtpd + one"
      " cleanup after a single warm-up message (smtpd and cleanup do not exist before mail arrives). OpenSMTPD and"
      " Exim: every process of the instance after one message. RSS counts shared pages in every process, so the"
      " sums for the multi-process servers overstate their private memory somewhat.")
    if has_ceiling:
        w("- **No relay** (the ceiling): in every run of every cell, after the relays, the same `smtp-source` command"
          " against `smtp-sink` (also from the postfix package, run as `nobody`): a server that stores nothing, fsyncs"
          " nothing and logs nothing. No relay can accept faster than that on this machine with this load generator."
          " smtp-source's own CPU time (user + system, from the shell's `time`) is recorded in every run: it is one"
          " process with one event loop, so it cannot send more than one message per that much CPU time per second.")
    w("- %d runs per cell; figures are median (min–max)." % runs)
    w("")
    w("## Results")
    w("")
    if a.svg:
        w("![Intake: accepted messages per second per server](%s)" % (a.svg_link or a.svg))
        w("")
        w("The end-to-end figures (smtp-source → relay → smtp-sink, with DKIM, CPU per 1,000 messages, peak RSS,"
          " the tempfailing sink, startup time), drawn by `bench/e2e-bench`; their tables are in"
          " [benchmarks-e2e.md](benchmarks-e2e.md):")
        w("")
        w("![End-to-end messages per second per server](benchmarks-e2e.svg)")
        w("")
    head = "| size | sessions |"
    rule = "|---|---|"
    for t in targets:
        head += " %s msg/s | %s p50 ms | %s p99 ms |" % (t, t, t)
        rule += "---|---|---|"
    if "postfix" in targets:
        for t in stewards:
            head += " %s ÷ postfix msg/s |" % t
            rule += "---|"
    w(head)
    w(rule)
    ratios = {}
    for (size, sessions) in sorted(cells):
        c = cells[(size, sessions)]
        line = "| %s | %d |" % (size_label(size), sessions)
        for t in targets:
            line += " %s | %s | %s |" % (fmt(summary(c[t + ".rate"])), fmt(summary(c[t + ".p50"]), 1),
                                         fmt(summary(c[t + ".p99"]), 1))
        if "postfix" in targets:
            for t in stewards:
                s, pf = summary(c[t + ".rate"]), summary(c["postfix.rate"])
                ratio = s[0] / pf[0] if s and pf and pf[0] else None
                ratios[(t, size, sessions)] = ratio
                line += " %s |" % ("n/a" if ratio is None else "%.1f×" % ratio)
        w(line)
    w("")
    w("Idle memory (VmRSS):")
    w("")
    w("| target | process | RSS |")
    w("|---|---|---|")
    postfix_core = 0
    steward_idle = None
    for r in rss_rows:
        mib = int(r["rss_kib"]) / 1024.0
        w("| %s | %s | %.1f MiB |" % (r["target"], r["component"], mib))
        if r["target"] == "postfix" and r["component"] in ("master", "smtpd", "cleanup"):
            postfix_core += mib
        if r["target"] == "steward" and r["component"] == "relay (idle)":
            steward_idle = mib
    if postfix_core:
        w("| postfix | master + smtpd + cleanup | %.1f MiB |" % postfix_core)
    w("")
    if any(errors.values()):
        w("Errors (refused or failed messages, summed over all runs): " +
          ", ".join("%s %d" % (t, n) for t, n in errors.items()))
        w("")
    if has_ceiling and "postfix" in targets:
        w("## What five times Postfix would take")
        w("")
        w("Issue 2 asks for at least %.0f× Postfix's accepted msg/s at 10 and 50 sessions. The no-relay column is what"
          " smtp-source reaches against a server that stores nothing. smtp-source is one process with one event"
          " loop: it cannot use more CPU time than wall time, so no server measured this way can accept more than"
          " 1 ÷ (smtp-source's CPU time per message) messages a second — taking the cheapest per-message cost"
          " smtp-source showed against any server in that cell — and that only if smtp-source had a core to itself."
          % TARGET_RATIO)
        w("")
        cores = int(machine.get("nproc", "2"))
        w("| size | sessions | Postfix msg/s | %.0f× Postfix | no relay (smtp-sink) msg/s | smtp-sink CPU ms/msg |"
          " smtp-source CPU ms/msg, cheapest (against) | smtp-source's one-core bound msg/s | CPU left for the server"
          " at the goal, ms/msg | Steward CPU ms/msg | reachable here? |" % TARGET_RATIO)
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        for (size, sessions) in sorted(cells):
            c = cells[(size, sessions)]
            pf, ceiling = summary(c["postfix.rate"]), summary(c[NO_RELAY + ".rate"])
            srv = summary(c[NO_RELAY + ".server_ms"])
            if not pf or not ceiling:
                continue
            goal = TARGET_RATIO * pf[0]
            cheapest = cheapest_source.get((size, sessions))
            bound = source_bound.get((size, sessions))
            left = cores * 1000.0 / goal - (cheapest[0] if cheapest else 0)
            if bound is not None and goal > bound:
                verdict = "**no**: above smtp-source's one-core bound"
            elif goal > ceiling[0]:
                verdict = "not seen: above the no-relay rate; a server at ≤ %.2f ms per message" % left
            else:
                verdict = "only with a server at ≤ %.2f ms of CPU per message" % left
            w("| %s | %d | %s | %.0f | %s | %s | %s | %s | %.2f | %s | %s |" % (
                size_label(size), sessions, fmt(pf), goal, fmt(ceiling),
                fmt(srv, 3), "n/a" if cheapest is None else "%.3f (%s)" % cheapest,
                "n/a" if bound is None else "%.0f" % bound, left, fmt(summary(c["steward.server_ms"]), 2), verdict))
        w("")
        w("Where the goal is above smtp-source's one-core bound, no implementation can meet it on this machine with"
          " this load generator: the load generator alone cannot send that many messages a second, whatever the"
          " server. Elsewhere the goal needs a server that accepts and stores a message in at most the CPU time that"
          " smtp-source leaves of the machine's %d cores at that rate (*CPU left*), fsync included. Whether the goal"
          " is reachable thus depends on how fast Postfix's fsync is on the machine (performance-notes.md)." % cores)
        w("")
    sustained_ratios = {}
    if sustained and "postfix" in targets and "steward" in targets:
        w("## Sustained runs")
        w("")
        w("The matrix's runs are short: 1,000 messages take Steward about a quarter of a second, so they measure the"
          " ramp-up of 10 or 50 new connections as much as the rate, and the runs of one cell spread by up to a factor"
          " of two. After the matrix, the cells the target names run again for Steward, Postfix and the no-relay"
          " ceiling with many more messages per run (below), each run again with an empty queue after a `sync`, the"
          " order alternating. Both servers keep what they accept: over a long run Postfix creates a queue file per"
          " message, and Steward's closed journal segments beyond 48 MiB have their messages written to files"
          " (retention, as under a delivery outage), so neither is measured in a state it could not sustain.")
        w("")
        w("| size | sessions | messages per run | steward msg/s | postfix msg/s | no relay msg/s | steward CPU ms/msg"
          " | steward ÷ postfix msg/s |")
        w("|---|---|---|---|---|---|---|---|")
        for (size, sessions) in sorted(sustained):
            c = sustained[(size, sessions)]
            s, pf = summary(c["steward.rate"]), summary(c["postfix.rate"])
            ratio = s[0] / pf[0] if s and pf and pf[0] else None
            sustained_ratios[(size, sessions)] = ratio
            n = summary(c["steward.messages"] or c["postfix.messages"])
            w("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
                size_label(size), sessions, "n/a" if n is None else "%d" % n[0],
                fmt(s), fmt(pf), fmt(summary(c[NO_RELAY + ".rate"])), fmt(summary(c["steward.server_ms"]), 2),
                "n/a" if ratio is None else "%.1f×" % ratio))
        w("")
    w("## Targets")
    w("")
    w("| target | measured | met? |")
    w("|---|---|---|")
    for t, goal in (("steward", TARGET_RATIO), ("steward-dkim", TARGET_RATIO_DKIM)):
        for sessions in (10, 50):
            for size in (1024, 65536):
                if (t, size, sessions) in ratios:
                    r = ratios[(t, size, sessions)]
                    met = "n/a" if r is None else ("yes" if r >= goal else "**no**")
                    pf = summary(cells[(size, sessions)]["postfix.rate"])
                    bound = source_bound.get((size, sessions))
                    if r is not None and r < goal and pf and bound and goal * pf[0] > bound:
                        met += (" (out of reach here: %.0f× Postfix is %.0f msg/s, more than smtp-source can send,"
                                " %.0f)" % (goal, goal * pf[0], bound))
                    w("| %s ≥ %.0f× Postfix msg/s, %s, %d sessions | %s | %s |" % (
                        "Steward" if t == "steward" else "Steward with DKIM signing", goal,
                        size_label(size), sessions, "n/a" if r is None else "%.1f×" % r, met))
    for sessions in (10, 50):
        for size in (1024, 65536):
            if (size, sessions) in sustained_ratios:
                r = sustained_ratios[(size, sessions)]
                w("| Steward ≥ %.0f× Postfix msg/s, %s, %d sessions, sustained runs | %s | %s |" % (
                    TARGET_RATIO, size_label(size), sessions, "n/a" if r is None else "%.1f×" % r,
                    "n/a" if r is None else ("yes" if r >= TARGET_RATIO else "**no**")))
    for size in (1024, 65536):
        p99 = summary(cells.get((size, 10), {}).get("steward.p99", []))
        if p99:
            w("| Steward p99 < %.0f ms, %s, 10 sessions | %.1f ms | %s |" % (
                TARGET_P99_MS, size_label(size), p99[0], "yes" if p99[0] < TARGET_P99_MS else "**no**"))
    if steward_idle is not None:
        w("| idle relay RSS < %.0f MiB | %.1f MiB | %s |" % (TARGET_RSS_MIB, steward_idle,
                                                          "yes" if steward_idle < TARGET_RSS_MIB else "**no**"))
    if "steward" not in targets:
        w("")
        w("**This run measured Postfix only** (`BENCH_TARGETS=postfix`): the Steward figures and the targets that"
          " compare against it are missing. Rerun `make bench` once the relay is built.")
    glance = other_benchmarks(os.path.dirname(a.svg) if a.svg else "docs")
    if glance:
        w("")
        w("## The other benchmarks at a glance")
        w("")
        w("Copied from their own documents when this one was written (each has its run's date, machine and command):")
        w("")
        out.extend(glance)
    print("\n".join(out))


def other_benchmarks(docs):
    """One line per sibling benchmark document: the fleet's result line, the control plane's targets."""
    lines = []
    fleet = os.path.join(docs, "benchmarks-fleet.md")
    if os.path.exists(fleet):
        result = [l.strip() for l in open(fleet, encoding="utf-8") if l.startswith("**Result.**")]
        if result:
            lines.append("- Fleet simulation ([benchmarks-fleet.md](benchmarks-fleet.md), target: p99 heartbeat"
                         " latency within 100 ms for at least 10,000 agents): " + result[0][len("**Result.** "):])
    control = os.path.join(docs, "benchmarks-control.md")
    if os.path.exists(control):
        text = open(control, encoding="utf-8").read()
        targets = text.split("## Targets", 1)[1] if "## Targets" in text else ""
        rows = [l for l in targets.splitlines() if l.startswith("| ") and not l.startswith(("| target", "| ---"))]
        met = sum(1 for l in rows if l.rstrip().endswith("| yes |"))
        if rows:
            lines.append("- Control plane ([benchmarks-control.md](benchmarks-control.md), targets: API p99 < 50 ms"
                         " and fleet page p99 < 300 ms at 200 requests/s over 10,000 servers): %d of %d targets met"
                         " (both databases)." % (met, len(rows)))
    return lines


if __name__ == "__main__":
    main()
