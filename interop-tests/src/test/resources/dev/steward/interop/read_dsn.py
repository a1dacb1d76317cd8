"""Reads one delivered message (a maildir file) with Python's email package and prints what an
RFC 3464 reader sees, as one JSON object; PostfixMxInteropIT asserts on it.

    read_dsn.py FILE

Uses Debian's /usr/bin/python3 and the standard library only. The message is parsed with the
default policy (RFC 5322/6532 aware), so a malformed report shows up as defects or a wrong
structure rather than being repaired silently.
"""
import email
import email.policy
import json
import sys


def fields(block):
    return {name: str(value) for name, value in block.items()}


def main(path):
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    parts = list(message.iter_parts()) if message.is_multipart() else []
    result = {
        "content_type": message.get_content_type(),
        "report_type": message.get_param("report-type"),
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "")),
        "subject": str(message.get("Subject", "")),
        "return_path": str(message.get("Return-Path", "")),
        "auto_submitted": str(message.get("Auto-Submitted", "")),
        "defects": [type(d).__name__ for d in message.defects],
        "part_types": [p.get_content_type() for p in parts],
        "explanation": "",
        "per_message": {},
        "per_recipient": [],
        "returned_subject": "",
        "returned_message_id": "",
    }
    for part in parts:
        kind = part.get_content_type()
        if kind == "text/plain" and not result["explanation"]:
            result["explanation"] = part.get_content()
        elif kind == "message/delivery-status":
            # email gives the blocks of a delivery-status body as a list of header blocks:
            # the per-message fields first, then one block per recipient (RFC 3464 section 2.1).
            blocks = part.get_payload()
            if blocks:
                result["per_message"] = fields(blocks[0])
                result["per_recipient"] = [fields(b) for b in blocks[1:]]
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            if kind == "message/rfc822":
                returned = part.get_payload()[0]
            else:
                returned = email.message_from_string(part.get_content(), policy=email.policy.default)
            result["returned_subject"] = str(returned.get("Subject", ""))
            result["returned_message_id"] = str(returned.get("Message-ID", ""))
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
