#!/usr/bin/python3
"""dkimpy as the DKIM peer for DkimpyInteropIT.

  dkim_peer.py verify MESSAGE RECORDS   exit 0 and print "pass" when every signature verifies
  dkim_peer.py sign MESSAGE KEY SELECTOR DOMAIN ALGORITHM
                                        print the DKIM-Signature field dkimpy makes

RECORDS is a JSON object from key record name (no trailing dot) to TXT value; it is served
through dkimpy's dnsfunc hook, so no DNS is asked. KEY is a PEM file for rsa-sha256 and a base64
seed file for ed25519-sha256 (dkimpy's formats).
"""
import json
import sys

import dkim


def verify(message_file, records_file):
    with open(records_file) as f:
        records = json.load(f)

    def dnsfunc(name, timeout=5):
        key = name.decode("ascii") if isinstance(name, bytes) else name
        value = records.get(key.rstrip("."))
        return value.encode("ascii") if value is not None else None

    with open(message_file, "rb") as f:
        message = f.read()
    verifier = dkim.DKIM(message)
    count = sum(1 for line in message.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
                if line.lower().startswith(b"dkim-signature:"))
    results = []
    for index in range(count):
        try:
            results.append(bool(verifier.verify(idx=index, dnsfunc=dnsfunc)))
        except dkim.DKIMException as e:
            print("error: %s" % e)
            results.append(False)
    print(" ".join("pass" if r else "fail" for r in results))
    return 0 if results and all(results) else 1


def sign(message_file, key_file, selector, domain, algorithm):
    with open(message_file, "rb") as f:
        message = f.read()
    with open(key_file, "rb") as f:
        key = f.read()
    field = dkim.sign(message, selector.encode(), domain.encode(), key,
                      canonicalize=(b"relaxed", b"relaxed"),
                      signature_algorithm=algorithm.encode(),
                      include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    sys.stdout.write(field.decode("ascii"))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "verify":
        sys.exit(verify(sys.argv[2], sys.argv[3]))
    sys.exit(sign(*sys.argv[2:7]))
