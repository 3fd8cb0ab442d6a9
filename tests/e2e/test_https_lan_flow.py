"""The shop's tablet: Chromium reaches the app through Caddy over HTTPS (Caddy's local CA
trusted), signs in and opens a card; plain HTTP gets no app."""

from __future__ import annotations

import base64
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from playwright.sync_api import expect

from comptoir import lan
from comptoir.services import customers
from tests.conftest import STAFF, missing
from tests.e2e.conftest import (
    ARGS,
    CHROMIUM,
    acting,
    prepared_app,
    sign_in,
)

pytestmark = pytest.mark.e2e

NAME = "comptoir.test"  # the shop PC's name on the LAN, as the tablet types it


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _spki_hash(certificate: Path) -> str:
    """base64 SHA-256 of a certificate's public key (what Chromium's trust flag takes)."""
    key = subprocess.run(
        ["openssl", "x509", "-pubkey", "-noout", "-in", str(certificate)],
        capture_output=True,
        check=True,
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"], input=key, capture_output=True, check=True
    ).stdout
    digest = subprocess.run(
        ["openssl", "dgst", "-sha256", "-binary"], input=der, capture_output=True, check=True
    ).stdout
    return base64.b64encode(digest).decode()


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[tuple[str, int, int, dict[str, int]]]:
    """The app on loopback and Caddy in front of it, as `comptoir serve --lan` writes it."""
    if shutil.which("caddy") is None:
        missing("Caddy is not installed (Debian: apt-get install caddy)")
    folder = tmp_path_factory.mktemp("lan")
    made: dict[str, int] = {}

    def prepare() -> None:
        made["card"] = customers.create_customer(
            {"last_name": "Tablette", "first_name": "Tina", "city": "Annecy"}, STAFF
        )

    with prepared_app(folder, 10, prepare) as base:
        app_port = urlsplit(base).port
        assert app_port is not None
        https_port, admin_port = _free_port(), _free_port()
        previous = os.environ.get("COMPTOIR_HOME")
        os.environ["COMPTOIR_HOME"] = str(folder / "home")
        try:
            config = lan.write_caddyfile(NAME, https_port, app_port, f"127.0.0.1:{admin_port}")
            env = lan.caddy_environment()
        finally:
            if previous is None:
                os.environ.pop("COMPTOIR_HOME")
            else:
                os.environ["COMPTOIR_HOME"] = previous
        caddy = subprocess.Popen(
            ["caddy", "run", "--config", str(config), "--adapter", "caddyfile"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        serving = threading.Event()

        def watch() -> None:
            # Caddy logs this line once its sites listen: a condition, not a pause.
            assert caddy.stderr is not None
            with (folder / "caddy.log").open("wb") as log:
                for line in caddy.stderr:
                    log.write(line)
                    log.flush()
                    # Its site's certificate is issued just after it starts serving, then
                    # loaded into its cache, stapling OCSP on the way (a local CA has no
                    # OCSP server: Caddy 2.6 logs a warning then, the cache's last step).
                    if b"stapling OCSP" in line and NAME.encode() in line:
                        serving.set()
            serving.set()

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            assert serving.wait(60) and caddy.poll() is None, (folder / "caddy.log").read_text()
            _until_handshake(_root(str(folder / "home")), https_port)
            yield str(folder / "home"), https_port, app_port, made
        finally:
            caddy.terminate()
            caddy.wait(timeout=30)
            watcher.join(timeout=10)


def _handshake(root: Path, port: int) -> None:
    """One TLS handshake checked against the shop's CA for the shop PC's name."""
    context = ssl.create_default_context(cafile=str(root))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=NAME),
    ):
        pass


def _until_handshake(root: Path, port: int, seconds: float = 30) -> None:
    """Wait until Caddy's certificate for the shop's name is in its cache.

    Caddy logs nothing once it has put the certificate there (its last line, the OCSP
    warning, comes just before), and until then it answers the handshake with an internal
    error alert: the handshake itself is the condition, polled until a deadline."""
    deadline = time.monotonic() + seconds
    pause = threading.Event()
    while True:
        try:
            _handshake(root, port)
            return
        except ssl.SSLError as refused:
            if "INTERNAL_ERROR" not in str(refused) or time.monotonic() > deadline:
                raise
        pause.wait(0.05)


def _root(home: str) -> Path:
    return (
        lan.caddy_folder(Path(home))
        / "data"
        / "caddy"
        / "pki"
        / "authorities"
        / "local"
        / "root.crt"
    )


class _ShopName(http.client.HTTPSConnection):
    """HTTPS to the shop PC's name, which resolves to loopback here (the certificate is
    checked against the name, as on the tablet)."""

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def test_https_answers_with_a_certificate_from_the_shop_ca_and_safe_headers(proxied):
    home, https_port, _, _ = proxied
    context = ssl.create_default_context(cafile=str(_root(home)))  # the CA a tablet trusts
    connection = _ShopName(NAME, https_port, context=context, timeout=30)
    try:
        connection.request("GET", "/healthz")
        answer = connection.getresponse()
        assert answer.status == 200
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers.get("Server") is None
    finally:
        connection.close()


def test_plain_http_gets_no_app(proxied):
    _, https_port, app_port, _ = proxied
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{https_port}/", timeout=30)
    assert refused.value.code == 400
    assert b"<html" not in refused.value.read().lower()
    # The app itself listens on loopback only: another machine cannot reach it.
    listening = {
        c.laddr.ip
        for c in psutil.net_connections("inet")
        if c.status == psutil.CONN_LISTEN and c.laddr.port == app_port
    }
    assert listening == {"127.0.0.1"}


@pytest.fixture(scope="module")
def browser(proxied):
    """Chromium as on the shop's tablet: the PC's name resolves, Caddy's CA is trusted
    (conftest's `page` opens its pages here)."""
    from playwright.sync_api import sync_playwright

    home = proxied[0]
    intermediate = _root(home).with_name("intermediate.crt")
    args = [
        *ARGS,
        f"--host-resolver-rules=MAP {NAME} 127.0.0.1",
        # Trust Caddy's local CA (its intermediate's key signs the site's certificate).
        f"--ignore-certificate-errors-spki-list={_spki_hash(intermediate)}",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


def test_a_tablet_signs_in_and_opens_a_card_over_https(proxied, page):
    _, https_port, _, made = proxied
    base = f"https://{NAME}:{https_port}"
    sign_in(page, f"{base}/customer?id={made['card']}", "staff")
    expect(page.get_by_role("heading", name="Tina Tablette")).to_be_visible()
    assert page.url.startswith(f"{base}/customer")


def test_the_owner_backs_up_now_on_the_system_page(proxied, page):
    _, https_port, _, _ = proxied
    sign_in(page, f"https://{NAME}:{https_port}/system", "admin")
    expect(page.get_by_role("heading", name="System")).to_be_visible()
    expect(page.get_by_text("No verified backup yet")).to_be_visible()
    acting(page, page.get_by_role("button", name="Back up now").click)
    expect(
        page.get_by_text(
            re.compile(r"^Backup made and verified: comptoir-\d{8}-\d{6}-manual\.zip$")
        )
    ).to_be_visible()
    expect(page.get_by_text("No verified backup yet")).to_have_count(0)
    expect(page.get_by_role("cell", name="Made by hand")).to_have_count(1)
