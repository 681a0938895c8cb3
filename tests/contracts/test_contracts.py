"""Consumer-driven contracts (docs/<system>/contracts/, from each consumer's
`svc.remote<T>(...)`): every provider, run alone from its own executable, honours every
contract its consumers recorded; and the verifier (verify.py) would stop an API break before
it lands: renaming or retyping a relied-on field fails, naming consumer, call and field, while
adding a field does not."""
import json
from pathlib import Path

import pytest

import verify

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = sorted(p.name for p in (ROOT / "systems").iterdir() if (p / "system.yaml").exists())


def remotes_of(system):
    out = set()
    for d in (ROOT / "docs" / system).glob("*.describe.json"):
        desc = json.loads(d.read_text())
        out |= {(desc["service"], r["service"], r["path"]) for r in desc["remotes"]}
    return out


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_synchronous_call_has_its_contract(system):
    recorded = {(c["consumer"], c["provider"], c["path"]) for c in verify.contracts(system)}
    assert recorded == remotes_of(system) and recorded, f"docs/{system}/contracts: {recorded}"


def test_a_contract_records_what_the_consumer_sends_and_relies_on():
    c = json.loads((ROOT / "docs" / "carrental" / "contracts" / "contract-to-pay-pays.json").read_text())
    assert (c["consumer"], c["provider"]) == ("contract", "pay")
    assert c["uses"] == ["create", "find"]
    # contract finds its payment by contractId (the reconciler's question), not by pay's id
    assert c["calls"] == ["POST /pays", "GET /pays/search/findByContractId?contractId={contractId}"]
    sent = {f["name"] for f in c["request"]["fields"]}
    assert "contractId" in sent and "id" not in sent  # the provider numbers it
    assert {"name": "contractId", "kind": "integer"} in c["response"]["reliesOn"]


@pytest.mark.parametrize("system", SYSTEMS)
def test_each_provider_honours_its_consumers_contracts(system):
    failures = verify.verify(system)
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def pay_answer():
    """The carrental pay service's real answer to contract's recorded request."""
    contract = verify.contracts("carrental", "pay")[0]
    provider = verify.Provider("carrental", "pay")
    try:
        status, answer = verify.call(provider.port, "POST", "/pays", verify.request_body(contract))
    finally:
        provider.close()
    assert verify.check_answer(contract, status, answer) == []
    return contract, status, answer


def test_renaming_a_relied_on_field_fails_naming_consumer_call_and_field(pay_answer):
    contract, status, answer = pay_answer
    renamed = {("contractNo" if k == "contractId" else k): v for k, v in answer.items()}
    failures = verify.check_answer(contract, status, renamed)
    assert len(failures) == 1, failures
    assert "consumer contract" in failures[0] and "POST /pays" in failures[0] and "'contractId'" in failures[0]
    assert "missing" in failures[0]


def test_retyping_a_relied_on_field_fails_naming_consumer_call_and_field(pay_answer):
    contract, status, answer = pay_answer
    retyped = {**answer, "contractId": str(answer["contractId"])}
    failures = verify.check_answer(contract, status, retyped)
    assert len(failures) == 1, failures
    assert "consumer contract" in failures[0] and "POST /pays" in failures[0] and "'contractId'" in failures[0]
    assert "integer" in failures[0]


def test_adding_a_field_keeps_the_contract(pay_answer):
    contract, status, answer = pay_answer
    assert verify.check_answer(contract, status, {**answer, "receiptNo": "R-1", "paidAt": 17}) == []


def test_a_provider_answering_an_error_fails_the_call(pay_answer):
    contract, _, _ = pay_answer
    failures = verify.check_answer(contract, 400, {"message": "amt: must be at least 1"})
    assert failures and "consumer contract" in failures[0] and "status 400" in failures[0]


@pytest.fixture
def book_document():
    """A consumer that only finds and commands (ticket -> book): checked against the document the
    provider serves (the committed one, as tests/e2e/api_docs.py proves)."""
    contract = next(c for c in verify.contracts("moviebooking", "book") if c["consumer"] == "ticket")
    assert contract["uses"] == ["command", "find"] and "request" not in contract
    doc = json.loads((ROOT / "docs" / "moviebooking" / "book.openapi.json").read_text())
    assert verify.check_document(contract, doc) == []
    return contract, doc


def book_schema(doc):
    return doc["components"]["schemas"]["Book"]["properties"]


def test_a_document_that_renames_or_retypes_a_relied_on_field_fails(book_document):
    contract, doc = book_document
    book_schema(doc)["state"] = book_schema(doc).pop("status")
    book_schema(doc)["id"] = {"type": "string"}
    failures = verify.check_document(contract, doc)
    assert len(failures) == 2, failures
    assert all("consumer ticket, call GET /books/{id} to book" in f for f in failures)
    assert "'status'" in failures[0] + failures[1] and "'id'" in failures[0] + failures[1]


def test_a_document_with_an_added_field_keeps_the_contract(book_document):
    contract, doc = book_document
    book_schema(doc)["printedAt"] = {"type": "string", "format": "date-time"}
    assert verify.check_document(contract, doc) == []
