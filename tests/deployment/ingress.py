"""Debian's nginx as an ingress: TLS terminated on a port per service, requests passed to
the services over plain HTTP, WebSockets upgraded, as ingress-nginx configures it
(`server_tokens off`, HTTP/1.1 upstream with `Connection: close` unless upgrading,
request bodies buffered up to 16 MB)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from runeframe_process import any_free_port, die_with_parent, port_free, stop

SERVER = """
    server {{
        listen 127.0.0.1:{port} ssl;
        location / {{
            proxy_pass {upstream};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 120s;
        }}
    }}"""

CONFIG = """
worker_processes 1;
daemon off;
user root;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    server_tokens off;
    client_max_body_size 16m;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
{servers}
}}
"""


class Ingress:
    def __init__(self, nginx: str, cert: Path, key: Path, folder: Path) -> None:
        self.nginx = nginx
        self.cert = cert
        self.key = key
        self.folder = folder / "nginx"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, upstreams: dict[str, str], within: float = 10.0) -> dict[str, str]:
        """Serve each upstream on a port of its own; the services' https URLs."""
        self.folder.mkdir(exist_ok=True)
        ports = {name: any_free_port() for name in upstreams}
        servers = "".join(
            SERVER.format(port=ports[name], upstream=url) for name, url in upstreams.items()
        )
        config = self.folder / "nginx.conf"
        config.write_text(
            CONFIG.format(folder=self.folder, cert=self.cert, key=self.key, servers=servers)
        )
        with (self.folder / "out.log").open("ab") as log:
            self.process = subprocess.Popen(
                [self.nginx, "-c", str(config)], stdout=log, stderr=log, preexec_fn=die_with_parent
            )
        deadline = time.monotonic() + within
        while any(port_free(port) for port in ports.values()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                said = (self.folder / "error.log").read_text(errors="replace")[-500:]
                raise RuntimeError(f"nginx did not start: {said}")
            time.sleep(0.05)
        return {name: f"https://127.0.0.1:{port}" for name, port in ports.items()}

    @property
    def errors(self) -> str:
        return (self.folder / "error.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, 5)
