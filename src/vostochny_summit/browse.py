"""`browse`: the SQLite export in Datasette (pip extra `browse`), on 127.0.0.1, with the generated metadata."""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from .datasette_metadata import write_metadata
from .package import Package
from .sqlite_db import export_sqlite

MISSING = "browse needs Datasette: pip install 'vostochny-summit[browse]'"
DB_NAME = "vostochny-summit"


def browse(port: int = 8001, root=None) -> int:
    if importlib.util.find_spec("datasette") is None:
        print(MISSING, file=sys.stderr)
        return 1
    pkg = Package(root)
    with tempfile.TemporaryDirectory(prefix="vostochny-summit-browse-") as tmp:
        db = export_sqlite(Path(tmp) / f"{DB_NAME}.db", pkg.root)
        meta = write_metadata(pkg, db)
        cmd = [sys.executable, "-m", "datasette", "serve", "--immutable", str(db), "--metadata", str(meta),
               "--host", "127.0.0.1", "--port", str(port), "--setting", "sql_time_limit_ms", "5000"]
        server = subprocess.Popen(cmd)
        print(f"Datasette serving {pkg.descriptor.get('name')} {pkg.version} at http://127.0.0.1:{port}/{DB_NAME} "
              f"(Ctrl-C stops it)", flush=True)

        def stop(signum, frame):
            server.terminate()

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            return server.wait()
        except KeyboardInterrupt:
            server.terminate()
            return server.wait()
        finally:
            signal.signal(signal.SIGTERM, previous)
            if server.poll() is None:
                server.kill()
