"""Car rental over gRPC (contract's GRPC_PORT, stubs compiled from docs/carrental/contract.proto):
signing, cancelling, a second cancel refused (FAILED_PRECONDITION, REST's 409) and pay down
(UNAVAILABLE with Retry-After, REST's 503) drive the same domain code as REST, so a contract
signed and cancelled over gRPC leaves the same rows in contract, pay, reservation and MyPage
(the view that only events build) as one signed and cancelled over REST."""
import pytest

from conftest import System, sign, wait_for
from grpc_client import grpc, stubs
from ports import port_beside_launcher

DEADLINE_S = 5  # a call that outlives it is a failure, never a hang


@pytest.fixture(scope="module")
def contract_pb(tmp_path_factory):
    return stubs("carrental", "contract", tmp_path_factory.mktemp("grpc"))


@pytest.fixture(scope="module")
def carrental():
    port = port_beside_launcher()
    system = System("carrental", ["--env", f"contract:GRPC_PORT={port}"])
    system.grpc_port = port
    yield system
    system.close()


@pytest.fixture(scope="module")
def contracts(carrental, contract_pb):
    messages, services = contract_pb
    channel = grpc.insecure_channel(f"127.0.0.1:{carrental.grpc_port}")
    yield messages, services.ContractServiceStub(channel)
    channel.close()


def rows_of(system, contract_id):
    """What each service holds for a contract, without the ids and links that differ by nature."""
    def strip(item):
        return {k: v for k, v in item.items() if k not in ("id", "contractId", "_links")}
    contract = system.http("GET", f"/contracts/{contract_id}").json()
    pays = [strip(p) for p in system.all_items("pays") if p["contractId"] == contract_id]
    reservations = [strip(r) for r in system.all_items("reservations") if r["contractId"] == contract_id]
    pages = [strip(m) for m in system.all_items("myPages") if m["contractId"] == contract_id]
    return {"contract": strip(contract), "pays": pays, "reservations": reservations, "myPages": pages}


# Where a contract's events end, in pay and reservation (the seed's words), by contract status.
OUTCOME = {"contracted": ("paid", "reserved"), "cancelled": ("cancelled", "reservationCancelled")}


def settled(system, contract_id, status):
    """The rows once every service has seen the contract's events up to `status`: MyPage and the
    reservation (which copies the payment's status) agree with pay and reservation themselves."""
    def ready():
        rows = rows_of(system, contract_id)
        if not (rows["myPages"] and rows["reservations"] and rows["pays"]):
            return None
        page, reservation, pay = rows["myPages"][0], rows["reservations"][0], rows["pays"][0]
        paid, reserved = OUTCOME[status]
        agree = page["status"] == rows["contract"]["status"] == status and pay["payStatus"] == paid and \
            page.get("payStatus") == reservation.get("payStatus") == pay["payStatus"] and \
            page.get("reservationStatus") == reservation["reservationStatus"] == reserved
        return rows if agree else None
    return wait_for(ready, what=f"contract {contract_id} {status} everywhere")


def rest_cancel(system, contract_id):
    return system.http("PATCH", f"/contracts/{contract_id}", {"status": "cancelled"})


def test_sign_and_cancel_over_grpc_leave_what_rest_leaves(carrental, contracts):
    messages, stub = contracts
    signed = stub.Create(messages.Contract(custName="고객g", modelName="쏘나타", amt=100), timeout=DEADLINE_S)
    assert signed.id > 0 and signed.status == "contracted" and not signed.pending
    assert stub.Get(messages.ContractKey(id=signed.id), timeout=DEADLINE_S) == signed
    by_rest = sign(carrental, "고객g", "쏘나타", 100).json()
    assert settled(carrental, signed.id, "contracted") == settled(carrental, by_rest["id"], "contracted")

    cancelled = stub.Update(messages.ContractChange(id=signed.id, contract=messages.Contract(status="cancelled")),
                            timeout=DEADLINE_S)
    assert cancelled.status == "cancelled" and cancelled.custName == "고객g"
    assert rest_cancel(carrental, by_rest["id"]).status == 200
    assert settled(carrental, signed.id, "cancelled") == settled(carrental, by_rest["id"], "cancelled")

    listed = stub.List(messages.ContractListRequest(size=2000), timeout=DEADLINE_S)
    assert listed.totalElements == carrental.totals("contracts")["contracts"] and listed.size == 2000
    assert {c.id: c.status for c in listed.items if c.custName == "고객g"} == \
        {signed.id: "cancelled", by_rest["id"]: "cancelled"}


def test_a_second_cancel_is_refused_as_over_rest(carrental, contracts):
    messages, stub = contracts
    signed = stub.Create(messages.Contract(custName="고객h", modelName="그랜저", amt=200), timeout=DEADLINE_S)
    change = messages.ContractChange(id=signed.id, contract=messages.Contract(status="cancelled"))
    stub.Update(change, timeout=DEADLINE_S)
    with pytest.raises(grpc.RpcError) as refused:
        stub.Update(change, timeout=DEADLINE_S)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refused.value.details() == rest_cancel(carrental, signed.id).json()["message"]
    assert "already cancelled" in refused.value.details()


def test_bad_input_and_unknown_contracts_get_the_rest_refusal(carrental, contracts):
    messages, stub = contracts
    before = carrental.totals("contracts", "pays")
    with pytest.raises(grpc.RpcError) as bad:
        stub.Create(messages.Contract(custName="고객i", modelName="쏘나타", amt=0), timeout=DEADLINE_S)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "amt" in bad.value.details()
    with pytest.raises(grpc.RpcError) as missing:
        stub.Get(messages.ContractKey(id=987654321), timeout=DEADLINE_S)
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    assert carrental.totals("contracts", "pays") == before


def test_pay_down_is_unavailable_with_retry_after_and_stores_nothing(carrental, contracts):
    messages, stub = contracts
    before = carrental.totals("contracts", "pays")
    carrental.stop_service("pay")
    try:
        with pytest.raises(grpc.RpcError) as refused:
            stub.Create(messages.Contract(custName="고객j", modelName="쏘나타", amt=100), timeout=DEADLINE_S)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "payment is busy, please try again later" in refused.value.details()
        assert dict(refused.value.trailing_metadata()).get("retry-after"), refused.value.trailing_metadata()
        assert carrental.totals("contracts") == {"contracts": before["contracts"]}
    finally:
        carrental.start_service("pay")
    assert carrental.totals("contracts", "pays") == before, "a refused signing stored nothing"
    again = stub.Create(messages.Contract(custName="고객j", modelName="쏘나타", amt=100), timeout=DEADLINE_S)
    assert again.status == "contracted"
