"""SMTP client checks for Steward's interop tests, run with Debian's /usr/bin/python3.

Usage: smtp_client.py MODE PORT; prints one JSON object on stdout. Modes:
  send3      smtplib send_message() to three recipients
  pipelined  raw socket: MAIL, 3 x RCPT and DATA in one write (RFC 2920), then the message and QUIT
  utf8       smtplib sendmail() with SMTPUTF8 and a UTF-8 recipient local part (RFC 6531)
  refused    smtplib send_message() from outside the app domain: expects SMTPSenderRefused
"""
import json
import smtplib
import socket
import sys
from email.message import EmailMessage

HOST = "127.0.0.1"
SENDER = "app@app.example.test"
TIMEOUT = 20


def new_message(sender, recipients, subject, body):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject
    msg["Message-ID"] = "<%s@app.example.test>" % subject.replace(" ", "-")
    msg.set_content(body)
    return msg


def send3(port):
    recipients = ["one@example.test", "two@example.test", "three@example.test"]
    with smtplib.SMTP(HOST, port, local_hostname="client.example.test", timeout=TIMEOUT) as smtp:
        code, _ = smtp.ehlo()
        features = sorted(smtp.esmtp_features)
        refused = smtp.send_message(new_message(SENDER, recipients, "three recipients", "Hello three.\n"))
    return {"ehlo": code, "features": features, "refused": {k: [v[0], v[1].decode()] for k, v in refused.items()},
            "recipients": recipients}


def read_reply(stream):
    """One (possibly multi-line) reply: (code, [texts])."""
    texts = []
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("connection closed while reading a reply")
        line = line.decode("utf-8", "replace").rstrip("\r\n")
        texts.append(line[4:])
        if len(line) < 4 or line[3] != "-":
            return int(line[:3]), texts


def pipelined(port):
    recipients = ["p1@example.test", "p2@example.test", "p3@example.test"]
    with socket.create_connection((HOST, port), timeout=TIMEOUT) as sock:
        stream = sock.makefile("rb")
        greeting = read_reply(stream)
        sock.sendall(b"EHLO client.example.test\r\n")
        ehlo = read_reply(stream)
        keywords = [t.split(" ")[0].upper() for t in ehlo[1][1:]]
        batch = "MAIL FROM:<%s>\r\n" % SENDER + "".join("RCPT TO:<%s>\r\n" % r for r in recipients) + "DATA\r\n"
        sock.sendall(batch.encode("ascii"))  # one write: the whole group, as RFC 2920 allows
        group = [read_reply(stream) for _ in range(2 + len(recipients))]
        message = ("From: %s\r\nTo: p1@example.test\r\nSubject: pipelined\r\n"
                   "Message-ID: <pipelined@app.example.test>\r\n\r\nPipelined body.\r\n" % SENDER)
        sock.sendall(message.encode("ascii") + b".\r\nQUIT\r\n")  # end of data and QUIT together
        final = read_reply(stream)
        quit_reply = read_reply(stream)
    return {"greeting": greeting[0], "ehlo_keywords": keywords,
            "group": [[c, " ".join(t)] for c, t in group],
            "final": [final[0], " ".join(final[1])], "quit": quit_reply[0], "recipients": recipients}


def utf8(port):
    recipient = "jörg.müller@example.test"
    body = "Grüße aus Gent — UTF-8 all the way.\r\n"
    data = ("From: %s\r\nTo: %s\r\nSubject: Grüße\r\nMessage-ID: <utf8@app.example.test>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            "\r\n%s" % (SENDER, recipient, body)).encode("utf-8")
    with smtplib.SMTP(HOST, port, local_hostname="client.example.test", timeout=TIMEOUT) as smtp:
        smtp.ehlo()
        supports = smtp.has_extn("smtputf8")
        refused = smtp.sendmail(SENDER, [recipient], data, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    return {"smtputf8": supports, "refused": {k: [v[0], v[1].decode()] for k, v in refused.items()},
            "recipient": recipient, "body": body}


def refused(port):
    with smtplib.SMTP(HOST, port, local_hostname="client.example.test", timeout=TIMEOUT) as smtp:
        try:
            smtp.send_message(new_message("app@other.example", ["bob@example.test"], "refused", "No.\n"))
        except smtplib.SMTPSenderRefused as e:
            return {"exception": "SMTPSenderRefused", "code": e.smtp_code, "text": e.smtp_error.decode(),
                    "sender": e.sender}
        except smtplib.SMTPException as e:
            return {"exception": type(e).__name__, "text": str(e)}
    return {"exception": None}


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    try:
        result = {"send3": send3, "pipelined": pipelined, "utf8": utf8, "refused": refused}[mode](port)
    except (smtplib.SMTPException, OSError, EOFError) as e:  # reported, so the test can show it
        result = {"error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(result, ensure_ascii=False))
