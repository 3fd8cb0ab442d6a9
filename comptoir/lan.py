"""The shop's other devices: HTTPS through Caddy in front of the app, and systemd units.

Streamlit stays on loopback; Caddy (Debian's `caddy`) terminates TLS with its own
local certificate authority (`tls internal`) kept in the data folder, passes the
websockets, sets HSTS and no-sniff, and bounds uploads to what the app accepts.
Plain HTTP gets no app: Caddy's redirect listener is off and Streamlit is not on the LAN.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from comptoir import home
from comptoir import serve as app_server

ADMIN = "127.0.0.1:2019"


def caddy_folder(data: Path | None = None) -> Path:
    """Caddy's state (its local CA and certificates), inside the data folder."""
    return (data or home.data_folder()) / "caddy"


def root_certificate(data: Path | None = None) -> Path:
    """The local CA's certificate, to install on the shop's tablets and PCs."""
    return caddy_folder(data) / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"


# A host name, nothing else: the name is written into Caddy's configuration.
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


def caddyfile(name: str, https_port: int, app_port: int, admin: str = ADMIN) -> str:
    """The Caddyfile for one shop: NAME served over HTTPS, the app behind it."""
    if not _HOST.fullmatch(name):
        raise SystemExit(f"refused: {name!r} is not a host name (letters, digits, dots, dashes)")
    site = name if https_port == 443 else f"{name}:{https_port}"
    return f"""{{
\tadmin {admin}
\t# No HTTP listener that redirects: plain HTTP from another machine gets no app.
\tauto_https disable_redirects
\tskip_install_trust
}}

https://{site} {{
\ttls internal
\theader {{
\t\tStrict-Transport-Security "max-age=31536000"
\t\tX-Content-Type-Options "nosniff"
\t\tReferrer-Policy "same-origin"
\t\t-Server
\t}}
\trequest_body {{
\t\tmax_size {app_server.MAX_UPLOAD_MB}MB
\t}}
\treverse_proxy 127.0.0.1:{app_port}
}}
"""


def caddy_environment(data: Path | None = None) -> dict[str, str]:
    """Caddy's environment: its data and configuration inside the data folder."""
    folder = caddy_folder(data)
    return {
        **os.environ,
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
    }


def write_caddyfile(name: str, https_port: int, app_port: int, admin: str = ADMIN) -> Path:
    """Write the Caddyfile into the data folder; its path."""
    folder = caddy_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "Caddyfile"
    path.write_text(caddyfile(name, https_port, app_port, admin), encoding="utf-8")
    return path


def caddy_binary() -> str:
    """Debian's caddy, or a clear refusal."""
    found = shutil.which("caddy")
    if found is None:
        raise SystemExit("refused: Caddy is not installed (Debian: sudo apt install caddy)")
    return found


def start_caddy(config: Path, admin: str = ADMIN) -> subprocess.Popen[bytes] | None:
    """Reload a running Caddy with this configuration, else start one; the process
    started (None when an existing one took the new configuration)."""
    binary, env = caddy_binary(), caddy_environment()
    reload = [binary, "reload", "--config", str(config), "--adapter", "caddyfile"]
    reloaded = subprocess.run(
        [*reload, "--address", admin], env=env, capture_output=True, timeout=30
    )
    if reloaded.returncode == 0:
        return None
    run = [binary, "run", "--config", str(config), "--adapter", "caddyfile"]
    return subprocess.Popen(run, env=env)


def default_name() -> str:
    """This machine's name, as the shop's devices reach it on the LAN."""
    return socket.gethostname()


def serve(name: str, app_port: int, https_port: int, flags: list[str]) -> int:
    """Caddy in front, Streamlit on loopback; until stopped."""
    chosen = name or default_name()
    config = write_caddyfile(chosen, https_port, app_port)
    caddy = start_caddy(config)
    address = chosen if https_port == 443 else f"{chosen}:{https_port}"
    print(f"The shop's devices open https://{address}/")
    print(f"Trust this certificate on each of them once: {root_certificate()}")
    print("  (iPad/iPhone: AirDrop or e-mail it, install the profile, then Settings >")
    print("   General > About > Certificate Trust Settings; Android: Settings > Security >")
    print("   Encryption & credentials > Install a certificate > CA certificate)")
    try:
        return serve_app(flags)
    finally:
        if caddy is not None:
            caddy.terminate()
            caddy.wait(timeout=30)


