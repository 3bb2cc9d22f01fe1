"""Malicious and malformed input against every endpoint of a real offsign-server process:
schemathesis generates requests from /openapi.json (schema-valid and invalid ones) and checks
that the server never fails with a 5xx, answers with the documented status codes and shapes,
and keeps answering. Afterwards the server is alive and its database holds no record.

`positive_data_acceptance` is excluded: a schema cannot say which strings are valid
signatures, so schema-valid requests carrying random "JWS" are rightly refused with 400/403.
"""
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(os.environ.get("OFFSIGN_SERVER_BIN", ROOT / "target/debug/offsign-server"))


@pytest.fixture()
def server():
    folder = tempfile.mkdtemp(prefix="offsign-fuzz-")
    db = Path(folder) / "offsign.db"
    process = subprocess.Popen(
        [str(SERVER), "--db", str(db), "--addr", "127.0.0.1:0", "--rate-limit", "0",
         "--www", str(ROOT / "www"), "--pkg", str(ROOT / "pkg")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    assert "listening on" in line, line
    url = line.split("listening on ")[1].strip().rstrip("/")
    yield url, db
    process.terminate()
    process.wait(timeout=10)


def test_generated_requests_never_break_the_server(server):
    url, db = server
    started = time.monotonic()
    run = subprocess.run(
        ["schemathesis", "run", f"{url}/openapi.json", "--checks", "all",
         "--exclude-checks", "positive_data_acceptance", "--max-examples", "100",
         "--generation-deterministic", "--request-timeout", "10"],
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "passed" in run.stdout
    assert time.monotonic() - started < 600
    with urllib.request.urlopen(f"{url}/healthz") as response:
        assert json.load(response)["status"] == "ok"
    assert sqlite3.connect(db).execute("SELECT count(*) FROM records").fetchone() == (0,)
