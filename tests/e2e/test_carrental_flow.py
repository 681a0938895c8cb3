"""Car rental: the seed's own commands through the gateway and SYSTEM_MODE. The happy path and
cancellation are domain behaviour, tested in process: tests/systems/carrental_test.cpp."""
import json
import subprocess

import pytest

from conftest import System, sign, wait_for


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental", ["--env", "contract:SYSTEM_MODE=E2E_MODE"])
    yield system
    system.close()


def httpie(port, *args):
    """Runs the seed's HTTPie command line against the gateway's port."""
    out = subprocess.run(["http", "--ignore-stdin", "--print=b", *[a.replace(":8088", f":{port}") for a in args]],
                         capture_output=True, text=True, timeout=30, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_seed_commands_work_as_written(carrental):
    port = carrental.gateway
    created = httpie(port, "POST", ":8088/contracts", 'custName=고객1', 'modelName=쏘나타', 'amt=100')
    assert created["custName"] == "고객1" and created["modelName"] == "쏘나타" and created["amt"] == 100
    assert created["status"] == "contracted"
    cid = created["id"]
    fetched = httpie(port, "GET", f":8088/contracts/{cid}")
    assert fetched["custName"] == "고객1"
    assert fetched["_links"]["self"]["href"].endswith(f"/contracts/{cid}")
    wait_for(lambda: any(r["contractId"] == cid for r in httpie(port, ":8088/reservations")["_embedded"]["reservations"]),
             what="reservation")
    wait_for(lambda: any(r["contractId"] == cid and r["custName"] == "고객1"
                         for r in httpie(port, ":8088/myPages")["_embedded"]["myPages"]), what="my page")


def test_system_mode_is_logged_with_each_new_contract(carrental):
    cid = sign(carrental, "고객4").json()["id"]
    wait_for(lambda: f"contract {cid} signed" in carrental.service_log("contract-1"), what="log line")
    line = next(l for l in carrental.service_log("contract-1").splitlines() if f"contract {cid} signed" in l)
    assert "SYSTEM_MODE=E2E_MODE" in line
    assert f"key={cid}" in line, "the log line carries the contract's correlation key"
