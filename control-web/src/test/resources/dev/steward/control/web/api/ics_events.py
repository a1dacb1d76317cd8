"""Reads maintenance calendars with Python's icalendar (Debian python3-icalendar) and prints JSON.

Usage: ics_events.py FILE...   A FILE ending in .eml is a whole e-mail (parsed with the email
package; its text/calendar attachment is read); any other FILE is an .ics document.

Prints one JSON object: {"files": [{"file", "calendar": {version, prodid, method, calscale},
"events": [{uid, start, end, summary, description}], "longest_line", "mime": {...}}]} with times as
ISO 8601 UTC; or {"error": "..."} (exit status 1) when something cannot be read.
"""
import email
import email.policy
import json
import sys

import icalendar


def read_calendar(raw):
    longest = max(len(line) for line in raw.split(b"\r\n"))
    bare_lf = raw.replace(b"\r\n", b"").count(b"\n")
    calendar = icalendar.Calendar.from_ical(raw.decode("utf-8"))
    events = []
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        events.append({
            "uid": str(event.get("UID")),
            "start": start.astimezone().isoformat() if start.tzinfo is None else start.isoformat(),
            "end": end.isoformat(),
            "utc": start.utcoffset().total_seconds() == 0 and end.utcoffset().total_seconds() == 0,
            "stamp": event.decoded("DTSTAMP").isoformat(),
            "summary": str(event.get("SUMMARY")),
            "description": str(event.get("DESCRIPTION", "")),
        })
    return {
        "calendar": {
            "version": str(calendar.get("VERSION")),
            "prodid": str(calendar.get("PRODID")),
            "method": str(calendar.get("METHOD")),
            "calscale": str(calendar.get("CALSCALE")),
        },
        "events": events,
        "longest_line": longest,
        "bare_lf": bare_lf,
    }


def main(paths):
    files = []
    for path in paths:
        with open(path, "rb") as handle:
            raw = handle.read()
        if path.endswith(".eml"):
            message = email.message_from_bytes(raw, policy=email.policy.default)
            text = message.get_body(preferencelist=("plain",))
            attachments = [part for part in message.iter_attachments()
                           if part.get_content_type() == "text/calendar"]
            if len(attachments) != 1:
                raise ValueError("expected one text/calendar attachment, found %d" % len(attachments))
            attachment = attachments[0]
            result = read_calendar(attachment.get_payload(decode=True))
            result["mime"] = {
                "type": message.get_content_type(),
                "subject": str(message["Subject"]),
                "text": text.get_content(),
                "text_charset": text.get_content_charset(),
                "filename": attachment.get_filename(),
                "calendar_method": attachment.get_param("method"),
                "calendar_charset": attachment.get_content_charset(),
                "defects": [str(d) for d in message.defects] + [str(d) for part in message.walk() for d in part.defects],
            }
        else:
            result = read_calendar(raw)
        result["file"] = path
        files.append(result)
    print(json.dumps({"files": files}))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Exception as failure:  # report anything as JSON, for the test's message
        print(json.dumps({"error": "%s: %s" % (type(failure).__name__, failure)}))
        sys.exit(1)
