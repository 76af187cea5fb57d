"""A real HTTP server for the download tests: Debian's nginx on a loopback port.

Started with a temporary config as an unprivileged master (no root needed to run it), serving
a folder; ``/norange/`` ignores Range requests (``max_ranges 0``), ``/slow/`` sends slowly
(``limit_rate``) so a client can be cut mid-file, ``/broken/`` answers 500. Stopped by its pid
file. Never the internet.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def nginx(root: Path, work: Path):
    """Serve ``root`` on http://127.0.0.1:PORT; yields the base URL."""
    assert NGINX is not None
    port = _free_port()
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    # As root, nginx's workers would drop to an account that cannot read pytest's private
    # temporary folders; the test server serves only them, on loopback.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
daemon on;
pid {work}/nginx.pid;
error_log {work}/error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location /norange/ {{ alias {root}/; max_ranges 0; }}
        location /slow/ {{ alias {root}/; limit_rate 64k; }}
        location /broken/ {{ return 500; }}
    }}
}}
""")
    subprocess.run([NGINX, "-c", str(conf), "-p", str(work)], check=True, capture_output=True)
    pid_file = work / "nginx.pid"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(OSError, ValueError):
            pid = int(pid_file.read_text())
            os.kill(pid, signal.SIGQUIT)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.05)
