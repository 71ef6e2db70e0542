"""`vostochny-summit browse`: Datasette on a free local port, its JSON API, and the contested-claims query in headless
Chromium. Set VS_UPDATE_SCREENSHOT=1 to rewrite docs/browse.png (CI leaves it alone, so the tree stays clean)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from .helpers import ROOT, read_csv, read_rows, require

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI"):
        pytest.fail("no Chromium on PATH: .ci/run installs Debian's chromium package")
    pytest.skip("no Chromium on PATH (apt-get install chromium)")


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def server():
    """`vostochny-summit browse` in its own process group; stopped (the whole group) when the tests end."""
    require("datasette")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "vostochny_summit.cli", "browse", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        first = proc.stdout.readline()
        assert first.startswith("package "), first  # the package it serves, before anything else
        line = proc.stdout.readline()  # printed only once the server answers
        url = next(w for w in line.split() if w.startswith("http://"))
        assert url.startswith(f"http://127.0.0.1:{port}/"), line
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"http://127.0.0.1:{port}/-/versions.json")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "Datasette did not start"
                time.sleep(0.3)
        yield url.rstrip("/")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def contested_ids() -> set[str]:
    return {r["claim_id"] for r in read_rows(ROOT, "claims") if r["status"] == "contested"}


@pytest.mark.slow(cost=3, setup="browse")
def test_json_api_serves_the_tables_search_and_metadata(server, pkg):
    tables = {t["name"]: t for t in get(f"{server}.json")["tables"]}
    for name, t in pkg.tables.items():
        assert tables[name]["count"] == len(read_csv(t.csv_path)), name
    rows = get(f"{server}/claims.json?_shape=array&_size=max&status=contested")
    assert {r["claim_id"] for r in rows} == contested_ids()
    hits = get(f"{server}/claims.json?_shape=array&_search=satellite")
    assert hits and all("satellite" in r["statement"].lower() for r in hits)
    meta = get(server.rsplit("/", 1)[0] + "/-/metadata.json")
    assert meta["title"] == pkg.descriptor["title"]


@pytest.mark.slow(cost=4, setup="browse")
def test_contested_claims_query_renders_every_contested_claim_in_chromium(server, tmp_path):
    browser = chromium()
    page = f"{server}/contested-claims"
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    try:
        dom = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page],
                             capture_output=True, text=True, timeout=120).stdout
        assert "Which claims are contested" in dom
        missing = {cid for cid in contested_ids() if f">{cid}<" not in dom}
        assert not missing, f"contested claims not shown: {missing}"
        shot = tmp_path / "browse.png"
        subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}",
                        "--window-size=1280,900", "--hide-scrollbars", page], capture_output=True, timeout=120)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if os.environ.get("VS_UPDATE_SCREENSHOT"):
            shutil.copyfile(shot, ROOT / "docs" / "browse.png")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_missing_extra_names_the_pip_command(monkeypatch, capsys):
    import importlib.util

    from vostochny_summit.exports import browse

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a))
    from vostochny_summit.api import MissingExtra

    with pytest.raises(MissingExtra, match=r"pip install 'vostochny-summit\[browse\]'"):
        browse.browse(port=free_port())
