#!/usr/bin/python3
"""smtp_relay.py - a real SMTP server on loopback for the mail tests and the
benchmark (Debian: python3-aiosmtpd). It keeps nothing but a JSON line per
message it accepted, as Python's own e-mail parser reads the message: what a
mail program would show (subject, sender, the plain and HTML parts decoded)
and how the message was built (MIME structure, encodings, line lengths, any
defect the parser found).

  smtp_relay.py --out FILE.jsonl --port-file FILE [--host 127.0.0.1] [--port N]
                [--tls CERT KEY] [--smtps] [--auth USER:PASSWORD]
                [--defer-first] [--reject-domain DOMAIN] [--count-only]

--tls CERT KEY   offers STARTTLS and requires it before MAIL (with --smtps: TLS
                 from the first byte instead)
--auth U:P       offers AUTH and requires it (over TLS only)
--defer-first    answers 451 to the first RCPT of every address, 250 after
--reject-domain  answers 550 to every RCPT of an address in DOMAIN
--count-only     keeps only the envelope (for the benchmark)

  smtp_relay.py --parse FILE   prints the JSON line of the message in FILE
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def describe(raw):
    """What a reader sees of the message raw (bytes), as a dict."""
    lines = raw.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = {
        "size": len(raw),
        "max_line": max((len(l) for l in lines), default=0),
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
        "eight_bit": any(b > 127 for b in raw),
    }
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [type(d).__name__ for part in msg.walk() for d in part.defects]
    out.update({
        "subject": str(msg.get("subject", "")),
        "header_block": raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace"),
        "from": str(msg.get("from", "")),
        "to": str(msg.get("to", "")),
        "message_id": str(msg.get("message-id", "")),
        "date": str(msg.get("date", "")),
        "content_language": str(msg.get("content-language", "")),
        "list_unsubscribe": str(msg.get("list-unsubscribe", "")),
        "list_unsubscribe_post": str(msg.get("list-unsubscribe-post", "")),
        "content_type": msg.get_content_type(),
        "parts": [
            {"type": p.get_content_type(), "charset": p.get_content_charset(),
             "encoding": p.get("content-transfer-encoding", "")}
            for p in msg.iter_parts()
        ] if msg.is_multipart() else [],
        "defects": defects,
    })
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    out["text"] = text.get_content() if text is not None else None
    out["html"] = html.get_content() if html is not None else None
    return out


class Handler:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.seen_rcpt = set()
        self.out = open(args.out, "a", encoding="utf-8")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        a = self.args
        if a.reject_domain and address.lower().endswith("@" + a.reject_domain.lower()):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if a.defer_first and address.lower() not in self.seen_rcpt:
            self.seen_rcpt.add(address.lower())
            return "451 4.7.1 <%s>: Recipient address deferred: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        rec = {
            "mail_from": envelope.mail_from,
            "rcpt": envelope.rcpt_tos,
            "ehlo": session.host_name,
            "tls": session.ssl is not None
                   or server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "received_at": time.time(),
        }
        if not self.args.count_only:
            try:
                rec.update(describe(envelope.original_content or envelope.content))
            except Exception as e:  # a message Python cannot read is a finding too
                rec["parse_error"] = repr(e)
        with self.lock:
            self.out.write(json.dumps(rec) + "\n")
            self.out.flush()
        return "250 2.0.0 Ok: queued"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok)
    return check


def free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument("--port-file")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--smtps", action="store_true")
    ap.add_argument("--auth")
    ap.add_argument("--defer-first", action="store_true")
    ap.add_argument("--reject-domain")
    ap.add_argument("--count-only", action="store_true")
    ap.add_argument("--parse")
    a = ap.parse_args()
    if a.parse:
        with open(a.parse, "rb") as f:
            print(json.dumps(describe(f.read())))
        return
    port = a.port or free_port(a.host)
    kw = {"hostname": a.host, "port": port, "server_hostname": "relay.test",
          "data_size_limit": 4 << 20}
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        if a.smtps:
            kw["ssl_context"] = ctx
        else:
            kw["tls_context"] = ctx
            kw["require_starttls"] = True
    if a.auth:
        user, _, password = a.auth.partition(":")
        kw["authenticator"] = authenticator(user, password)
        kw["auth_required"] = True
        kw["auth_require_tls"] = True
    controller = Controller(Handler(a), **kw)
    controller.start()
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, a.port_file)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
