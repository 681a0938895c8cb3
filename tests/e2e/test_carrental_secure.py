"""Car rental with PROFILE=secure: the gateway as the one door. OAuth2 tokens from the auth
service, roles per route (401/403), each customer limited to their own contracts and MyPage rows
while managers see all, forged tokens refused, 429 under a burst, and a reservation instance
stopped while the gateway keeps answering through the other."""
import base64
import concurrent.futures
import json
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import System, request, wait_for

CUSTOMER = ("customer", "customer-pass")
CUSTOMER2 = ("customer2", "customer2-pass")
MANAGER = ("manager", "manager-pass")


@pytest.fixture(scope="module")
def secure():
    system = System("carrental", ["--profile", "secure", "--replicas", "reservation=2"])
    yield system
    system.close()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def claims_of(token):
    return json.loads(unb64url(token.split(".")[1]))


@pytest.fixture(scope="module")
def customer(secure):
    return secure.login(CUSTOMER)


@pytest.fixture(scope="module")
def customer2(secure):
    return secure.login(CUSTOMER2)


@pytest.fixture(scope="module")
def manager(secure):
    return secure.login(MANAGER)


def test_without_a_token_the_api_answers_401_and_health_stays_open(secure):
    for method, path in [("GET", "/contracts"), ("GET", "/myPages"), ("GET", "/reservations")]:
        res = secure.call(method, path)
        assert res.status == 401, (path, res.body)
        assert res.headers["www-authenticate"] == 'Bearer realm="carrental"'
    res = secure.call("POST", "/contracts", body={"custName": "고객1", "modelName": "쏘나타", "amt": 100})
    assert res.status == 401
    assert secure.http("GET", "/actuator/health").status == 200


def test_the_token_endpoint_speaks_oauth2(secure):
    res = secure.token_request({"grant_type": "password", "username": "customer", "password": "customer-pass"})
    assert res.status == 200, res.body
    body = res.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    header = json.loads(unb64url(body["access_token"].split(".")[0]))
    assert header["alg"] == "RS256"
    claims = claims_of(body["access_token"])
    assert claims["sub"] == "customer" and claims["roles"] == ["CUSTOMER"]
    assert claims["iss"] == "urn:hexa:carrental:auth" and claims["aud"] == "urn:hexa:carrental:api"
    jwks = secure.http("GET", "/.well-known/jwks.json").json()
    assert header["kid"] in [k["kid"] for k in jwks["keys"]]
    assert all("d" not in k for k in jwks["keys"]), "public parts only"

    wrong = secure.token_request({"grant_type": "password", "username": "customer", "password": "manager-pass"})
    assert wrong.status == 400 and wrong.json()["error"] == "invalid_grant"
    unknown = secure.token_request({"grant_type": "implicit"})
    assert unknown.status == 400 and unknown.json()["error"] == "unsupported_grant_type"
    service = secure.token_request({"grant_type": "client_credentials"}, basic=("back-office", "back-office-secret"))
    assert service.status == 200, service.body
    assert claims_of(service.json()["access_token"])["sub"] == "back-office"
    bad_client = secure.token_request({"grant_type": "client_credentials"}, basic=("back-office", "guess"))
    assert bad_client.status == 401 and bad_client.json()["error"] == "invalid_client"


def test_a_customer_signs_reads_and_cancels_contracts_and_reads_my_page(secure, customer):
    res = secure.call("POST", "/contracts", customer, {"custName": "customer", "modelName": "쏘나타", "amt": 100})
    assert res.status == 201, res.body
    cid = res.json()["id"]
    assert secure.call("GET", f"/contracts/{cid}", customer).status == 200
    wait_for(lambda: any(r["contractId"] == cid for r in secure.items("myPages", customer)), what="my page row")
    cancelled = secure.call("PATCH", f"/contracts/{cid}", customer, {"status": "cancelled"})
    assert cancelled.status == 200 and cancelled.json()["status"] == "cancelled", cancelled.body


