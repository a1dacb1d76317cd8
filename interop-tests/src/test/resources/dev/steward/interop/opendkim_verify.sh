#!/bin/bash
# opendkim_verify.sh DNS_INSTANCE_SCRIPT WORK ZONE MESSAGE...: run inside `unshare --net --mount`
# by RelayDkimInteropIT. OpenDKIM's opendkim-testmsg asks DNS through the C library, which reads
# /etc/resolv.conf and always uses port 53; so, in a network namespace of our own, a private NSD
# serves ZONE on 127.0.0.1:53 and a bind-mounted resolv.conf points at it. Nothing outside the
# namespace sees either. Prints "MESSAGE rc=N" per message (0 = every signature verified).
set -u
dns_instance=$1 work=$2 zone=$3
shift 3
ip link set lo up || exit 90
echo "nameserver 127.0.0.1" >"$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf || exit 91
"$dns_instance" start "$work/nsd" --port 53 --zone-file "$zone" >"$work/nsd-start.log" 2>&1 || { cat "$work/nsd-start.log"; exit 92; }
for message in "$@"; do
    opendkim-testmsg <"$message"
    rc=$?
    echo "$(basename "$message") rc=$rc"
done
"$dns_instance" stop "$work/nsd" >/dev/null 2>&1
