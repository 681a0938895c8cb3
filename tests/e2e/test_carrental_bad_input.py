"""Car rental: bad input through the gateway gets the right 4xx, stores nothing, and the
services stay up. The resources' own refusals (validation, unknown items, methods, content
types) are tested in process: tests/systems/carrental_test.cpp."""
import socket

import pytest

from conftest import System, request


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental")
    yield system
    system.close()


def totals(system):
    return system.totals("contracts", "pays")


def test_an_unknown_path_through_the_gateway_is_a_404(carrental):
    assert carrental.http("GET", "/nothing-here").status == 404


def test_a_one_megabyte_body_is_refused_and_services_stay_up(carrental):
    before = totals(carrental)
    big = '{"custName": "' + "x" * (1024 * 1024) + '", "modelName": "m", "amt": 1}'
    res = carrental.http("POST", "/contracts", big)
    assert res.status == 413
    assert totals(carrental) == before
    carrental.assert_all_healthy()
    assert carrental.http("POST", "/contracts", {"custName": "ok", "modelName": "m", "amt": 1}).status == 201


def raw_exchange(port, data):
    """Sends bytes as they are (framing a client library would not allow) and returns the status."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def instance_ports(system, service):
    return [i["port"] for i in system.instances(service)]


def deep(depth):
    return "[" * depth + "1" + "]" * depth


def test_deeply_nested_json_is_a_400_and_every_service_stays_up(carrental):
    created = carrental.http("POST", "/contracts", {"custName": "d", "modelName": "m", "amt": 1})
    assert created.status == 201, created.body
    cid = created.json()["id"]
    before = totals(carrental)
    nested = deep(100_000)  # ~200 KB: once a SIGSEGV in contract and pay
    for field in ("amt", "modelName", "extra"):
        body = '{"custName": "d", "modelName": "m", "amt": 1, "' + field + '": ' + nested + "}"
        res = carrental.http("POST", "/contracts", body)
        assert res.status == 400 and "nested deeper" in res.json()["message"], res.body
        res = carrental.http("PATCH", f"/contracts/{cid}", '{"amt": ' + nested + "}")
        assert res.status == 400, res.body
        for port in instance_ports(carrental, "pay"):  # pay's own POST, as contract calls it
            res = request(port, "POST", "/pays", '{"contractId": 999999, "amt": ' + nested + "}")
            assert res.status == 400, res.body
    assert totals(carrental) == before
    carrental.assert_all_healthy()


def test_bytes_that_are_not_utf8_get_400(carrental):
    res = carrental.http("GET", "/myPages/search/findByContractId?contractId=%ff")
    assert res.status == 400, res.body
    assert carrental.http("GET", "/contracts?sort=%c0%af").status == 400
    assert carrental.http("GET", "/contracts/%ff").status == 400
    for path in ("/contracts", "/contracts/1"):
        assert carrental.http("GET", path, headers={"Host": "\xff\xfe"}).status == 400, path
        # The gateway sets X-Forwarded-Host itself: a client's is never seen.
        res = carrental.http("GET", "/contracts", headers={"X-Forwarded-Host": "\xff"})
        assert res.status == 200, res.body
        # From loopback (a trusted proxy) a malformed one is a 400, never a 500.
        for port in instance_ports(carrental, "contract"):
            assert request(port, "GET", path, headers={"X-Forwarded-Host": "\xff"}).status == 400


def test_links_are_never_built_from_what_a_client_claims(carrental):
    assert carrental.http("GET", "/contracts", headers={"Host": "javascript://evil.example"}).status == 400
    res = carrental.http("POST", "/contracts", {"custName": "l", "modelName": "m", "amt": 1},
                         headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "javascript"})
    assert res.status == 201, res.body
    assert res.headers["location"].startswith(f"http://127.0.0.1:{carrental.gateway}/contracts/"), res.headers
    listing = carrental.http("GET", "/contracts", headers={"X-Forwarded-Host": "evil.example"}).json()
    hrefs = [c["_links"]["self"]["href"] for c in listing["_embedded"]["contracts"]] + [listing["_links"]["self"]["href"]]
    assert all(h.startswith(f"http://127.0.0.1:{carrental.gateway}/") for h in hrefs), hrefs


def test_a_clients_internal_headers_do_not_reach_services(carrental):
    res = carrental.http("GET", "/contracts", headers={"X-Request-Deadline": "1"})
    assert res.status == 200, res.body
    res = carrental.http("POST", "/contracts", {"custName": "h", "modelName": "m", "amt": 1},
                         headers={"X-Request-Deadline": "1", "X-Auth-Owner": "someone-else"})
    assert res.status == 201, res.body
    assert res.json()["custName"] == "h"


def test_payments_and_reservations_are_not_written_from_outside(carrental):
    before = totals(carrental)
    reservations = carrental.http("GET", "/reservations").json()["page"]["totalElements"]
    res = carrental.http("POST", "/pays", {"contractId": 987654, "amt": 100})
    assert res.status == 405, res.body
    assert res.headers["allow"] == "GET"
    for method, path in (("PATCH", "/pays/1"), ("PUT", "/pays/1"), ("DELETE", "/pays/1"), ("PATCH", "/reservations/1"),
                         ("POST", "/reservations"), ("POST", "/myPages")):
        assert carrental.http(method, path, {"x": 1}).status == 405, (method, path)
    assert totals(carrental) == before
    assert carrental.http("GET", "/reservations").json()["page"]["totalElements"] == reservations
    assert carrental.http("GET", "/pays").status == 200


def test_http11_without_host_or_with_two_hosts_is_a_400(carrental):
    for port in [carrental.gateway] + instance_ports(carrental, "contract"):
        assert raw_exchange(port, b"GET /contracts HTTP/1.1\r\n\r\n") == 400
        assert raw_exchange(port, b"GET /contracts HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400
        assert raw_exchange(port, b"GET /contracts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n") == 200


def test_what_was_settled_with_pay_is_not_changed_by_a_patch(carrental):
    created = carrental.http("POST", "/contracts", {"custName": "settled", "modelName": "m", "amt": 100})
    assert created.status == 201, created.body
    cid = created.json()["id"]
    for change in ({"amt": 1}, {"modelName": "other"}, {"custName": "someone"}, {"amt": 1, "status": "cancelled"}):
        res = carrental.http("PATCH", f"/contracts/{cid}", change)
        assert res.status == 409, (change, res.body)
        assert "settled" in res.json()["message"], res.body
    contract = carrental.http("GET", f"/contracts/{cid}").json()
    assert (contract["amt"], contract["modelName"], contract["custName"], contract["status"]) == (
        100, "m", "settled", "contracted"), contract
    pay = carrental.http("GET", f"/pays/search/findByContractId?contractId={cid}").json()["_embedded"]["pays"]
    assert [p["amt"] for p in pay] == [100]
    # Sending the settled values back unchanged is no change; the cancel command still runs.
    res = carrental.http("PATCH", f"/contracts/{cid}", {"amt": 100, "status": "cancelled"})
    assert res.status == 200 and res.json()["status"] == "cancelled", res.body
