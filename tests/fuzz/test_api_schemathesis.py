"""Malicious and malformed input against every endpoint of a real offsign-server process:
schemathesis generates requests from /openapi.json (schema-valid and invalid ones) and checks
that the server never fails with a 5xx, answers with the documented status codes and shapes,
and keeps answering. Afterwards the server is alive and its database holds no record.

Each run writes schemathesis's own reports (JSON run report, JUnit, VCR cassette of every
request and response), and the tests read them: how many operations were tested, how many
test cases were generated, that none failed or errored, and what each response was.

A second run goes to a server started with a small rate limit (`--rate-limit 2`: 2 requests a
second, bursts of 4), so that nearly every request is answered 429: it proves that each
operation's documented 429 is really what the server sends (status, content type, the
`Refused` body: `rate_limited`) and that every 429 carries a `Retry-After` of whole seconds.

`positive_data_acceptance` is excluded: a schema cannot say which strings are valid
signatures, so schema-valid requests carrying random "JWS" are rightly refused with 400/403.
"""
import contextlib
import json
import os
import re
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(os.environ.get("OFFSIGN_SERVER_BIN", ROOT / "target/debug/offsign-server"))
# schemathesis skips the operation that serves the schema it was loaded from.
SCHEMA_PATH = "/openapi.json"


