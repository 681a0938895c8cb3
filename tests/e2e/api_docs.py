"""The OpenAPI checks of one system, shared by tests/e2e/test_<system>_api_docs.py (one ctest
entry per system, so they run beside the others and each stays well within its timeout).
Every system's OpenAPI documents: each service serves its own at GET /v3/api-docs (as
springdoc), the very document committed under docs/<system>/; and Schemathesis (PyPI,
installed into .cache/ on first use) fuzzes each service from it for a bounded number of
examples: no 5xx, and every answer's status, content type and body match the document.
Bounded so that the five systems stay quick on 2 cores: car rental (the reference) gets 30
examples per operation, the others 10."""
import json
import re
import subprocess
from pathlib import Path

import pytest

import venvs
from conftest import System, request

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {"carrental": 30}


def services_of(system):
    return sorted(p.name.removesuffix(".openapi.json") for p in (ROOT / "docs" / system).glob("*.openapi.json"))


def system_fixture(name):
    """The `system` fixture of a test_<name>_api_docs.py: the whole system, up once."""
    @pytest.fixture(scope="module")
    def system():
        s = System(name)
        yield s
        s.close()
    return system


def port_of(system, service):
    return system.instances(service)[0]["port"]


def test_each_service_serves_the_committed_openapi_document(system):
    services = services_of(system.name)
    assert services, f"no OpenAPI documents under docs/{system.name}"
    for service in services:
        res = request(port_of(system, service), "GET", "/v3/api-docs")
        assert res.status == 200
        assert res.json() == json.loads((ROOT / "docs" / system.name / f"{service}.openapi.json").read_text())


def schemathesis():
    return venvs.venv("schemathesis", ["schemathesis==4.32.5"]) / "bin" / "schemathesis"


def fuzz(system, service):
    port = port_of(system, service)
    return subprocess.run(
        [str(schemathesis()), "run", f"http://127.0.0.1:{port}/v3/api-docs",
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
         "--max-examples", str(EXAMPLES.get(system.name, 10)), "--seed", "18", "--request-timeout", "5",
         "--generation-codec", "utf-8", "--no-color"],
        capture_output=True, text=True, timeout=400, cwd=system.data_dir)


def test_fuzzing_from_the_document_finds_no_server_error(system):
    failures = []
    for service in services_of(system.name):
        out = fuzz(system, service)
        print(f"--- {system.name}/{service}\n{out.stdout[-800:]}")
        if out.returncode != 0:
            failures.append(f"{system.name}/{service}:\n{out.stdout[-4000:]}{out.stderr[-1000:]}")
        elif " passed" not in out.stdout or re.search(r"\b0 generated", out.stdout):
            failures.append(f"{system.name}/{service}: nothing was fuzzed:\n{out.stdout[-2000:]}")
    assert not failures, "\n\n".join(failures)
