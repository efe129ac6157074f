#!/usr/bin/env python3
"""SMTP capture server of the notification tests (issue #18): an aiosmtpd server on 127.0.0.1
that writes each message it accepts to a directory, as the raw message (`<n>.eml`) and a JSON
summary (`<n>.json`: Message-ID, To, From, Reply-To, Subject, the text and HTML parts decoded, the
attachments' names, types, sizes and first bytes).

A message is written only once its DATA is complete and, after the optional delay (`--delay-ms`,
a slow server), the client is still connected: like a real mail server, a message whose client
vanished before the `250` reply is not taken. During the delay the file `holding.flag` exists in
the directory (a message received, its reply not yet given): a test can kill the client then;
each message not taken because its client vanished adds a line to `gone.log`.
Prints `READY <port>` when it listens.

Usage: capture.py --dir OUT [--port 0] [--delay-ms 0]
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import sys
import uuid

from aiosmtpd.smtp import SMTP


class Capture:
    def __init__(self, out, delay):
        self.out = out
        self.delay = delay
        self.seq = 0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            flag = os.path.join(self.out, "holding.flag")
            write(flag, b"")
            try:
                await asyncio.sleep(self.delay)
            except asyncio.CancelledError:
                # The client's connection was lost while the message was held.
                gone(self.out)
                raise
            finally:
                os.remove(flag)
        transport = server.transport
        if transport is None or transport.is_closing():
            gone(self.out)
            return "451 4.3.0 client gone before the reply"
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self.seq += 1
        name = f"{self.seq:06d}-{uuid.uuid4().hex}"
        write(os.path.join(self.out, name + ".eml"), raw)
        write(
            os.path.join(self.out, name + ".json"),
            json.dumps(summary(raw, envelope.rcpt_tos), ensure_ascii=False).encode("utf-8"),
        )
        return "250 2.0.0 OK queued"


def gone(out):
    """Counts a message not taken because its client vanished before the reply (`gone.log`)."""
    with open(os.path.join(out, "gone.log"), "ab") as f:
        f.write(b"gone\n")


def write(path, data):
    """Writes atomically (a reader never sees half a file)."""
    directory, base = os.path.split(path)
    tmp = os.path.join(directory, "." + base + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def summary(raw, rcpt_tos):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text = html = None
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if part.get_filename():
            body = part.get_payload(decode=True) or b""
            attachments.append(
                {
                    "filename": part.get_filename(),
                    "content_type": ctype,
                    "size": len(body),
                    "head": body[:8].decode("latin-1"),
                }
            )
        elif ctype == "text/plain" and text is None:
            text = part.get_content()
        elif ctype == "text/html" and html is None:
            html = part.get_content()
    return {
        "message_id": msg.get("Message-ID"),
        "to": str(msg.get("To")),
        "rcpt_tos": rcpt_tos,
        "from": str(msg.get("From")),
        "reply_to": msg.get("Reply-To") and str(msg.get("Reply-To")),
        "subject": str(msg.get("Subject")),
        "content_type": msg.get_content_type(),
        "text": text,
        "html": html,
        "attachments": attachments,
    }


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--delay-ms", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    handler = Capture(a.dir, a.delay_ms / 1000.0)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="capture.test", data_size_limit=64 * 1024 * 1024),
        host="127.0.0.1",
        port=a.port,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
