"""Car rental's OpenAPI documents: each service serves its own at GET /v3/api-docs (as
springdoc), the very document committed under docs/carrental/; and Schemathesis (PyPI,
installed into .cache/ on first use) fuzzes each service from it for a bounded number of
examples: no 5xx, and every answer's status, content type and body match the document."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import System, request

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("contract", "pay", "reservation", "mypage")


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental")
    yield system
    system.close()


def port_of(system, service):
    return system.instances(service)[0]["port"]


def test_each_service_serves_the_committed_openapi_document(carrental):
    for service in SERVICES:
        res = request(port_of(carrental, service), "GET", "/v3/api-docs")
        assert res.status == 200
        assert res.json() == json.loads((ROOT / "docs" / "carrental" / f"{service}.openapi.json").read_text())


def schemathesis():
    venv = ROOT / ".cache" / "schemathesis-venv"
    program = venv / "bin" / "schemathesis"
    if not program.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "schemathesis==4.32.5"], check=True, timeout=600)
    return program


@pytest.mark.parametrize("service", SERVICES)
def test_fuzzing_from_the_document_finds_no_server_error(carrental, service):
    port = port_of(carrental, service)
    out = subprocess.run(
        [str(schemathesis()), "run", f"http://127.0.0.1:{port}/v3/api-docs",
         "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
         "--max-examples", "30", "--seed", "18", "--request-timeout", "5", "--generation-codec", "utf-8",
         "--no-color"],
        capture_output=True, text=True, timeout=400, cwd=carrental.data_dir)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
    assert " passed" in out.stdout and not re.search(r"\b0 generated", out.stdout), out.stdout[-3000:]
    print(out.stdout[-1500:])
