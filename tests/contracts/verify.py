"""Provider verification of the consumer-driven contracts (docs/<system>/contracts/*.json,
written by `hexa describe` from each consumer's `svc.remote<T>(...)`): the provider's own
executable runs alone on loopback with a throw-away data folder, gets the consumer's recorded
request, and its answer must carry every field the consumer relies on, with the recorded kind;
the item must be found again as the consumer finds it. Failures name consumer, call and field.

    python3 tests/contracts/verify.py <system> [<provider>]   # exit 1 and the failures if any
"""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("HEXA_BIN", ROOT / "build" / "bin"))
DOCS = ROOT / "docs"

# A field's kind (hexa/model/value.cpp kind_name) -> does a JSON value have it (as OpenAPI says).
KIND_OK = {
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "decimal": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "text": lambda v: isinstance(v, str),
    "timestamp": lambda v: isinstance(v, str),
}


def contracts(system, provider=None):
    found = [json.loads(p.read_text()) for p in sorted((DOCS / system / "contracts").glob("*.json"))]
    return [c for c in found if provider in (None, c["provider"])]


def example(field):
    """A value the consumer could send for `field`, within its rules."""
    kind, rules = field["kind"], field.get("rules", {})
    if "oneOf" in rules:
        return rules["oneOf"][0]
    low = rules.get("min", 1)
    if kind == "integer":
        return max(int(low), 1) if "max" not in rules else int(low)
    if kind in ("number", "decimal"):
        return float(max(low, 1)) if "max" not in rules else float(low)
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return "2026-01-02T03:04:05Z"
    return f"contract-{field['name']}"


def request_body(contract):
    return {f["name"]: example(f) for f in contract["request"]["fields"]}


def check_answer(contract, status, body, step="answer"):
    """The failures of one answer against the contract: each names consumer, call and field."""
    if status not in contract["response"]["status"]:
        return [f"{where(contract)}: {step} status {status}, the consumer expects one of "
                f"{contract['response']['status']}: {json.dumps(body)[:300]}"]
    failures = []
    for f in contract["response"]["reliesOn"]:
        name, kind = f["name"], f["kind"]
        if name not in body:
            failures.append(f"{where(contract)}: field '{name}' ({kind}) the consumer relies on is missing from the {step}")
        elif not KIND_OK.get(kind, lambda v: True)(body[name]):
            failures.append(f"{where(contract)}: field '{name}' is {json.dumps(body[name])} in the {step}, "
                            f"the consumer relies on a {kind}")
    return failures


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        res = conn.getresponse()
        text = res.read().decode("utf-8")
        try:
            return res.status, json.loads(text) if text else {}
        except ValueError:
            return res.status, {"body": text}
    finally:
        conn.close()


class Provider:
    """The provider's real executable alone on loopback: its own config, a fresh data folder,
    its own remotes pointed at a closed port (a contract's create must not need them)."""

    def __init__(self, system, service):
        self.dir = Path(tempfile.mkdtemp(prefix=f"contract-{system}-{service}-"))
        self.port = free_port()
        described = json.loads((DOCS / system / f"{service}.describe.json").read_text())
        env = {**os.environ, "SERVER_PORT": str(self.port), "SERVER_ADDRESS": "127.0.0.1",
               "DATA_DIR": str(self.dir / "data"), "BUS_URL": f"log:{self.dir / 'bus'}",
               "SYSTEM_NAME": system, "INSTANCE_ID": f"{service}-1", "LOGGING_LEVEL": "warn"}
        for r in described["remotes"]:
            env[f"SERVICES_{r['service'].upper()}_URL"] = "http://127.0.0.1:1"
        config = ROOT / "systems" / system / service / "application.yaml"
        args = ["--config", str(config)] if config.exists() else []
        self.log = open(self.dir / "out.log", "wb")
        self.proc = subprocess.Popen([str(BIN / f"{system}-{service}"), *args], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"{system}-{service} did not become ready: {self.output()}")
            time.sleep(0.05)

    def _ready(self):
        try:
            return call(self.port, "GET", "/actuator/health/readiness")[0] == 200
        except OSError:
            return False

    def output(self):
        return (self.dir / "out.log").read_text(errors="replace")[-2000:]

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def found_path(find, answer):
    """Where the consumer finds the item again by one of its finders (GET <path>/{key}, or
    <path>/search/findByX?x={x}), with the value the created item holds."""
    field = find["field"]
    if field not in answer:
        return None
    return find["path"].replace("{" + field + "}", urllib.parse.quote(str(answer[field]), safe=""))


