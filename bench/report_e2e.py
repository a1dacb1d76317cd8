"""Renders docs/benchmarks-e2e.md (and its SVG chart) from one bench/e2e-bench run.

Usage: report_e2e.py --csv E2E.csv --machine MACHINE.txt --svg OUT.svg --svg-link NAME
                     [--problems PROBLEMS.log] [--startup STARTUP.csv] [--tempfail TEMPFAIL.csv]
                     [--ceiling CEILING.csv] [--sustained SUSTAINED.csv --sustained-ceiling SUSTAINED-CEILING.csv]
                     (markdown on stdout)
Debian's /usr/bin/python3, standard library only.
"""
import argparse
import csv
import os
from collections import defaultdict

from report import EXIM_QUIT_NOTE, fmt as range_fmt, summary  # bench/report.py: the intake report's median (min–max)
from svgchart import bar_chart, name

TARGET_RATIO = 5.0        # Steward >= 5x Postfix end-to-end msg/s at 10 and 50 sessions (with DKIM on: issue 9)
TARGET_RSS_MIB = 256.0    # Steward's RSS under load < 256 MiB
TARGET_STARTUP_S = 1.0    # Steward: exec to accepting connections < 1 s (issue 9)
ORDER = ["steward", "steward-dkim", "postfix", "opensmtpd", "exim"]


def fmt(s, digits=0):
    """median (min–max); a single value alone (one run)."""
    if s is not None and s[1] == s[2]:
        return ("%%.%df" % digits) % s[0]
    return range_fmt(s, digits)


def num(text):
    return float(text) if text not in ("", None) else None


