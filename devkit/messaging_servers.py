"""Real parts at the messaging edges: an SMTP server (aiosmtpd) and a fake of Twilio's
HTTP API, both on 127.0.0.1 and free ports, and the secrets file pointing at them."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

ACCOUNT = "AC" + "0" * 32


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """What the SMTP server received; refuse = "550 …" makes it refuse recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], Message]] = []
        self.peers: list[object] = []  # the client's address of each mail: its connection
        self.refuse: str | None = None
        self.refuse_only: str | None = None  # refuse this recipient only
        self.arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse and (self.refuse_only is None or address == self.refuse_only):
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.arrived:
            self.peers.append(session.peer)
            self.received.append(
                (
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    message_from_bytes(envelope.content, policy=policy.default),
                )
            )
            self.arrived.notify_all()
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[tuple[str, list[str], Message]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
        return list(self.received)


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on loopback, stopped afterwards."""
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


class FakeTwilio:
    """Twilio's Messages endpoint as the client sees it; mode: ok, invalid_number, down."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.mode = "ok"
        # What the shop's number received: (sid, from, body, RFC 2822 date).
        self.inbound: list[tuple[str, str, str, str]] = []
        self.listed: list[str] = []


@contextmanager
def twilio_server() -> Iterator[tuple[FakeTwilio, int]]:
    """A local HTTP server answering like api.twilio.com, stopped afterwards."""
    fake = FakeTwilio()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            fake.listed.append(self.path)
            messages = [
                {
                    "sid": sid,
                    "account_sid": ACCOUNT,
                    "from": sender,
                    "to": "+33600000000",
                    "body": body,
                    "direction": "inbound",
                    "status": "received",
                    "date_sent": sent,
                }
                for sid, sender, body, sent in reversed(fake.inbound)  # newest first
            ]
            self._answer(200, {"messages": messages, "next_page_uri": None, "page": 0})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            fake.requests.append({"path": self.path, **form})
            if fake.mode == "down":
                self._answer(500, {"message": "Internal Server Error", "status": 500})
            elif fake.mode == "invalid_number":
                self._answer(
                    400,
                    {
                        "code": 21211,
                        "message": f"The 'To' number {form.get('To')} is not a valid phone number.",
                        "more_info": "https://www.twilio.com/docs/errors/21211",
                        "status": 400,
                    },
                )
            else:
                sid = f"SM{len(fake.requests):032d}"
                self._answer(
                    201,
                    {
                        "sid": sid,
                        "account_sid": ACCOUNT,
                        "to": form.get("To"),
                        "from": form.get("From"),
                        "body": form.get("Body"),
                        "status": "queued",
                        "num_segments": "1",
                    },
                )

        def _answer(self, status: int, payload: dict) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def write_secrets(path: Path, smtp_port: int | None, twilio_port: int | None) -> Path:
    """A secrets.toml with the channels pointed at the local servers."""
    lines = []
    if smtp_port:
        lines += [
            "[smtp]",
            'host = "127.0.0.1"',
            f"port = {smtp_port}",
            'security = "none"',
            'sender_name = "Cycles du Comptoir"',
            'sender_address = "atelier@comptoir.example"',
        ]
    if twilio_port:
        lines += [
            "[twilio]",
            f'account_sid = "{ACCOUNT}"',
            'auth_token = "test-token"',
            'from_number = "+33600000000"',
            f'api_base = "http://127.0.0.1:{twilio_port}"',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