def test_a_customer_sees_and_cancels_only_their_own_contracts_and_my_page_rows(secure, customer, customer2, manager):
    mine = secure.call("POST", "/contracts", customer, {"modelName": "쏘나타", "amt": 100})
    assert mine.status == 201, mine.body
    assert mine.json()["custName"] == "customer", "signed in the caller's own name"
    theirs = secure.call("POST", "/contracts", customer2, {"custName": "customer2", "modelName": "K5", "amt": 200})
    assert theirs.status == 201, theirs.body
    a, b = mine.json()["id"], theirs.json()["id"]
    forged = secure.call("POST", "/contracts", customer, {"custName": "customer2", "modelName": "K5", "amt": 1})
    assert forged.status == 403, forged.body

    assert secure.call("GET", f"/contracts/{b}", customer).status == 404, "another's contract does not exist for A"
    assert secure.call("GET", f"/contracts/{b}", customer2).status == 200
    listed = secure.items("contracts", customer)
    assert a in [c["id"] for c in listed] and b not in [c["id"] for c in listed]
    assert {c["custName"] for c in listed} == {"customer"}

    cancel = secure.call("PATCH", f"/contracts/{b}", customer, {"status": "cancelled"})
    assert cancel.status == 404, cancel.body
    assert secure.call("GET", f"/contracts/{b}", customer2).json()["status"] == "contracted"

    everyone = wait_for(lambda: (rows := {r["contractId"]: r for r in secure.items("myPages", manager)})
                        and a in rows and b in rows and rows, what="both my page rows (manager)")
    own = secure.items("myPages", customer)
    assert a in [r["contractId"] for r in own] and b not in [r["contractId"] for r in own]
    assert {r["custName"] for r in own} == {"customer"}
    assert b in [r["contractId"] for r in secure.items("myPages", customer2)]
    assert secure.call("GET", f"/myPages/{everyone[b]['id']}", customer).status == 404
    found = secure.call("GET", f"/myPages/search/findByContractId?contractId={b}", customer)
    assert found.status == 200 and found.json()["_embedded"]["myPages"] == [], found.body

    contracts = [c["id"] for c in secure.items("contracts", manager)]
    assert a in contracts and b in contracts, "a manager sees every contract"
    assert secure.call("GET", f"/contracts/{b}", manager).status == 200


def test_payments_and_reservations_are_read_by_managers_only_and_never_created_from_outside(secure, customer, manager):
    for path in ["/pays", "/reservations"]:
        denied = secure.call("GET", path, customer)
        assert denied.status == 403, denied.body
        assert 'error="insufficient_scope"' in denied.headers["www-authenticate"]
        assert secure.call("GET", path, manager).status == 200
        for who in (customer, manager):
            assert secure.call("POST", path, who, {"contractId": 999, "amt": 1}).status == 403
    service = secure.token_request({"grant_type": "client_credentials"}, basic=("back-office", "back-office-secret"))
    assert secure.call("GET", "/pays", service.json()["access_token"]).status == 200
    assert secure.call("POST", "/contracts", manager, {"custName": "m", "modelName": "x", "amt": 1}).status == 403


def test_identity_headers_sent_by_a_client_change_nothing(secure, customer):
    res = secure.call("GET", "/reservations", customer, headers={"X-Auth-Roles": "MANAGER", "X-Auth-Subject": "manager"})
    assert res.status == 403


def forge_with_another_key(header, claims):
    """Signs RS256 with a key of our own (openssl CLI), as an attacker would."""
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "key.pem"
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(key)],
                       check=True, capture_output=True)
        signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(key)], input=signing_input.encode(),
                                   check=True, capture_output=True).stdout
    return f"{signing_input}.{b64url(signature)}"