def found_item(contract, find, body):
    """The item a find answered: the item itself, or the first a search listed (None: not found)."""
    if "/search/" not in find["path"]:
        return body
    items = body.get("_embedded", {}).get(contract["path"].lstrip("/"), [])
    return items[0] if items else None


def where(contract, call=None):
    return f"consumer {contract['consumer']}, call {call or contract['calls'][0]} to {contract['provider']}"


def verify_create(port, contract):
    status, answer = call(port, "POST", contract["request"]["path"], request_body(contract))
    failures = check_answer(contract, status, answer)
    for find in [] if failures else contract["findsBy"]:
        path = found_path(find, answer)
        if not path:
            failures.append(f"{where(contract)}: the answer tells no way to find the item again by '{find['field']}'")
            continue
        status, body = call(port, "GET", path)
        lookup = dict(contract, calls=[f"GET {find['path']}"], response={**contract["response"], "status": [200]})
        item = found_item(contract, find, body) if status == 200 else body
        if item is None:
            failures.append(f"{where(lookup)}: GET {path} found no item by '{find['field']}'")
        else:
            failures += check_answer(lookup, status, item, step=f"answer to GET {path}")
    return failures


OPENAPI_TYPE = {"integer": "integer", "number": "number", "decimal": "number", "boolean": "boolean",
                "text": "string", "timestamp": "string"}


def types_of(schema):
    """A schema's JSON types: OpenAPI 3.1 may list several (["string", "null"])."""
    t = schema.get("type")
    return set(t) if isinstance(t, list) else {t}


def check_document(contract, doc):
    """A consumer that only finds and commands items: the provider's own OpenAPI document (as it
    serves it) must answer each of the consumer's finds (GET <path>/{key} or its search) with
    items holding every relied-on field, of its kind, and allow PATCH on the item if the consumer
    sends commands."""
    paths, failures = doc.get("paths", {}), []
    for find in contract["findsBy"]:
        path = find["path"].split("?")[0]
        if "get" not in paths.get(path, {}):
            failures.append(f"{where(contract, 'GET ' + path)}: the provider's document has no GET {path}")
    item_path = contract["item"]
    get = f"GET {item_path}"  # relied-on fields are the item's, however it is found
    if "command" in contract["uses"] and "patch" not in paths.get(item_path, {}):
        failures.append(f"{where(contract, 'PATCH ' + item_path)}: the provider's document has no PATCH {item_path}")
    schema = contract["aggregate"]  # the item's schema, as the provider's item GET names it
    if "get" in paths.get(item_path, {}):
        schema = paths[item_path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    props = doc.get("components", {}).get("schemas", {}).get(schema, {}).get("properties", {})
    for f in contract["response"]["reliesOn"]:
        name, kind = f["name"], f["kind"]
        if name not in props:
            failures.append(f"{where(contract, get)}: field '{name}' ({kind}) the consumer relies on is missing from the answer")
        elif OPENAPI_TYPE.get(kind) not in types_of(props[name]):
            failures.append(f"{where(contract, get)}: field '{name}' is a {props[name].get('type')} in the answer, "
                            f"the consumer relies on a {kind}")
    return failures


def verify_provider(port, cs):
    """Creates first; one that finds what it refers to missing (404) is tried again once the
    same provider's other contracts ran (Pact's provider state: given the consumer's earlier calls)."""
    failures, again = [], []
    for c in cs:
        if "request" not in c:
            status, doc = call(port, "GET", "/v3/api-docs")
            failures += check_document(c, doc) if status == 200 else [f"{where(c)}: no /v3/api-docs ({status})"]
            continue
        found = verify_create(port, c)
        if any(" status 404" in f for f in found):
            again.append(c)
        else:
            failures += found
    for c in again:
        failures += verify_create(port, c)
    return failures


def verify(system, provider=None):
    """Every failure of `system`'s providers (or of one) against its consumers' contracts."""
    failures, by_provider = [], {}
    for c in contracts(system, provider):
        by_provider.setdefault(c["provider"], []).append(c)
    for service, cs in by_provider.items():
        p = Provider(system, service)
        try:
            failures += verify_provider(p.port, cs)
        finally:
            p.close()
    return failures


if __name__ == "__main__":
    problems = verify(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    print("\n".join(problems) or "all contracts hold")
    sys.exit(1 if problems else 0)
