"""`browse`: the SQLite export in Datasette (pip extra `browse`), on 127.0.0.1, with the generated metadata."""

from __future__ import annotations

import importlib.util
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .datasette_metadata import write_metadata
from .sqlite import export_sqlite

MISSING = "browse needs Datasette: pip install 'vostochny-summit[browse]'"
DB_NAME = "vostochny-summit"


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> bool:
    """Whether the server answered `url` before it exited or the time ran out."""
    import urllib.error
    import urllib.request  # here: every command that lists the formats imports this module

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    return False


def wait_for(server: subprocess.Popen) -> int:
    """The server's exit code, waiting in short steps. A plain server.wait() blocks the main thread in waitpid(), and
    a Ctrl-C that the kernel hands to another thread of this process (the libraries' C++ threads do not block signals)
    then never interrupts it: Python's handler runs only when the main thread returns to Python, which these steps
    guarantee within tens of milliseconds."""
    while True:
        try:
            return server.wait(0.5)
        except subprocess.TimeoutExpired:
            continue


def browse(root=None, port: int = 8001, host: str = "127.0.0.1") -> int:
    """Serve the package in Datasette until Ctrl-C (exit 130) or SIGTERM; the temporary files go with it.
    A reader: the seal is checked first."""
    from ..api import MissingExtra
    from ..seal import open_sealed

    if importlib.util.find_spec("datasette") is None:
        raise MissingExtra(MISSING)
    pkg = open_sealed(root)
    if port == 0:
        port = free_port(host)
    elif not port_is_free(host, port):
        raise OSError(f"port {port} on {host} is in use: pass another with --port, or --port 0 for a free one")
    with tempfile.TemporaryDirectory(prefix="vostochny-summit-browse-") as tmp:
        db = export_sqlite(Path(tmp) / f"{DB_NAME}.db", pkg)
        meta = write_metadata(pkg, db)
        cmd = [sys.executable, "-m", "datasette", "serve", "--immutable", str(db), "--metadata", str(meta),
               "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "5000"]
        log = open(Path(tmp) / "datasette.log", "wb")
        # its own session: Ctrl-C reaches this process only, which stops the server and cleans up quietly
        server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: server.terminate())
        try:
            base = f"http://{host}:{port}"
            if not wait_until_serving(f"{base}/-/versions.json", server):
                log.flush()
                tail = (Path(tmp) / "datasette.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
                print(f"error: Datasette did not start: {' / '.join(tail) or 'no output'}", file=sys.stderr)
                return 2
            print(f"Datasette serving {pkg.descriptor.get('name')} {pkg.version} at {base}/{DB_NAME} (Ctrl-C stops it)",
                  flush=True)
            return wait_for(server)
        except KeyboardInterrupt:
            return 130
        finally:
            signal.signal(signal.SIGTERM, previous)
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            log.close()
