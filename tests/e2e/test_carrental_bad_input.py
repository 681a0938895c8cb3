"""Car rental: bad input through the gateway gets the right 4xx, stores nothing, and the
services stay up."""
import pytest

from conftest import System, request


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental")
    yield system
    system.close()


def totals(system):
    return {c: system.http("GET", f"/{c}").json()["page"]["totalElements"] for c in ("contracts", "pays")}


@pytest.mark.parametrize("body,status,needle", [
    ('{"custName": "고객1", "modelName": "쏘나타", "amt": ', 400, "malformed JSON"),
    ('{"custName": "고객1", "modelName": "쏘나타", "amt": "many"}', 400, "'amt'"),
    ('{"custName": "고객1", "modelName": "쏘나타", "amt": [1]}', 400, "'amt'"),
    ('{"custName": "고객1", "amt": 100}', 400, "'modelName' is required"),
    ('{"custName": "고객1", "modelName": "쏘나타", "amt": -100}', 400, "'amt' must be at least 1"),
    ('{"custName": "고객1", "modelName": "쏘나타", "amt": 0}', 400, "'amt' must be at least 1"),
    ('[]', 400, "JSON object"),
])
def test_rejected_contracts_store_nothing(carrental, body, status, needle):
    before = totals(carrental)
    res = carrental.http("POST", "/contracts", body)
    assert res.status == status, res.body
    err = res.json()
    assert err["status"] == status and needle in err["message"], err
    assert set(err) >= {"timestamp", "status", "error", "message", "path"} and err["path"] == "/contracts"
    assert totals(carrental) == before


def test_unknown_ids_wrong_methods_and_content_types(carrental):
    assert carrental.http("GET", "/contracts/999999").status == 404
    assert carrental.http("GET", "/contracts/abc").status == 404
    assert carrental.http("PATCH", "/contracts/999999", {"status": "cancelled"}).status == 404
    assert carrental.http("DELETE", "/contracts/1").status == 405
    assert carrental.http("POST", "/reservations", {"contractId": 1}).status == 405
    assert carrental.http("POST", "/myPages", {"contractId": 1}).status == 405
    assert carrental.http("GET", "/nothing-here").status == 404
    res = carrental.http("POST", "/contracts", "custName=x", headers={"Content-Type": "text/plain"})
    assert res.status == 415


def test_a_one_megabyte_body_is_refused_and_services_stay_up(carrental):
    before = totals(carrental)
    big = '{"custName": "' + "x" * (1024 * 1024) + '", "modelName": "m", "amt": 1}'
    res = carrental.http("POST", "/contracts", big)
    assert res.status == 413
    assert totals(carrental) == before
    for inst in carrental.state()["instances"]:
        assert request(inst["port"], "GET", "/actuator/health").status == 200
    assert carrental.http("POST", "/contracts", {"custName": "ok", "modelName": "m", "amt": 1}).status == 201
