"""nginx (Debian's) as a plain reverse proxy in front of the receiver: the floor of any proxy on this machine. One
process (no master), keep-alive connections to the upstream, no access log."""

from __future__ import annotations

from pathlib import Path

CONFIG = """
worker_processes 1;
master_process off;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_max_body_size 8m;
    client_body_temp_path {workdir}/nginx-temp/body;
    proxy_temp_path {workdir}/nginx-temp/proxy;
    fastcgi_temp_path {workdir}/nginx-temp/fastcgi;
    uwsgi_temp_path {workdir}/nginx-temp/uwsgi;
    scgi_temp_path {workdir}/nginx-temp/scgi;
    upstream receiver {{ server {upstream}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://receiver;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


def nginx_config(workdir: Path, port: int, upstream: str) -> Path:
    """Writes the configuration for a proxy on `port` to `upstream` (host:port) and returns its path."""
    (workdir / "nginx-temp").mkdir(exist_ok=True)
    path = workdir / "nginx.conf"
    path.write_text(CONFIG.format(workdir=workdir, port=port, upstream=upstream))
    return path