def size_label(size):
    return "1 KiB" if size == 1024 else ("%d KiB" % (size // 1024) if size % 1024 == 0 else "%d B" % size)


def aggregate(rows):
    """Per cell ((size, sessions) -> "target.metric" -> values) and per target (sent, received, missing, ...)."""
    cells = defaultdict(lambda: defaultdict(list))
    totals = defaultdict(lambda: defaultdict(int))
    for r in rows:
        t, key = r["target"], (int(r["size_bytes"]), int(r["sessions"]))
        c = cells[key]
        c[t + ".e2e"].append(num(r["e2e_msgs_per_s"]))
        c[t + ".submit"].append(num(r["submit_msgs_per_s"]))
        c[t + ".lag"].append(num(r["drain_lag_s"]))
        c[t + ".cpu1k"].append(num(r["cpu_s_per_1k"]))
        delivered = min(int(r["sink_received"]), int(r["messages"]))
        c[t + ".dns1k"].append(num(r["dns_cpu_s"]) * 1000.0 / delivered if delivered and r["dns_cpu_s"] else None)
        c[t + ".rss"].append(int(r["peak_rss_kib"]) / 1024.0 if r["peak_rss_kib"] else None)
        c[t + ".pss"].append(int(r["peak_pss_kib"]) / 1024.0 if r["peak_pss_kib"] else None)
        c[t + ".procs"].append(num(r["peak_procs"]))
        c[t + ".hwmsum"].append(int(r["end_hwm_sum_kib"]) / 1024.0 if r["end_hwm_sum_kib"] else None)
        for col, metric in (("source_cpu_s", ".source_ms"), ("sink_cpu_s", ".sink_ms")):
            if r.get(col) and delivered:
                c[t + metric].append(num(r[col]) * 1000.0 / delivered)
        tt = totals[t]
        tt["messages"] += int(r["messages"])
        tt["received"] += int(r["sink_received"])
        tt["sent"] += int(r["sent_logged"])
        tt["accepted"] += int(r["accepted"])
        tt["missing"] += int(r["missing"])
        tt["extra"] += int(r["extra"])
        tt["source_failures"] += 1 if r["smtp_source_rc"] not in ("0", "") else 0
        tt["runs"] += 1
    return cells, totals


def read_ceiling(path):
    """(size, sessions) -> "rate" / "source_ms" / "sink_ms" -> values, from a no-relay CSV (empty if none)."""
    ceiling = defaultdict(lambda: defaultdict(list))
    if path and os.path.exists(path):
        for r in csv.DictReader(open(path)):
            got = min(int(r["sink_received"]), int(r["messages"]))
            k = ceiling[(int(r["size_bytes"]), int(r["sessions"]))]
            k["rate"].append(num(r["msgs_per_s"]))
            if got:
                k["source_ms"].append(num(r["source_cpu_s"]) * 1000.0 / got)
                k["sink_ms"].append(num(r["sink_cpu_s"]) * 1000.0 / got)
    return ceiling


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--csv", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--svg", required=True)
    p.add_argument("--svg-link", required=True)
    p.add_argument("--problems")
    p.add_argument("--startup")
    p.add_argument("--tempfail")
    p.add_argument("--ceiling")
    p.add_argument("--sustained")
    p.add_argument("--sustained-ceiling")
    a = p.parse_args()

    machine = dict(line.rstrip("\n").split(": ", 1) for line in open(a.machine) if ": " in line)
    rows = list(csv.DictReader(open(a.csv)))
    targets = sorted({r["target"] for r in rows} | set(machine.get("targets", "").split()),
                     key=lambda t: ORDER.index(t) if t in ORDER else len(ORDER))
    has = lambda t: t in targets
    runs = max((int(r["run"]) for r in rows), default=0)

    cells, totals = aggregate(rows)
    sustained_rows = list(csv.DictReader(open(a.sustained))) if a.sustained and os.path.exists(a.sustained) else []
    sustained, sustained_totals = aggregate(sustained_rows)
    jvm_hwm = defaultdict(list)
    for r in rows + sustained_rows:
        if r["target"].startswith("steward") and r["jvm_hwm_kib"]:
            jvm_hwm[r["target"]].append(int(r["jvm_hwm_kib"]) / 1024.0)

    startup = defaultdict(list)  # target -> seconds from exec to the first 220
    if a.startup and os.path.exists(a.startup):
        for r in csv.DictReader(open(a.startup)):
            if r["seconds"]:
                startup[r["target"]].append(float(r["seconds"]))
    tempfail = [r for r in csv.DictReader(open(a.tempfail))] if a.tempfail and os.path.exists(a.tempfail) else []

    keys = sorted(cells)
    groups = [(size_label(k[0]), "%d session%s" % (k[1], "" if k[1] == 1 else "s")) for k in keys]
    bar_chart(a.svg, "End-to-end msg/s, smtp-source → relay → smtp-sink (median; whiskers: min–max)", groups,
              [(t, [summary(cells[k][t + ".e2e"]) for k in keys]) for t in targets],
              label=machine.get("label", ""),
              notes=["OpenSMTPD does not fsync before 250 (see Method)"] if has("opensmtpd") else [])

    out = []
    w = out.append
    w("# End-to-end benchmark: Steward, Postfix, OpenSMTPD and Exim relaying to the same sink")
    w("")
    w("Generated by `bench/e2e-bench` (run by `make bench-e2e` and `make bench`); do not edit by hand, rerun instead.")
    w("Raw figures: `bench/results/e2e-%s*.csv` and `bench/results/work-e2e-%s/` on the machine that ran it"
      " (not committed). The intake-only benchmark is in [benchmarks.md](benchmarks.md)."
      % (machine.get("date", "?"), machine.get("date", "?")))
    w("")
    if machine.get("label"):
        w("> **%s.** These figures come from a run that is not the benchmark of record; do not quote them." %
          machine["label"])
        w("")
    w("## Machine")
    w("")
    for k in ("nproc", "cpu", "memory", "filesystem", "kernel", "os", "jdk", "postfix", "opensmtpd", "exim", "nsd",
              "python", "cpu accounting", "loadavg at start", "loadavg at end", "date"):
        if k in machine or k not in ("opensmtpd", "exim"):
            w("- **%s**: %s" % (k, machine.get(k, "?")))
    w("")
    w("## Command")
    w("")
    w("```")
    w("make bench-e2e    # = make build; scripts/install-peers; scripts/install-bench-peers; bench/e2e-bench")
    w(machine.get("command", "bench/e2e-bench"))
    w("```")
    w("")
    w("## Method")
    w("")
    w("- **Path**: `smtp-source -s SESSIONS -m N -l SIZE` (from the postfix package; one connection per message, no"
      " pipelining) → the relay on 127.0.0.1 → one `smtp-sink` on 127.0.0.1 (also from the postfix package, run as"
      " `nobody`, backlog 1024, up to 256 sessions, it throws the messages away). Every relay runs during the whole"
      " bench and delivers to the same sink; the runs are one target after the other, the order alternating"
      " (reversed every other run), and each starts with every relay's queue empty (one still draining would deliver into the next run's count)"
      " and after a `sync` (no relay's fsyncs wait behind the write-back of the previous run's files).")
    if "BENCH_PREROLL=" in machine.get("command", "") and "BENCH_PREROLL=0 " not in machine.get("command", ""):
        w("- **Pre-roll**: right before every measured run (the no-relay ones too), `BENCH_PREROLL` messages of the run's"
          " size and session count go through the same path, unmeasured; the run starts as soon as all of them reached"
          " the sink and the relay's queue is empty again. The machine slows down when it idles — smtp-source straight"
          " to the sink (300 messages of 64 KiB, 10 sessions) made 3,450–3,670 msg/s back to back, 2,950 after 0.5 s"
          " idle, 2,500 after 2 s (session 14) — and every run follows an idle check of the queues, a `sync` and a"
          " 0.5 s quiet interval: without a pre-roll a short run measures how fast the machine wakes as much as the"
          " relay, more so the faster the relay (300 messages take Steward 0.2 s, Postfix 0.6 s). The RSS sampler"
          " starts before the pre-roll, so its peaks cover it too.")
    w("- **End-to-end msg/s** = N ÷ (time the Nth message reached the sink − start of smtp-source). Time a message"
      " spends queued inside the relay counts. The sink's running counter (`smtp-sink -c`) is read through a pipe"
      " by `bench/e2e_tools.py`, which stamps each increase with the wall clock. *Submit msg/s* is the intake side"
      " of the same run (accepted ÷ smtp-source's wall time) and *lag* is how long after smtp-source ended the last"
      " message arrived.")
    w("- **Every message counted**: per run, the sink's count is compared with N, with the relay's own"
      " log (Steward: `queued` and `delivery … status=sent` lines; Postfix: qmgr `nrcpt=` and smtp `status=sent`"
      " lines; OpenSMTPD: `smtp message` and `mta delivery … result=\"Ok\"`; Exim: `<=` and `=>`) and with"
      " smtp-source's exit status; see *Delivery check* below.")
    w("- **Steward**: `bin/steward relay --allow-test-overrides` (JVM options as in `bin/steward`: serial GC,"
      " 64 MiB heap, tiered JIT), every `[delivery]` key at its default (`max_per_destination = 20`,"
      " `messages_per_connection = 100`, `idle_timeout = 10s`, opportunistic STARTTLS — smtp-sink does not offer"
      " it, so no relay uses TLS). Routing is real MX routing: a private NSD (`scripts/dns-instance`) serves"
      " `bench.test MX 10 mx.bench.test` and `mx.bench.test A 127.0.0.1`; `[dns] servers` points at it and"
      " `[testing] mx_port_override` replaces port 25 with the sink's port. Steward resolves the MX and its"
      " addresses for each delivery attempt through its own answer cache (`CachingResolver`, answers kept up"
      " to 30 s), so NSD is asked a few times a minute: NSD's CPU is reported in its own column, not added to"
      " Steward's. `[metrics]` is on, loopback only, for the harness's"
      " \"is the queue empty\" check.")
    w("- **Steward + DKIM** (`steward-dkim`): a second Steward relay, configured the same, with `[dkim]` on: an"
      " RSA-2048 key made by `bin/steward dkim keygen` (as in the intake bench); every message is signed before it"
      " is queued. It has its own queue, port, cgroup and metrics.")
    w("- **Postfix**: a private instance, `scripts/postfix-instance start DIR --smtpd-port P --relayhost"
      " '[127.0.0.1]:SINK' --bench-relay`: everything is relayed to the sink with no DNS (a bracketed relayhost)."
      " Non-default settings and why they are fair: `in_flow_delay = 0s` (Steward has no inflow throttle; the"
      " intake bench disables it too; it paces smtpd to the queue manager and adds no capacity);"
      " `default_process_limit = 200` (a ceiling only, so that one smtpd per session never caps a run; the"
      " default 100 would also do at 50 sessions); `initial_destination_concurrency = 20` (default 5) with"
      " `smtp_destination_concurrency_limit = 20` (default): Steward may open 20 connections to the destination"
      " from the first message, Postfix would start at 5 and ramp up in every run — this is generous to Postfix."
      " From the interop instance: no chroot, `smtpd_peername_lookup = no`, loopback exempt from anvil limits,"
      " retry backoff of 5–10 s (unused: nothing is deferred in a good run). Extra settings of this run: %s."
      % machine.get("postfix extra settings", "none"))
    if has("opensmtpd"):
        w("- **OpenSMTPD** (Debian bookworm's `opensmtpd` package, which conflicts with postfix, so it is unpacked"
          " with `dpkg-deb -x` by `scripts/install-bench-peers`, not installed): a private instance,"
          " `scripts/opensmtpd-instance start DIR --port P --relay-port SINK`: `listen on 127.0.0.1 port P`,"
          " `action relay host smtp+notls://127.0.0.1:SINK` (no MX lookup, like Postfix's bracketed relayhost),"
          " `match from local for any`; every other setting is its default. Its spool and control socket are"
          " compiled-in paths, so it runs in a private mount namespace with the instance's directories bind-mounted"
          " there. Its resolver in that namespace answers from /etc/hosts only (smtpd looks up every client's PTR"
          " and has no setting to stop it; the machine's resolver is remote and sometimes times out after 5 s) —"
          " the same as Postfix's `smtpd_peername_lookup = no` and Exim's default. Not changeable and shown as is:"
          " smtpd listens with a backlog of 5 (compiled in), so bursts of new connections overflow it and the"
          " clients' SYNs are retried after 1 s.")
    if has("exim"):
        w("- **Exim** (Debian bookworm's `exim4-daemon-light`, unpacked the same way): a private instance,"
          " `scripts/exim-instance start DIR --port P --relay-port SINK`: a `manualroute` router sends everything"
          " to 127.0.0.1:SINK (no DNS), delivered right after reception by a delivery process forked per message"
          " (Exim's default; no queue runner in the throughput runs). Non-default settings and why they are fair:"
          " `smtp_accept_max = 100` (default 20 would refuse sessions 21–50; Steward and Postfix take 100),"
          " `smtp_connect_backlog = 100` (default 20; the listen queue, not capacity),"
          " `smtp_accept_queue_per_connection = 0` (inactive with one message per connection),"
          " `deliver_drop_privilege = true` (runs as Debian-exim; least privilege), `hosts_avoid_tls = *` (the"
          " sink offers no TLS anyway). Host lookups and ident stay off (defaults). Exim re-executes itself by its"
          " compiled-in path, so it runs in a private mount namespace in which that path exists."
          " " + EXIM_QUIT_NOTE % "the intake benchmark's latency client, which reuses its connections, shows that cost"
          " ([benchmarks.md](benchmarks.md)).")
    w("- **Durability**: Steward (the intake journal's group-commit fsync), Postfix (cleanup fsyncs the queue file,"
      " its default) and Exim (fsyncs its -D and -H spool files; `disable_fsync` defaults to false) have every"
      " message on stable storage before they answer 250.%s No relay syncs again for the delivery; the sink stores"
      " nothing." % (" **OpenSMTPD 6.8 does not**: it writes the message and its envelope into its spool"
                     " but fsyncs neither before the 250 (its queue_fs backend creates envelopes without a sync and"
                     " syncs only envelope updates; `strace -e fsync` shows no call while it accepts mail), and it"
                     " has no setting to change that — its figures are for a relay that can lose accepted mail on"
                     " a power failure." if has("opensmtpd") else ""))
    w("- **CPU s per 1,000 messages**: %s, read at the start of a run and again once every message has reached"
      " the sink, been logged as sent and left the queue. In a cgroup this is every process that ran in it during"
      " the run — for Postfix master, smtpd, cleanup, trivial-rewrite, qmgr, smtp, anvil, scache, postlogd; for"
      " OpenSMTPD its seven privilege-separated processes; for Exim the daemon and every reception and delivery"
      " process it forked, including the ones that exited; for Steward the JVM. Without a usable cgroup (`proc`):"
      " utime+stime of the process tree plus cutime+cstime (children already reaped). Steward's checkpointer runs"
      " every 30 s and whenever a journal segment fills; here it only removes segments whose messages have all been"
      " delivered, keeping one file at a time to recycle as a later segment." % (
          {"cgroup-v1": "the target's own cpuacct cgroup (v1)", "cgroup-v2": "the target's own cgroup (v2, cpu.stat)",
           "proc": "/proc process-tree accounting"}.get(machine.get("cpu accounting"), machine.get("cpu accounting", "?"))))
    w("- **Peak RSS under load**: sampled every %s s during each run (bench/e2e_tools.py sample): the sum of VmRSS"
      " over the target's process tree, and the sum of PSS (shared pages divided among the processes that map"
      " them — the fairer figure for the multi-process relays, whose RSS sum counts shared libraries and"
      " shared memory once per process). Exim's delivery processes detach from the daemon, so the sampler sees"
      " only part of them. For Steward the JVM's VmHWM (the kernel's own peak since start) is also"
      " reported." % machine.get("rss interval", "?"))
    w("- **Warm-up**: before the matrix each relay gets the same unmeasured warm-up: rounds of one batch per measured"
      " size (%s messages each) at 10 sessions, delivered to the sink, until %s s have"
      " passed (the same time for every relay; a JVM's JIT compiles for about a minute of load, and again for 64 KiB"
      " messages what it compiled for 1 KiB ones; the C relays are at their steady state after their first messages)."
      % (machine.get("warmup", "?"), machine.get("warmup seconds", "0")))
    w("- Load generator, relays, sink and the arrival logger share the machine's %s cores: the sink and"
      " smtp-source cost every target the same, but they take CPU the relay could otherwise use." %
      machine.get("nproc", "?"))
    w("- %d run%s per cell; figures are median (min–max). An smtp-source run that takes longer than %s s is stopped"
      " and the target's other runs of that cell are skipped (that cell then shows fewer runs), so one slow relay"
      " cannot stretch the benchmark without bound." % (runs, "" if runs == 1 else "s", machine.get("run timeout", "?")))
    w("")
    w("## Results")
    w("")
    w("![End-to-end messages per second per relay](%s)" % a.svg_link)
    w("")
    head = "| size | sessions |"
    rule = "|---|---|"
    for t in targets:
        head += " %s e2e msg/s |" % name(t)
        rule += "---|"
    ratio_of = [t for t in ("steward", "steward-dkim") if has(t)] if has("postfix") else []
    for t in ratio_of:
        head += " %s ÷ Postfix |" % name(t)
        rule += "---|"
    w(head)
    w(rule)
    ratios = defaultdict(dict)  # steward target -> key -> ratio
    for key in keys:
        c = cells[key]
        line = "| %s | %d |" % (size_label(key[0]), key[1])
        for t in targets:
            line += " %s |" % fmt(summary(c[t + ".e2e"]))
        for t in ratio_of:
            s, pf = summary(c[t + ".e2e"]), summary(c["postfix.e2e"])
            ratio = s[0] / pf[0] if s and pf and pf[0] else None
            ratios[t][key] = ratio
            line += " %s |" % ("n/a" if ratio is None else "%.1f×" % ratio)
        w(line)
    w("")
    w("Intake side of the same runs (submit msg/s) and the drain lag (s):")
    w("")
    head = "| size | sessions |"
    rule = "|---|---|"
    for t in targets:
        head += " %s submit | %s lag |" % (name(t), name(t))
        rule += "---|---|"
    w(head)
    w(rule)
    for key in keys:
        c = cells[key]
        line = "| %s | %d |" % (size_label(key[0]), key[1])
        for t in targets:
            line += " %s | %s |" % (fmt(summary(c[t + ".submit"])), fmt(summary(c[t + ".lag"]), 2))
        w(line)
    w("")
    w("Resources per cell (CPU: seconds per 1,000 delivered messages; memory: peak over the run's samples, MiB):")
    w("")
    head = "| size | sessions |"
    rule = "|---|---|"
    for t in targets:
        head += " %s CPU s/1k |" % name(t)
        rule += "---|"
    if any(t.startswith("steward") for t in targets):
        head += " NSD CPU s/1k (Steward's MX lookups) |"
        rule += "---|"
    for t in targets:
        head += " %s peak RSS | %s peak PSS |" % (name(t), name(t))
        rule += "---|---|"
    if has("postfix"):
        head += " Postfix ΣVmHWM | Postfix processes (peak) |"
        rule += "---|---|"
    w(head)
    w(rule)
    for key in keys:
        c = cells[key]
        line = "| %s | %d |" % (size_label(key[0]), key[1])
        for t in targets:
            line += " %s |" % fmt(summary(c[t + ".cpu1k"]), 2)
        if any(t.startswith("steward") for t in targets):
            line += " %s |" % fmt(summary(c["steward.dns1k"] + c["steward-dkim.dns1k"]), 2)
        for t in targets:
            rs, ps = summary(c[t + ".rss"]), summary(c[t + ".pss"])
            line += " %s | %s |" % ("n/a" if rs is None else "%.0f" % rs[2], "n/a" if ps is None else "%.0f" % ps[2])
        if has("postfix"):
            pr, hw = summary(c["postfix.procs"]), summary(c["postfix.hwmsum"])
            line += " %s | %s |" % ("n/a" if hw is None else "%.0f" % hw[2], "n/a" if pr is None else "%d" % pr[2])
        w(line)
    w("")
    w("RSS, PSS and ΣVmHWM columns are the maximum over the cell's runs. Postfix's ΣVmHWM is the sum of the"
      " peak RSS of every Postfix process alive at the end of the run; like the RSS sum it counts the pages"
      " its processes share (libraries, the master's shared memory) once per process, so PSS is the figure"
      " to compare with Steward's single JVM.")
    for t in ("steward", "steward-dkim"):
        if jvm_hwm.get(t):
            w("%s's JVM VmHWM (peak resident set since it started, warm-up included) at the end: **%.1f MiB**."
              % (name(t), max(jvm_hwm[t])))
    w("")
    w("### Delivery check")
    w("")
    w("| target | runs | messages sent by smtp-source | accepted (relay log) | logged as sent | arrived at the sink"
      " | missing | extra | smtp-source failures |")
    w("|---|---|---|---|---|---|---|---|---|")
    for t in targets:
        tt = totals[t]
        w("| %s | %d | %d | %d | %d | %d | %d | %d | %d |" % (name(t), tt["runs"], tt["messages"], tt["accepted"],
                                                         tt["sent"], tt["received"], tt["missing"], tt["extra"],
                                                         tt["source_failures"]))
    w("")
    problems = ""
    if a.problems and os.path.exists(a.problems):
        problems = open(a.problems).read().strip()
    if problems:
        lines = problems.splitlines()
        w("Unusual log lines seen during the runs (first %d of %d; all in the work directory's problems.log):"
          % (min(40, len(lines)), len(lines)))
        w("")
        w("```")
        for line in lines[:40]:
            w(line[:300])
        w("```")
    else:
        w("No warning, error, deferral or bounce in any relay's log during the measured runs.")
    if machine.get("stuck targets"):
        w("")
        w("**Stuck**: the queue of %s did not drain; its remaining runs were skipped." % machine["stuck targets"])
    w("")
    sustained_ratios = {}  # (size, sessions) -> Steward ÷ Postfix in the sustained runs
    if sustained:
        sustained_ceiling = read_ceiling(a.sustained_ceiling)
        per_run = {(int(r["size_bytes"]), int(r["sessions"])): r["messages"] for r in sustained_rows}
        w("## Sustained runs")
        w("")
        w("The matrix's runs are short: 1,000–2,000 messages take Steward half a second to a second, so they measure"
          " the ramp-up of new connections and of the delivery side as much as the rate. After the matrix, the cells"
          " issue 3's target names ran again for Steward and Postfix (and the no-relay ceiling) with many more"
          " messages per run, each run from an empty queue, the order alternating, the sink counting every message.")
        w("")
        w("| size | sessions | messages per run | Steward e2e msg/s | Postfix e2e msg/s | no relay msg/s"
          " | Steward CPU ms/msg | Postfix CPU ms/msg | Steward ÷ Postfix |")
        w("|---|---|---|---|---|---|---|---|---|")
        for key in sorted(sustained):
            c = sustained[key]
            st, pf = summary(c["steward.e2e"]), summary(c["postfix.e2e"])
            ratio = st[0] / pf[0] if st and pf and pf[0] else None
            sustained_ratios[key] = ratio
            w("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                size_label(key[0]), key[1], per_run[key], fmt(st), fmt(pf),
                fmt(summary(sustained_ceiling.get(key, {}).get("rate", []))),
                fmt(summary(c["steward.cpu1k"]), 2), fmt(summary(c["postfix.cpu1k"]), 2),
                "n/a" if ratio is None else "%.1f×" % ratio))
        w("")
        w("Delivery check of the sustained runs: " + "; ".join(
            "%s %d/%d at the sink (missing %d, extra %d, smtp-source failures %d)" % (
                name(t), sustained_totals[t]["received"], sustained_totals[t]["messages"],
                sustained_totals[t]["missing"], sustained_totals[t]["extra"], sustained_totals[t]["source_failures"])
            for t in targets if t in sustained_totals) + ".")
        w("")
    if startup:
        w("## Startup to accepting connections")
        w("")
        w("Time from the exec of the relay's start command to the first `220` greeting on its port (bench/e2e_tools.py"
          " `greet-wait` polls a TCP connect every 5 ms), %s starts per relay, each from a fresh directory (empty"
          " queue), nothing else running for it. Steward: `bin/steward relay` (the JVM's start included); Postfix:"
          " `postfix start` of the private instance (master, then smtpd on the first connection); OpenSMTPD: `smtpd -d`"
          " in its namespace; Exim: `exim -bd` in its namespace. The instance scripts' own work before that exec"
          " (writing configuration) is not counted." % machine.get("startup runs", "?"))
        w("")
        w("| relay | seconds to the first 220, median (min–max) |")
        w("|---|---|")
        for t in targets:
            if startup.get(t):
                w("| %s | %s |" % (name(t), fmt(summary(startup[t]), 3)))
        w("")
    if tempfail:
        w("## Tempfailing sink (backpressure and retries)")
        w("")
        w("A second sink (bench/e2e_tools.py `tempfail-sink`, Python asyncio) answers `451 4.3.0` to the DATA of every"
          " %sth message it receives (counting every DATA, retries included: deterministic, so runs compare) and"
          " `250` to the rest; it records each accepted message's Message-ID, so duplicates and losses are seen. Each"
          " relay is restarted for this scenario with its retry timers shortened the same way: Steward `[queue]"
          " min_backoff = \"%ss\"`, `max_backoff = \"%ss\"`; Postfix `minimal_backoff_time = %ss`,"
          " `maximal_backoff_time = %ss`, `queue_run_delay = %ss`; Exim a queue runner every %s s (`-q%ss`) and the"
          " retry rule `* * F,1h,%ss`; OpenSMTPD's retry delays are compiled in (minutes) with no setting, so the"
          " harness runs `smtpctl schedule all` every %s s while messages are pending, which is what the others'"
          " timers do. Time = from the start of smtp-source until every message was accepted by the sink (bounded by"
          " %s s)." % (machine.get("tempfail every", "?"), machine.get("tempfail backoff", "?"),
                         machine.get("tempfail backoff max", "?"), machine.get("tempfail backoff", "?"),
                         machine.get("tempfail backoff max", "?"), machine.get("tempfail backoff", "?"),
                         machine.get("tempfail backoff", "?"), machine.get("tempfail backoff", "?"),
                         machine.get("tempfail backoff", "?"), machine.get("tempfail backoff", "?"),
                         machine.get("tempfail timeout", "?")))
        w("")
        w("| relay | runs | messages | all delivered | seconds until all delivered | msg/s | 451s answered"
          " (retries needed) | delivered twice | missing at the end |")
        w("|---|---|---|---|---|---|---|---|---|")
        by = defaultdict(list)
        for r in tempfail:
            by[r["target"]].append(r)
        for t in targets:
            rs = by.get(t)
            if not rs:
                continue
            done = sum(1 for r in rs if r["complete"] == "yes")
            w("| %s | %d | %s | %d/%d | %s | %s | %s | %d | %d |" % (
                name(t), len(rs), rs[0]["messages"], done, len(rs),
                fmt(summary([num(r["elapsed_s"]) for r in rs if r["complete"] == "yes"]), 1),
                fmt(summary([num(r["msgs_per_s"]) for r in rs if r["complete"] == "yes"]), 1),
                fmt(summary([num(r["tempfails"]) for r in rs])),
                sum(int(r["duplicates"]) for r in rs), sum(int(r["lost"]) for r in rs)))
        w("")
    ceiling = read_ceiling(a.ceiling)  # (size, sessions) -> metric -> values: smtp-source → smtp-sink
    bounds = {}  # (size, sessions) -> the lower of smtp-source's and smtp-sink's one-core bounds, msg/s
    if ceiling and has("postfix"):
        cores = int(machine.get("nproc", "2"))
        w("## What five times Postfix would take")
        w("")
        w("Issue 3 asks for at least %.0f× Postfix's end-to-end msg/s at 10 and 50 sessions. In every run of every"
          " cell the same smtp-source command was also sent straight to the sink, with no relay (*no relay*). Every"
          " relay's path contains that path's work, so it bounds them all. smtp-source and smtp-sink are each one"
          " process with one event loop, so neither can use more CPU time than wall time: no relay measured this way"
          " can deliver more than 1 ÷ (their CPU time per message) messages a second (the cheapest each showed in"
          " that cell, in any run). What the two leave of the machine's %d cores at the goal rate is the most a relay"
          " may spend per message to reach it." % (TARGET_RATIO, cores))
        w("")
        w("| size | sessions | Postfix e2e msg/s | %.0f× Postfix | no relay msg/s | smtp-source CPU ms/msg (cheapest)"
          " | smtp-sink CPU ms/msg (cheapest) | one-core bound msg/s | CPU left for the relay at the goal, ms/msg |"
          " Steward CPU ms/msg | reachable here? |" % TARGET_RATIO)
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        for key in sorted(cells):
            c, k = cells[key], ceiling.get(key)
            pf = summary(c["postfix.e2e"])
            if not pf or not k:
                continue
            goal = TARGET_RATIO * pf[0]
            direct = summary(k["rate"])
            src = min([v for t in targets for v in c[t + ".source_ms"] if v] + [v for v in k["source_ms"] if v] or [0])
            snk = min([v for t in targets for v in c[t + ".sink_ms"] if v] + [v for v in k["sink_ms"] if v] or [0])
            bound = 1000.0 / max(src, snk) if max(src, snk) > 0 else None  # the costlier of the two binds first
            if bound is not None:
                bounds[key] = bound
            left = cores * 1000.0 / goal - src - snk
            steward_cpu = summary(c["steward.cpu1k"])
            if bound is not None and goal > bound:
                verdict = "**no**: above the one-core bound"
            elif left <= 0:
                verdict = "**no**: smtp-source and smtp-sink alone would use every core"
            elif direct and goal > direct[0]:
                verdict = "not seen: above the no-relay rate"
            else:
                verdict = "only with a relay at ≤ %.2f ms of CPU per message" % left
            w("| %s | %d | %s | %.0f | %s | %.3f | %.3f | %s | %.2f | %s | %s |" % (
                size_label(key[0]), key[1], fmt(pf), goal, fmt(direct), src, snk,
                "n/a" if bound is None else "%.0f" % bound, left, fmt(steward_cpu, 2), verdict))
        w("")
        w("The CPU figures are user + system time: smtp-source's from the shell's `time`, smtp-sink's from /proc,"
          " the relays' from their cgroups (*CPU s per 1,000 messages* above is the same figure in ms per message).")
        w("")
    w("## Targets")
    w("")
    w("| target | measured | met? |")
    w("|---|---|---|")
    def out_of_reach(size, sessions):
        pf, bound = summary(cells[(size, sessions)]["postfix.e2e"]), bounds.get((size, sessions))
        if pf and bound and TARGET_RATIO * pf[0] > bound:
            return " (out of reach here: %.0f× Postfix is %.0f msg/s, above the one-core bound, %.0f)" % (
                TARGET_RATIO, TARGET_RATIO * pf[0], bound)
        return ""

    for t in ratio_of:
        for sessions in (10, 50):
            for size in sorted({k[0] for k in cells}):
                if (size, sessions) in ratios[t]:
                    r = ratios[t][(size, sessions)]
                    w("| %s ≥ %.0f× Postfix end-to-end msg/s%s, %s, %d sessions | %s | %s |" % (
                        "Steward", TARGET_RATIO, " with DKIM on" if t == "steward-dkim" else "", size_label(size),
                        sessions, "n/a" if r is None else "%.1f×" % r,
                        "n/a" if r is None else ("yes" if r >= TARGET_RATIO else "**no**" + out_of_reach(size, sessions))))
    for (size, sessions), r in sorted(sustained_ratios.items(), key=lambda item: (item[0][1], item[0][0])):
        w("| Steward ≥ %.0f× Postfix end-to-end msg/s, %s, %d sessions, sustained runs | %s | %s |" % (
            TARGET_RATIO, size_label(size), sessions, "n/a" if r is None else "%.1f×" % r,
            "n/a" if r is None else ("yes" if r >= TARGET_RATIO else "**no**")))
    for t in ("steward", "steward-dkim"):
        rss = [v for part in (cells, sustained) for k in part for v in part[k][t + ".rss"] if v is not None] \
            + jvm_hwm.get(t, [])
        if rss:
            peak = max(rss)
            w("| %s RSS under load < %.0f MiB | %.1f MiB | %s |" % (
                name(t), TARGET_RSS_MIB, peak, "yes" if peak < TARGET_RSS_MIB else "**no**"))
    if startup.get("steward"):
        s = summary(startup["steward"])
        w("| Steward startup to accepting connections < %.0f s (median of %d) | %.3f s (max %.3f s) | %s |" % (
            TARGET_STARTUP_S, len(startup["steward"]), s[0], s[2], "yes" if s[0] < TARGET_STARTUP_S else "**no**"))
    for t in targets:
        for tt, where in ((totals[t], ""), (sustained_totals.get(t), ", sustained runs")):
            if not tt:
                continue
            ok = tt["missing"] == 0 and tt["extra"] == 0 and tt["source_failures"] == 0
            w("| %s delivered every message exactly once%s (validity, not a target) | %d/%d | %s |" % (
                name(t), where, tt["received"], tt["messages"], "yes" if ok else "**no**"))
    if not ratio_of:
        w("")
        w("**This run measured %s only** (`BENCH_TARGETS`): the targets that compare Steward with Postfix are"
          " missing." % ", ".join(targets))
    print("\n".join(out))


if __name__ == "__main__":
    main()