def serve_app(flags: list[str]) -> int:
    """The app itself, on loopback."""
    return app_server.run(flags)


def write_units(
    out: Path,
    user: str,
    data: Path,
    app_port: int,
    lan_name: str | None,
    backup_at: str | None = None,
) -> list[Path]:
    """systemd units for the app (and Caddy's site with --lan, and a timer running
    `comptoir backup` with backup_at, for a PostgreSQL chain); the files written."""
    if any(ch in str(data) for ch in "\n\r\0"):
        raise SystemExit("refused: the data folder's path holds a line break")
    out.mkdir(parents=True, exist_ok=True)
    command = f"{sys.executable} -m comptoir --data {data} serve --port {app_port}"
    hardening = (
        f"User={user}\nGroup={user}\n"
        "NoNewPrivileges=yes\nProtectSystem=strict\nProtectHome=read-only\nPrivateTmp=yes\n"
        f"ReadWritePaths={data}\nUMask=0077\n"
    )
    app = out / "comptoir.service"
    app.write_text(
        "[Unit]\nDescription=Comptoir, the shop's customer back office\n"
        "After=network-online.target\nWants=network-online.target\n\n"
        "[Service]\nType=simple\n"
        f"Environment=COMPTOIR_HOME={data}\nExecStart={command}\n"
        "Restart=on-failure\nRestartSec=5\n"
        f"{hardening}\n"
        "[Install]\nWantedBy=multi-user.target\n",
        encoding="utf-8",
    )
    written = [app]
    if lan_name is not None:
        config = caddy_folder(data) / "Caddyfile"
        (caddy_folder(data)).mkdir(mode=0o700, parents=True, exist_ok=True)
        config.write_text(caddyfile(lan_name or default_name(), 443, app_port), encoding="utf-8")
        env = caddy_environment(data)
        proxy = out / "comptoir-https.service"
        proxy.write_text(
            "[Unit]\nDescription=Comptoir over HTTPS for the shop's devices (Caddy)\n"
            "After=network-online.target comptoir.service\nWants=network-online.target\n\n"
            "[Service]\nType=simple\n"
            f"Environment=XDG_DATA_HOME={env['XDG_DATA_HOME']}\n"
            f"Environment=XDG_CONFIG_HOME={env['XDG_CONFIG_HOME']}\n"
            f"ExecStart={caddy_binary()} run --config {config} --adapter caddyfile\n"
            f"ExecReload={caddy_binary()} reload --config {config} --adapter caddyfile\n"
            "AmbientCapabilities=CAP_NET_BIND_SERVICE\n"
            "Restart=on-failure\nRestartSec=5\n"
            f"{hardening}\n"
            "[Install]\nWantedBy=multi-user.target\n",
            encoding="utf-8",
        )
        written.append(proxy)
    if backup_at is not None:
        # On PostgreSQL, one machine of the chain may run the dump instead of every app.
        job = out / "comptoir-backup.service"
        job.write_text(
            "[Unit]\nDescription=Comptoir backup (pg_dump, verified and rotated)\n\n"
            "[Service]\nType=oneshot\n"
            f"Environment=COMPTOIR_HOME={data}\n"
            f"ExecStart={sys.executable} -m comptoir --data {data} backup\n"
            f"{hardening}",
            encoding="utf-8",
        )
        timer = out / "comptoir-backup.timer"
        timer.write_text(
            "[Unit]\nDescription=Comptoir backup every night\n\n"
            f"[Timer]\nOnCalendar=*-*-* {backup_at}:00\nPersistent=true\n\n"
            "[Install]\nWantedBy=timers.target\n",
            encoding="utf-8",
        )
        written += [job, timer]
    return written
