"""The design made visible from the code (docs/<system>/, `hexa describe`): each service says
what it declares without opening anything (--describe), the diagrams, OpenAPI and AsyncAPI
documents under docs/ are what the code declares now (never stale), and every OpenAPI
document passes PyPI's openapi-spec-validator (scripts/openapi-check)."""
import filecmp
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("HEXA_BIN", ROOT / "build" / "bin"))
DOCS = ROOT / "docs"
SYSTEMS = sorted(p.name for p in (ROOT / "systems").iterdir() if (p / "system.yaml").exists())


def describe(program, *args, env=None):
    out = subprocess.run([str(BIN / program), *args, "--describe"], capture_output=True, text=True, timeout=30,
                         env={**os.environ, "LOGGING_LEVEL": "off", **(env or {})})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def by_name(items, name):
    found = [i for i in items if i.get("name", i.get("service", i.get("on"))) == name]
    assert len(found) == 1, f"{name} not in {items}"
    return found[0]


def test_a_service_describes_its_declarations_without_opening_anything(tmp_path):
    config = ROOT / "systems" / "carrental" / "contract" / "application.yaml"
    data = tmp_path / "data"
    d = describe("carrental-contract", "--config", str(config),
                 env={"DATA_DIR": str(data), "SERVICES_PAY_URL": "http://127.0.0.1:1", "SERVER_PORT": "1"})
    assert not data.exists(), "describing opened the store"
    assert d["service"] == "contract"
    contract = by_name(d["aggregates"], "Contract")
    assert contract["resource"]["methods"] == ["GET", "POST", "PATCH"]
    assert set(contract["resource"]["denied"]) == {"PUT", "DELETE"}
    assert contract["resource"]["guarded"] is True
    assert contract["commands"] == [{"field": "status", "value": "cancelled", "guarded": False}]
    assert contract["raises"] == ["ContractCanceled", "ContractCompleted"]
    amt = by_name(contract["fields"], "amt")
    assert amt == {"name": "amt", "kind": "integer", "rules": {"required": True, "min": 1.0}}
    pay = by_name(d["remotes"], "pay")
    assert (pay["path"], pay["timeoutMs"], pay["concurrency"]) == ("/pays", 610, "adaptive")
    assert pay["circuitBreaker"]["failureRateThreshold"] == 50 and pay["idempotentCreate"] is True


def test_policies_views_and_handled_events_carry_their_correlation_keys():
    pay = describe("carrental-pay")  # no --config: the defaults, still nothing opened
    assert [(p["on"], p["kind"]) for p in pay["policies"]] == [("ContractCanceled", "plain")]
    canceled = by_name(pay["events"]["handled"], "ContractCanceled")
    assert (canceled["key"], canceled["aggregate"], canceled["by"]) == ("id", "Contract", ["policy"])
    assert [e["name"] for e in pay["events"]["raised"]] == ["PayCanceled", "Payed"]
    assert by_name(pay["aggregates"], "Pay")["resource"]["idempotentOn"] == "contractId"
    bare = describe("carrental-contract")  # no config, no address for pay: a description calls nobody
    assert by_name(bare["remotes"], "pay")["timeoutMs"] == 2000  # the default, as config gives none
    mypage = describe("carrental-mypage")
    view = by_name(mypage["views"], "MyPage")
    assert view["key"] == "contractId" and view["resource"]["methods"] == ["GET"]
    assert view["from"] == ["ContractCompleted", "ContractCanceled", "Payed", "PayCanceled", "Reserved",
                            "ReservationCanceled"]
    assert by_name(mypage["events"]["handled"], "Payed")["key"] == "contractId"


@pytest.mark.skipif("shop12st" not in SYSTEMS, reason="shop12st is not on this branch")
def test_a_saga_and_its_remote_call_are_described():
    d = describe("shop12st-productdelivery", env={"SERVICES_MARKETING_URL": "http://127.0.0.1:1"})
    saga = by_name(d["policies"], "OrderPlaced")
    assert saga["kind"] == "saga" and saga["steps"] == ["local", "call", "local"]
    assert by_name(d["remotes"], "marketing")["aggregate"] == "Promote"


def differences(a, b):
    cmp = filecmp.dircmp(a, b)
    out = [f"{a}/{n}" for n in cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files]
    for sub in cmp.common_dirs:
        out += differences(a / sub, b / sub)
    return out


@pytest.mark.parametrize("system", SYSTEMS)
def test_docs_are_not_stale(system, tmp_path):
    out = subprocess.run([str(BIN / "hexa"), "describe", system, "--out", str(tmp_path)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (DOCS / system).is_dir(), f"run `build/bin/hexa describe {system}` and commit docs/{system}"
    stale = differences(tmp_path / system, DOCS / system)
    assert not stale, f"docs/{system} is stale (run `build/bin/hexa describe {system}`): {stale}"


def test_the_event_storming_diagram_uses_the_stickers_colours():
    text = (DOCS / "carrental" / "event-storming.mmd").read_text()
    for sticker in ("command", "aggregate", "event", "policy", "view"):
        assert f"classDef {sticker} " in text
    assert 'contract_Contract_create["create Contract' in text and ":::command" in text
    assert "event_ContractCanceled --> pay_when_ContractCanceled" in text
    assert (DOCS / "carrental" / "event-storming.svg").read_text().lstrip().startswith("<?xml")


def test_the_context_map_tells_request_response_from_pub_sub():
    text = (DOCS / "carrental" / "context-map.mmd").read_text()
    assert 'contract -->|"REST /pays<br/>timeout 610 ms, breaker 50% of 100 calls, adaptive concurrency limit"| pay' in text
    assert 'contract -.->|"ContractCanceled' in text and "-.->" in text


def check(*files):
    return subprocess.run([str(ROOT / "scripts" / "openapi-check"), *map(str, files)], capture_output=True,
                          text=True, timeout=600)


def test_every_openapi_document_is_valid():
    files = sorted(DOCS.glob("*/*.openapi.json"))
    assert len(files) >= 4
    out = check(*files)
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_broken_openapi_document_is_caught(tmp_path):
    doc = json.loads((DOCS / "carrental" / "pay.openapi.json").read_text())
    doc["paths"]["/pays"]["get"]["responses"]["200"].pop("description")  # a required member
    broken = tmp_path / "broken.openapi.json"
    broken.write_text(json.dumps(doc))
    out = check(broken)
    assert out.returncode == 1 and "INVALID" in out.stdout, out.stdout


def test_the_asyncapi_document_names_every_event_with_its_key_publishers_and_subscribers():
    # No well-kept AsyncAPI validator installs offline (the official one is npm's @asyncapi/cli,
    # needing the network); this checks the structure and that every reference resolves.
    doc = json.loads((DOCS / "carrental" / "asyncapi.json").read_text())
    assert doc["asyncapi"] == "3.0.0"
    messages = doc["components"]["messages"]
    assert messages["Payed"]["correlationId"]["location"] == "$message.payload#/contractId"
    assert "contractId" in messages["Payed"]["payload"]["properties"]
    ops = doc["operations"]
    assert ops["pay-sends-Payed"]["action"] == "send"
    assert {"reservation-receives-Payed", "mypage-receives-Payed"} <= set(ops)

    def resolve(ref):
        node = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    for op in ops.values():
        assert resolve(op["channel"]["$ref"])["address"] == "carrental"
        for m in op["messages"]:
            message = resolve(resolve(m["$ref"])["$ref"])
            assert message["payload"]["type"] == "object" and "location" in message["correlationId"]
