"""Car rental: the seed's own commands, the happy path, cancellation and SYSTEM_MODE."""
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


def row_for(system, collection, contract_id):
    rows = [r for r in system.all_items(collection) if r["contractId"] == contract_id]
    return rows[0] if len(rows) == 1 else None


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


def test_contract_is_paid_reserved_and_shown_on_one_row(carrental):
    res = sign(carrental, "고객2", "그랜저", 200)
    assert res.status == 201, res.body
    assert res.headers["location"].endswith(f"/contracts/{res.json()['id']}")
    cid = res.json()["id"]
    pay = row_for(carrental, "pays", cid)
    assert pay and pay["payStatus"] == "paid" and pay["amt"] == 200, "payment is taken synchronously"
    reservation = wait_for(lambda: row_for(carrental, "reservations", cid), what="reservation")
    assert reservation["reservationStatus"] == "reserved"
    row = wait_for(lambda: (r := row_for(carrental, "myPages", cid)) and r["reservationStatus"] == "reserved"
                   and r["payStatus"] == "paid" and r["status"] == "contracted" and r, what="complete my page row")
    assert row["custName"] == "고객2" and row["modelName"] == "그랜저" and row["amt"] == 200


def test_cancel_cascades_and_a_second_cancel_conflicts(carrental):
    cid = sign(carrental, "고객3", "아반떼", 300).json()["id"]
    wait_for(lambda: row_for(carrental, "reservations", cid), what="reservation")
    res = carrental.http("PATCH", f"/contracts/{cid}", {"status": "cancelled"})
    assert res.status == 200 and res.json()["status"] == "cancelled", res.body
    wait_for(lambda: row_for(carrental, "pays", cid)["payStatus"] == "cancelled", what="payment cancelled")
    wait_for(lambda: row_for(carrental, "reservations", cid)["reservationStatus"] == "reservationCancelled",
             what="reservation cancelled")
    wait_for(lambda: (r := row_for(carrental, "myPages", cid)) and r["status"] == "cancelled"
             and r["payStatus"] == "cancelled" and r["reservationStatus"] == "reservationCancelled", what="my page")
    again = carrental.http("PATCH", f"/contracts/{cid}", {"status": "cancelled"})
    assert again.status == 409
    assert again.json()["status"] == 409 and "already cancelled" in again.json()["message"]


def test_system_mode_is_logged_with_each_new_contract(carrental):
    cid = sign(carrental, "고객4").json()["id"]
    wait_for(lambda: f"contract {cid} signed" in carrental.service_log("contract-1"), what="log line")
    line = next(l for l in carrental.service_log("contract-1").splitlines() if f"contract {cid} signed" in l)
    assert "SYSTEM_MODE=E2E_MODE" in line
    assert f"key={cid}" in line, "the log line carries the contract's correlation key"