@contextlib.contextmanager
def running_server(*args):
    folder = tempfile.mkdtemp(prefix="offsign-fuzz-")
    db = Path(folder) / "offsign.db"
    process = subprocess.Popen(
        [str(SERVER), "--db", str(db), "--addr", "127.0.0.1:0", *args,
         "--www", str(ROOT / "www"), "--pkg", str(ROOT / "pkg")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert "listening on" in line, line
        yield line.split("listening on ")[1].strip().rstrip("/"), db
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture()
def server():
    with running_server("--rate-limit", "0") as started:
        yield started


def operations(schema):
    """Every operation of an OpenAPI document, as schemathesis labels them ("GET /healthz")."""
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item if method in methods}


def responses(schema, operation):
    """The documented responses of an operation ("GET /healthz"), by status."""
    method, path = operation.split(" ", 1)
    return schema["paths"][path][method.lower()]["responses"]


def schemathesis(location, reports, *args, exclude=()):
    """Runs `schemathesis run` with its JSON, JUnit and VCR reports in `reports`; returns the
    finished process, the JSON run report, the JUnit test cases by operation (None when the
    case passed, else its failure or error text) and the VCR interactions."""
    paths = {kind: reports / f"report.{ext}" for kind, ext in (("json", "json"), ("junit", "xml"), ("vcr", "yaml"))}
    run = subprocess.run(
        ["schemathesis", "run", location, "--checks", "all", "--exclude-checks", ",".join(("positive_data_acceptance", *exclude)),
         "--generation-deterministic", "--request-timeout", "10", "--workers", "1",
         "--report", "json,junit,vcr", "--report-json-path", str(paths["json"]),
         "--report-junit-path", str(paths["junit"]), "--report-vcr-path", str(paths["vcr"]), *args],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": str(Path(__file__).parent)})
    output = run.stdout[-4000:] + run.stderr[-2000:]
    for kind, path in paths.items():
        assert path.is_file(), f"no {kind} report: {output}"
    report = json.loads(paths["json"].read_text())
    cases = {}
    for case in ElementTree.parse(paths["junit"]).getroot().iter("testcase"):
        trouble = [f"{child.tag}: {child.get('message') or ''} {child.text or ''}".strip() for child in case if child.tag in ("failure", "error")]
        cases[case.get("name")] = "\n".join(trouble) or None
    interactions = yaml.load(paths["vcr"].read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["http_interactions"] or []
    return run, output, report, cases, interactions


def label(interaction, operations):
    """The operation ("GET /v1/evidence/{id}/{kind}") whose path template the request's path
    fills; the path itself when none does."""
    request = interaction["request"]
    path = urlsplit(request["uri"]).path
    for operation in sorted(operations):
        method, template = operation.split(" ", 1)
        pattern = "".join("[^/]*" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]+\})", template))
        if method == request["method"] and re.fullmatch(pattern, path):
            return operation
    return f"{request['method']} {path}"


def assert_clean_run(run, output, report, cases, interactions, expected_operations):
    """What every run must show: all expected operations tested, test cases generated and sent,
    no failure and no error anywhere."""
    assert run.returncode == 0, output
    assert (report["exit_code"], report["complete"], report["stop_reason"]) == (0, True, "completed"), output
    assert report["operations"]["tested"] == len(expected_operations) > 0, (report["operations"], output)
    assert report["operations"]["errored"] == 0, (report["operations"], output)
    assert report["test_cases"]["generated"] > 0, (report["test_cases"], output)
    assert report["test_cases"]["with_failures"] == 0 and report["test_cases"]["errored"] == 0, (report["test_cases"], output)
    assert report["failures"] == [] and report["errors"] == [], (report["failures"], report["errors"], output)
    # Beside one case per operation, the stateful phase has its own when schemathesis finds
    # links between operations (GET and PATCH of one evidence upload).
    assert set(cases) - {"Stateful tests"} == expected_operations, (sorted(cases), output)
    assert {name: trouble for name, trouble in cases.items() if trouble} == {}, output
    sent = Counter(label(i, expected_operations) for i in interactions)
    assert {op: sent[op] for op in expected_operations if sent[op] == 0} == {}, f"operations with no request: {sent}"
    assert len(interactions) >= len(expected_operations)
    failed = [(i["id"], label(i, expected_operations), [c["name"] for c in i["checks"] if c["status"] not in ("SUCCESS", "SKIP")])
              for i in interactions if i["status"] != "SUCCESS"]
    assert failed == [], failed


def test_generated_requests_never_break_the_server(server, tmp_path):
    url, db = server
    started = time.monotonic()
    with urllib.request.urlopen(f"{url}/openapi.json") as response:
        served = json.load(response)
    expected = operations(served) - {f"GET {SCHEMA_PATH}"}
    run, output, report, cases, interactions = schemathesis(f"{url}/openapi.json", tmp_path, "--max-examples", "100")
    assert_clean_run(run, output, report, cases, interactions, expected)
    assert "passed" in run.stdout
    assert report["test_cases"]["generated"] >= 100, report["test_cases"]
    assert time.monotonic() - started < 600
    with urllib.request.urlopen(f"{url}/healthz") as response:
        assert json.load(response)["status"] == "ok"
    assert sqlite3.connect(db).execute("SELECT count(*) FROM records").fetchone() == (0,)


def test_a_rate_limited_server_answers_the_documented_429_with_retry_after(tmp_path):
    with running_server("--rate-limit", "2") as (url, db):
        # The schema from the server itself, read once, before the limit is reached.
        with urllib.request.urlopen(f"{url}/openapi.json") as response:
            served = json.load(response)
        schema = tmp_path / "openapi.json"
        schema.write_text(json.dumps(served))
        # Read from a file, the schema's own route is an operation like the others here.
        expected = operations(served)
        undocumented = sorted(op for op in expected if "429" not in responses(served, op))
        assert undocumented == [], undocumented
        # A request refused for its rate is refused before its headers are read: a 429 for one
        # that lacks a required header is the limit, not a missing check.
        run, output, report, cases, interactions = schemathesis(
            str(schema), tmp_path, "--url", url, "--max-examples", "20", exclude=("missing_required_header",))
        assert_clean_run(run, output, report, cases, interactions, expected)
        # schemathesis saw the limit on every operation ...
        assert set(report["warnings"]["rate_limited"]) == expected, report["warnings"]["rate_limited"]
        # ... and each 429 it got passed its checks (status code, content type, headers and
        # body schema as documented) and carries what a client needs to wait.
        limited = [i for i in interactions if i.get("response") and i["response"]["status"]["code"] == "429"]
        assert expected <= {label(i, expected) for i in limited}, Counter(label(i, expected) for i in limited)
        checked = Counter()
        for interaction in limited:
            assert interaction["status"] == "SUCCESS", interaction["id"]
            for check in interaction["checks"]:
                assert check["status"] in ("SUCCESS", "SKIP"), (interaction["id"], check)
                checked[(label(interaction, expected), check["name"])] += check["status"] == "SUCCESS"
            headers = {name.lower(): values for name, values in interaction["response"]["headers"].items()}
            assert headers["content-type"] == ["application/json"], (interaction["id"], headers)
            [retry_after] = headers["retry-after"]
            assert retry_after.isdigit() and int(retry_after) >= 1, (interaction["id"], retry_after)
            body = json.loads(interaction["response"]["body"]["string"])
            assert body["code"] == "rate_limited" and isinstance(body["message"], str), body
        conformance = ("status_code_conformance", "content_type_conformance", "response_schema_conformance", "response_headers_conformance")
        unchecked = sorted((op, check) for op in expected for check in conformance if not checked[(op, check)])
        assert unchecked == [], f"429s of these operations were never checked so: {unchecked}"
        time.sleep(2)  # a token for the check below
        with urllib.request.urlopen(f"{url}/healthz") as response:
            assert json.load(response)["status"] == "ok"
        assert sqlite3.connect(db).execute("SELECT count(*) FROM records").fetchone() == (0,)
