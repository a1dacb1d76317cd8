"""Renders docs/benchmarks-e2e.md (and its SVG chart) from one bench/e2e-bench run.

Usage: report_e2e.py --csv E2E.csv --machine MACHINE.txt --svg OUT.svg --svg-link NAME
                     [--problems PROBLEMS.log]   (markdown on stdout)
Debian's /usr/bin/python3, standard library only.
"""
import argparse
import csv
import os
import statistics
from collections import defaultdict
from xml.sax.saxutils import escape

from report import fmt as range_fmt, summary  # bench/report.py: the intake report's median (min–max)

TARGET_RATIO = 5.0        # Steward >= 5x Postfix end-to-end msg/s at 10 and 50 sessions
TARGET_RSS_MIB = 256.0    # Steward's RSS under load < 256 MiB
DKIM = "not in the end-to-end run yet (the cost of signing is measured at intake, benchmarks.md, and per signature, benchmarks-dkim.md)"


def fmt(s, digits=0):
    """median (min–max); a single value alone (one run)."""
    if s is not None and s[1] == s[2]:
        return ("%%.%df" % digits) % s[0]
    return range_fmt(s, digits)


def num(text):
    return float(text) if text not in ("", None) else None


def size_label(size):
    return "1 KiB" if size == 1024 else ("%d KiB" % (size // 1024) if size % 1024 == 0 else "%d B" % size)


def svg_chart(cells, targets, path, label):
    """Grouped bars: median end-to-end msg/s per cell and target, min–max whiskers."""
    colours = {"steward": "#2b6cb0", "postfix": "#c05621"}
    keys = sorted(cells)
    width, height = 120 + 130 * max(1, len(keys)), 420
    left, right, top, bottom = 70, 20, 50, 70
    plot_h = height - top - bottom
    top_value = max([v for k in keys for t in targets for v in cells[k][t + ".e2e"] if v is not None] + [1.0])
    # a round axis maximum
    step = 10 ** (len(str(int(top_value))) - 1)
    axis_max = step * (int(top_value / step) + 1)
    y = lambda v: top + plot_h - plot_h * v / axis_max
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
           % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">End-to-end msg/s, smtp-source → relay → smtp-sink'
           ' (median; whiskers: min–max)</text>' % left]
    if label:
        out.append('<text x="%d" y="40" fill="#b00" font-weight="bold">%s: not the benchmark of record</text>'
                   % (left, escape(label)))
    for i in range(6):
        v = axis_max * i / 5
        out.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (left, width - right, y(v), y(v)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (left - 6, y(v) + 4, v))
    out.append('<text x="16" y="%d" transform="rotate(-90 16 %d)" text-anchor="middle">messages/s</text>'
               % (top + plot_h // 2, top + plot_h // 2))
    group_w = (width - left - right) / max(1, len(keys))
    bar_w = min(40, (group_w - 30) / max(1, len(targets)))
    for gi, key in enumerate(keys):
        x0 = left + gi * group_w + (group_w - bar_w * len(targets)) / 2
        for ti, t in enumerate(targets):
            s = summary(cells[key][t + ".e2e"])
            if not s:
                continue
            med, lo, hi = s
            x = x0 + ti * bar_w
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                       % (x, y(med), bar_w - 4, y(0) - y(med), colours.get(t, "#555")))
            cx = x + (bar_w - 4) / 2
            out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="black"/>' % (cx, cx, y(lo), y(hi)))
            for yy in (y(lo), y(hi)):
                out.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="black"/>' % (cx - 4, cx + 4, yy, yy))
            out.append('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10">%d</text>'
                       % (cx, min(y(hi), y(med)) - 4, round(med)))
        size, sessions = key
        gx = left + gi * group_w + group_w / 2
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (gx, height - bottom + 18, size_label(size)))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%d session%s</text>'
                   % (gx, height - bottom + 34, sessions, "" if sessions == 1 else "s"))
    lx = left
    for t in targets:
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (lx, height - 22, colours.get(t, "#555")))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 16, height - 12, escape(t.capitalize())))
        lx += 110
    out.append('<text x="%d" y="%d" fill="#666">Steward + DKIM: %s</text>' % (lx, height - 12, DKIM))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--csv", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--svg", required=True)
    p.add_argument("--svg-link", required=True)
    p.add_argument("--problems")
    a = p.parse_args()

    machine = dict(line.rstrip("\n").split(": ", 1) for line in open(a.machine) if ": " in line)
    rows = list(csv.DictReader(open(a.csv)))
    targets = sorted({r["target"] for r in rows} | set(machine.get("targets", "").split()),
                     key=lambda t: 0 if t == "steward" else 1)
    both = "steward" in targets and "postfix" in targets
    runs = max((int(r["run"]) for r in rows), default=0)

    cells = defaultdict(lambda: defaultdict(list))  # (size, sessions) -> "target.metric" -> values
    totals = defaultdict(lambda: defaultdict(int))  # target -> sent/received/missing/extra/rc
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
        tt = totals[t]
        tt["messages"] += int(r["messages"])
        tt["received"] += int(r["sink_received"])
        tt["sent"] += int(r["sent_logged"])
        tt["accepted"] += int(r["accepted"])
        tt["missing"] += int(r["missing"])
        tt["extra"] += int(r["extra"])
        tt["source_failures"] += 1 if r["smtp_source_rc"] not in ("0", "") else 0
        tt["runs"] += 1
    jvm_hwm = [int(r["jvm_hwm_kib"]) / 1024.0 for r in rows if r["target"] == "steward" and r["jvm_hwm_kib"]]

    svg_chart(cells, targets, a.svg, machine.get("label", ""))

    out = []
    w = out.append
    w("# End-to-end benchmark: Steward and Postfix relaying to the same sink")
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
    for k in ("nproc", "cpu", "memory", "filesystem", "kernel", "os", "jdk", "postfix", "nsd", "python",
              "cpu accounting", "loadavg at start", "loadavg at end", "date"):
        w("- **%s**: %s" % (k, machine.get(k, "?")))
    w("")
    w("## Command")
    w("")
    w("```")
    w("make bench-e2e    # = make build; scripts/install-peers; bench/e2e-bench")
    w(machine.get("command", "bench/e2e-bench"))
    w("```")
    w("")
    w("## Method")
    w("")
    w("- **Path**: `smtp-source -s SESSIONS -m N -l SIZE` (from the postfix package; one connection per message, no"
      " pipelining) → the relay on 127.0.0.1 → one `smtp-sink` on 127.0.0.1 (also from the postfix package, run as"
      " `nobody`, backlog 1024, up to 256 sessions, it throws the messages away). Both relays run during the whole"
      " bench and deliver to the same sink; the runs are one target after the other, the order alternating"
      " between runs, and each starts with the target's queue empty.")
    w("- **End-to-end msg/s** = N ÷ (time the Nth message reached the sink − start of smtp-source). Time a message"
      " spends queued inside the relay counts. The sink's running counter (`smtp-sink -c`) is read through a pipe"
      " by `bench/e2e_tools.py`, which stamps each increase with the wall clock. *Submit msg/s* is the intake side"
      " of the same run (accepted ÷ smtp-source's wall time) and *lag* is how long after smtp-source ended the last"
      " message arrived.")
    w("- **Every message counted**: per run, the sink's count is compared with N, with the relay's own"
      " log (Steward: `queued` and `delivery … status=sent` lines; Postfix: qmgr `nrcpt=` and smtp `status=sent`"
      " lines) and with smtp-source's exit status; see *Delivery check* below.")
    w("- **Steward**: `bin/steward relay --allow-test-overrides` (JVM options as in `bin/steward`: serial GC,"
      " 64 MiB heap, tiered JIT), every `[delivery]` key at its default (`max_per_destination = 20`,"
      " `messages_per_connection = 100`, `idle_timeout = 10s`, opportunistic STARTTLS — smtp-sink does not offer"
      " it, so neither relay uses TLS). Routing is real MX routing: a private NSD (`scripts/dns-instance`) serves"
      " `bench.test MX 10 mx.bench.test` and `mx.bench.test A 127.0.0.1`; `[dns] servers` points at it and"
      " `[testing] mx_port_override` replaces port 25 with the sink's port. Steward asks DNS on every delivery"
      " attempt (it has no cache of its own; in production a local caching resolver answers): NSD's CPU is"
      " reported in its own column, not added to Steward's. `[metrics]` is on, loopback only, for the harness's"
      " \"is the queue empty\" check.")
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
    w("- **Durability**: both have every message on stable storage before they answer 250 (Postfix: cleanup"
      " fsyncs the queue file, its default; Steward: the intake journal's group-commit fsync). Neither syncs"
      " again for the delivery; the sink stores nothing.")
    w("- **CPU s per 1,000 messages**: %s, read at the start of a run and again once every message has reached"
      " the sink, been logged as sent and left the queue. In a cgroup this is every process that ran in it during"
      " the run — for Postfix master, smtpd, cleanup, trivial-rewrite, qmgr, smtp, anvil, scache, postlogd,"
      " including the ones that exited; for Steward the JVM. Without a usable cgroup (`proc`): utime+stime of the"
      " process tree plus cutime+cstime (children already reaped). Steward's checkpointer runs every 30 s, so"
      " some of a run's checkpoint work lands in a later run." % (
          {"cgroup-v1": "the target's own cpuacct cgroup (v1)", "cgroup-v2": "the target's own cgroup (v2, cpu.stat)",
           "proc": "/proc process-tree accounting"}.get(machine.get("cpu accounting"), machine.get("cpu accounting", "?"))))
    w("- **Peak RSS under load**: sampled every %s s during each run (bench/e2e_tools.py sample): the sum of VmRSS"
      " over the target's process tree, and the sum of PSS (shared pages divided among the processes that map"
      " them — the fairer figure for Postfix's many processes, whose RSS sum counts shared libraries and"
      " shared memory once per process). For Steward the JVM's VmHWM (the kernel's own peak since start) is also"
      " reported." % machine.get("rss interval", "?"))
    w("- **Warm-up**: before the matrix each relay gets the same unmeasured warm-up (%s 1 KiB messages at 10"
      " sessions, delivered to the sink)." % machine.get("warmup", "?"))
    w("- **Steward with DKIM**: %s; its column stays empty until it is." % DKIM)
    w("- Load generator, relays, sink and the arrival logger share the machine's %s cores: the sink and"
      " smtp-source cost both targets the same, but they take CPU the relay could otherwise use." %
      machine.get("nproc", "?"))
    w("- %d run%s per cell; figures are median (min–max)." % (runs, "" if runs == 1 else "s"))
    w("")
    w("## Results")
    w("")
    w("![End-to-end messages per second, Steward and Postfix](%s)" % a.svg_link)
    w("")
    head = "| size | sessions |"
    rule = "|---|---|"
    for t in targets:
        head += " %s e2e msg/s | %s submit msg/s | %s lag s |" % (t, t, t)
        rule += "---|---|---|"
    if both:
        head += " Steward ÷ Postfix e2e |"
        rule += "---|"
    head += " Steward + DKIM e2e msg/s |"
    rule += "---|"
    w(head)
    w(rule)
    ratios = {}
    for key in sorted(cells):
        c = cells[key]
        line = "| %s | %d |" % (size_label(key[0]), key[1])
        for t in targets:
            line += " %s | %s | %s |" % (fmt(summary(c[t + ".e2e"])), fmt(summary(c[t + ".submit"])),
                                         fmt(summary(c[t + ".lag"]), 2))
        if both:
            s, pf = summary(c["steward.e2e"]), summary(c["postfix.e2e"])
            ratio = s[0] / pf[0] if s and pf and pf[0] else None
            ratios[key] = ratio
            line += " %s |" % ("n/a" if ratio is None else "%.1f×" % ratio)
        line += " — (%s) |" % DKIM
        w(line)
    w("")
    w("Resources per cell (CPU: seconds per 1,000 delivered messages; memory: peak over the run's samples):")
    w("")
    head = "| size | sessions |"
    rule = "|---|---|"
    for t in targets:
        head += " %s CPU s/1k |" % t
        rule += "---|"
        if t == "steward":
            head += " NSD CPU s/1k (Steward's MX lookups) |"
            rule += "---|"
    for t in targets:
        head += " %s peak RSS MiB | %s peak PSS MiB |" % (t, t)
        rule += "---|---|"
    if "postfix" in targets:
        head += " postfix ΣVmHWM MiB | postfix processes (peak) |"
        rule += "---|---|"
    w(head)
    w(rule)
    for key in sorted(cells):
        c = cells[key]
        line = "| %s | %d |" % (size_label(key[0]), key[1])
        for t in targets:
            line += " %s |" % fmt(summary(c[t + ".cpu1k"]), 2)
            if t == "steward":
                line += " %s |" % fmt(summary(c[t + ".dns1k"]), 2)
        for t in targets:
            rs, ps = summary(c[t + ".rss"]), summary(c[t + ".pss"])
            line += " %s | %s |" % ("n/a" if rs is None else "%.0f" % rs[2], "n/a" if ps is None else "%.0f" % ps[2])
        if "postfix" in targets:
            pr, hw = summary(c["postfix.procs"]), summary(c["postfix.hwmsum"])
            line += " %s | %s |" % ("n/a" if hw is None else "%.0f" % hw[2], "n/a" if pr is None else "%d" % pr[2])
        w(line)
    w("")
    w("RSS, PSS and ΣVmHWM columns are the maximum over the cell's runs. Postfix's ΣVmHWM is the sum of the"
      " peak RSS of every Postfix process alive at the end of the run; like the RSS sum it counts the pages"
      " its processes share (libraries, the master's shared memory) once per process, so PSS is the figure"
      " to compare with Steward's single JVM.")
    if jvm_hwm:
        w("Steward's JVM VmHWM (peak resident set since it started, warm-up included) at the end: **%.1f MiB**."
          % max(jvm_hwm))
    w("")
    w("### Delivery check")
    w("")
    w("| target | runs | messages sent by smtp-source | accepted (relay log) | logged as sent | arrived at the sink"
      " | missing | extra | smtp-source failures |")
    w("|---|---|---|---|---|---|---|---|---|")
    for t in targets:
        tt = totals[t]
        w("| %s | %d | %d | %d | %d | %d | %d | %d | %d |" % (t, tt["runs"], tt["messages"], tt["accepted"],
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
        w("No warning, error, deferral or bounce in either relay's log during the measured runs.")
    if machine.get("stuck targets"):
        w("")
        w("**Stuck**: the queue of %s did not drain; its remaining runs were skipped." % machine["stuck targets"])
    w("")
    w("## Targets")
    w("")
    w("| target | measured | met? |")
    w("|---|---|---|")
    for sessions in (10, 50):
        for size in sorted({k[0] for k in cells}):
            if (size, sessions) in ratios:
                r = ratios[(size, sessions)]
                w("| Steward ≥ %.0f× Postfix end-to-end msg/s, %s, %d sessions | %s | %s |" % (
                    TARGET_RATIO, size_label(size), sessions, "n/a" if r is None else "%.1f×" % r,
                    "n/a" if r is None else ("yes" if r >= TARGET_RATIO else "**no**")))
    steward_rss = [v for k in cells for v in cells[k]["steward.rss"] if v is not None] + jvm_hwm
    if steward_rss:
        peak = max(steward_rss)
        w("| Steward RSS under load < %.0f MiB | %.1f MiB | %s |" % (
            TARGET_RSS_MIB, peak, "yes" if peak < TARGET_RSS_MIB else "**no**"))
    w("| the same with DKIM signing | — | not measured: %s |" % DKIM)
    for t in targets:
        tt = totals[t]
        ok = tt["missing"] == 0 and tt["extra"] == 0 and tt["source_failures"] == 0
        w("| %s delivered every message exactly once (validity, not a target) | %d/%d | %s |" % (
            t, tt["received"], tt["messages"], "yes" if ok else "**no**"))
    if not both:
        w("")
        w("**This run measured %s only** (`BENCH_TARGETS`): the targets that compare Steward with Postfix are"
          " missing." % ", ".join(targets))
    print("\n".join(out))


if __name__ == "__main__":
    main()