def test_forged_tokens_are_refused(secure, customer):
    header_part, payload_part, signature_part = customer.split(".")
    header = json.loads(unb64url(header_part))
    promoted = dict(claims_of(customer), roles=["MANAGER"])
    forged = [
        ("payload changed", f"{header_part}.{b64url(json.dumps(promoted).encode())}.{signature_part}"),
        ("signed by another key under our kid", forge_with_another_key(header, promoted)),
        ("alg none", f"{b64url(json.dumps({'alg': 'none', 'kid': header['kid']}).encode())}."
                     f"{b64url(json.dumps(promoted).encode())}."),
        ("garbage", "abc.def.ghi"),
    ]
    for what, token in forged:
        res = secure.call("GET", "/reservations", token)
        assert res.status == 401, (what, res.body)
        assert 'error="invalid_token"' in res.headers["www-authenticate"], what
    assert secure.call("GET", "/contracts", customer).status == 200, "the genuine token still works"


def test_every_answer_carries_a_request_id(secure, customer):
    res = secure.call("GET", "/contracts", customer, headers={"X-Request-Id": "e2e-secure-1"})
    assert res.headers["x-request-id"] == "e2e-secure-1"
    assert len(secure.call("GET", "/contracts", customer).headers["x-request-id"]) == 32


def gateway_log(system):
    return system.service_log("gateway")


def test_the_gateway_keeps_answering_while_a_reservation_instance_is_down(secure, manager):
    first, second = secure.instances("reservation")
    assert all(secure.call("GET", "/reservations", manager).status == 200 for _ in range(6))
    secure.stop_service(second["instance"])
    wait_for(lambda: [i["state"] for i in secure.instances("reservation") if i["instance"] == second["instance"]]
             == ["stopped"], what=f"{second['instance']} stopped")
    statuses = [secure.call("GET", "/reservations", manager).status for _ in range(20)]
    assert statuses == [200] * 20, statuses
    assert f"127.0.0.1:{second['port']} taken out of rotation" in gateway_log(secure)

    secure.start_service(second["instance"])
    back = f"upstream=reservation@127.0.0.1:{second['port']}"
    marker = len(gateway_log(secure))
    wait_for(lambda: secure.call("GET", "/reservations", manager).status == 200 and back in gateway_log(secure)[marker:],
             timeout=30, what=f"{second['instance']} back in rotation")


def test_a_burst_from_one_caller_gets_429_with_retry_after():
    system = System("carrental", ["--profile", "secure",
                                  "--env", "gateway:RATE_LIMIT_RPS=1", "--env", "gateway:RATE_LIMIT_BURST=5"])
    try:
        token = system.login(CUSTOMER)  # the token request itself is counted for our address only
        statuses = [system.call("GET", "/contracts", token).status for _ in range(15)]
        assert statuses[:5] == [200] * 5, statuses
        assert 429 in statuses, statuses
        assert statuses.count(200) <= 8, f"a burst of 5 plus 1/s: {statuses}"
        limited = system.call("GET", "/contracts", token)
        assert limited.status == 429
        assert int(limited.headers["retry-after"]) >= 1
        other = system.login(MANAGER)
        assert system.call("GET", "/reservations", other).status == 200, "another caller has its own budget"
    finally:
        system.close()


def test_an_account_under_attack_does_not_slow_other_logins(secure):
    """30 wrong passwords in flight (inside the rate limit's burst) once made the manager's
    correct login time out at the gateway: they are throttled per account, at once."""
    began = time.monotonic()
    secure.login(MANAGER)
    one_login = time.monotonic() - began
    attempts = [{"grant_type": "password", "username": "mallory-target", "password": f"guess-{i}"} for i in range(30)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
        attack = [pool.submit(secure.token_request, form) for form in attempts]
        wait_for(lambda: any(f.done() and f.result().status == 429 for f in attack), timeout=10, what="a 429")
        began = time.monotonic()
        secure.login(MANAGER)
        took = time.monotonic() - began
        statuses = [f.result().status for f in attack]
    assert took < max(2.0, 5 * one_login), f"the manager waited {took:.2f} s (one login: {one_login:.2f} s)"
    assert statuses.count(429) >= 25, statuses
    assert set(statuses) <= {400, 429}, statuses
