"""Hostile input, written once and run against every system (systems/*/system.yaml) and each of
its gateway routes' collections: bad HTTP framing, headers, encodings, JSON depth and size,
numbers out of range, odd paths and queries, sent through the gateway and straight to each
service. Each gets a 4xx (or, for a read, an answer that is not a 5xx), never a crash: every
instance stays ready, and nothing is stored (every collection's total unchanged)."""
import json
import socket
from pathlib import Path

import pytest
import yaml

from conftest import BIN, System, is_ready, request

ROOT = Path(__file__).resolve().parents[2]


def discovered():
    """(system, [(collection, service, gateway methods or None)]) for every system's routes."""
    found = []
    for system_yaml in sorted(ROOT.glob("systems/*/system.yaml")):
        spec = yaml.safe_load(system_yaml.read_text())
        gateway = spec.get("gateway") or {}
        config = system_yaml.parent / gateway.get("config", "gateway.yaml")
        if not config.exists():
            continue
        routes = []
        for route in (yaml.safe_load(config.read_text()) or {}).get("routes", []):
            service = route.get("service")
            if not service or spec["services"].get(service, {}).get("executable"):
                continue  # framework services (auth) have their own tests
            for path in route.get("paths", []):
                collection = path.strip("/").split("/")[0]
                if collection and "*" not in collection:
                    routes.append((collection, service, route.get("methods")))
        if routes:
            found.append((spec.get("system", system_yaml.parent.name), routes))
    return found


SYSTEMS = discovered()


class Target:
    def __init__(self, name, routes):
        self.system = System(name)
        self.routes = routes
        self.pids = pids(self)

    @property
    def collections(self):
        return [c for c, _, _ in self.routes]

    def service_ports(self, service):
        return [i["port"] for i in self.system.instances(service)]

    def all_ports(self):
        st = self.system.state()
        return [i["port"] for i in st["instances"]] + [st["gateway"]["port"]]

    def totals(self):
        return self.system.totals(*self.collections)

    def field_names(self, collection):
        """Fields to aim numbers at: those of a stored item, else common ones."""
        res = self.system.http("GET", f"/{collection}?size=1")
        items = res.json().get("_embedded", {}).get(collection, []) if res.status == 200 else []
        names = [k for k in (items[0] if items else {}) if not k.startswith("_")]
        return names or ["id", "qty", "amt", "price", "amount", "quantity", "stock", "contractId", "orderId"]


@pytest.fixture(scope="module", params=SYSTEMS, ids=[s for s, _ in SYSTEMS])
def target(request):
    name, routes = request.param
    spec = yaml.safe_load((ROOT / "systems" / name / "system.yaml").read_text())
    missing = [s for s, v in spec["services"].items()
               if not v.get("executable") and not (BIN / f"{name}-{s}").exists()]
    if missing:
        pytest.skip(f"{name}: not built ({', '.join(missing)})")
    t = Target(name, routes)
    yield t
    t.system.close()


def raw(port, data, timeout=5):
    """Sends bytes as they are; returns the answer's status, or None when the peer just closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            answer = b""
            while b"\r\n" not in answer:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except (ConnectionResetError, BrokenPipeError):
            return None
    if not answer.startswith(b"HTTP/1."):
        return None  # closed, or not HTTP at all: nothing was served
    return int(answer.split(b" ", 2)[1])


def assert_refused(status, what):
    assert status is None or 400 <= status < 500, f"{what}: answered {status}"


def pids(target):
    return sorted(i["pid"] for i in target.system.state()["instances"])


def assert_unharmed(target, before, what):
    assert pids(target) == target.pids, f"{what}: a service died (restarted by the launcher)"
    for port in target.all_ports():
        assert is_ready(port), f"{what}: the instance on {port} is not ready"
    assert target.totals() == before, f"{what}: something was stored"


# ---- framing: raw bytes, to the gateway and to every service

def framings(collection):
    body = b'{"x": 1}'
    post = f"POST /{collection} HTTP/1.1\r\n".encode()
    return {
        "no Host": f"GET /{collection} HTTP/1.1\r\n\r\n".encode(),
        "two Hosts": f"GET /{collection} HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".encode(),
        "CL and TE": post + b"Host: a\r\nContent-Length: 8\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "bad Content-Length": post + b"Host: a\r\nContent-Length: abc\r\n\r\n" + body,
        "negative Content-Length": post + b"Host: a\r\nContent-Length: -8\r\n\r\n" + body,
        "two Content-Lengths": post + b"Host: a\r\nContent-Length: 8\r\nContent-Length: 9\r\n\r\n" + body,
        "bad chunk size": post + b"Host: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                          + body + b"\r\n0\r\n\r\n",
        "garbage request line": b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",
        "no version": f"GET /{collection}\r\nHost: a\r\n\r\n".encode(),
        "space in header name": f"GET /{collection} HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n".encode(),
        "NUL in header": f"GET /{collection} HTTP/1.1\r\nHost: a\r\nX-A: a\x00b\r\n\r\n".encode(),
        "bare LF": f"GET /{collection} HTTP/1.1\nHost: a\n\n".encode(),
        "64 KB header": f"GET /{collection} HTTP/1.1\r\nHost: a\r\nX-Big: {'x' * 65536}\r\n\r\n".encode(),
        "body cut short": post + b"Host: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + body,
    }


def test_bad_framing_is_refused(target):
    collection, service, _ = target.routes[0]
    before = target.totals()
    ports = [target.system.gateway] + [p for _, s, _ in target.routes for p in target.service_ports(s)]
    for port in sorted(set(ports)):
        for what, data in framings(collection).items():
            if what == "body cut short":
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    s.sendall(data)  # and hang up before the rest
                continue
            assert_refused(raw(port, data), f"{what} to port {port}")
        # Obsolete line folding: RFC 9112 lets a server refuse it or read it as a space.
        folded = f"GET /{collection} HTTP/1.1\r\nHost: a\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n"
        status = raw(port, folded.encode())
        assert status is None or status < 500, f"folded header to port {port}: {status}"
    assert_unharmed(target, before, "framing")


# ---- headers and encodings

def test_bad_headers_and_encodings_are_refused(target):
    before = target.totals()
    good = b'{"name": "x", "qty": 1}'
    for collection, service, _ in target.routes:
        ports = [target.system.gateway] + target.service_ports(service)
        for port in ports:
            where = f"/{collection} on {port}"
            for path in (f"/{collection}", f"/{collection}/1"):
                res = raw(port, f"GET {path} HTTP/1.1\r\nHost: \xff\xfe\r\nConnection: close\r\n\r\n".encode("latin-1"))
                assert_refused(res, f"Host not UTF-8, GET {path} on {port}")
                res = raw(port, f"GET {path} HTTP/1.1\r\nHost: javascript://evil.example\r\nConnection: close\r\n\r\n".encode())
                assert_refused(res, f"Host javascript:, GET {path} on {port}")
            for ctype in ("application/jsonp", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
                res = request(port, "POST", f"/{collection}", good, headers={"Content-Type": ctype})
                assert_refused(res.status, f"Content-Type {ctype}, {where}")
            for body, what in ((b'{"name": "\xff\xfe"}', "invalid UTF-8"), (b"\xfe\xff\x00{\x00}", "UTF-16"),
                               (b'{"name": "\xed\xa0\x80"}', "a lone surrogate")):
                assert_refused(request(port, "POST", f"/{collection}", body).status, f"{what}, {where}")
            res = request(port, "POST", f"/{collection}", b"\x1f\x8b\x08garbage",
                          headers={"Content-Encoding": "gzip"})
            assert_refused(res.status, f"gzip garbage, {where}")
            res = request(port, "GET", f"/{collection}", headers={"X-Forwarded-Host": "\xff"})
            assert res.status < 500, f"X-Forwarded-Host not UTF-8, {where}: {res.status}"
            res = request(port, "GET", f"/{collection}", headers={"Accept": "text/html;q=\xff"})
            assert res.status < 500, f"odd Accept, {where}: {res.status}"
    assert_unharmed(target, before, "headers")


# ---- JSON depth, size, shapes and numbers, through the gateway and straight to the service

def deep(depth, opener="[", closer="]"):
    return opener * depth + "1" + closer * depth


def bodies(fields):
    out = {
        "100000 nested arrays": '{"' + fields[0] + '": ' + deep(100_000) + "}",
        "10000 nested objects": '{"a":' * 10_000 + "1" + "}" * 10_000,
        "2 MB string": '{"' + fields[0] + '": "' + "x" * (2 * 1024 * 1024) + '"}',
        "100000 keys": "{" + ",".join(f'"k{i}": {i}' for i in range(100_000)) + "}",
        "empty": "",
        "null": "null",
        "array": "[]",
        "number": "1",
        "string": '"x"',
        "truncated": '{"' + fields[0] + '": ',
        "trailing garbage": "{} x",
        "NaN": '{"' + fields[0] + '": NaN}',
        "comment": '{"' + fields[0] + '": 1 /* c */}',
    }
    for number in ("1e400", "-1e400", "99999999999999999999999", "-9223372036854775809", "1.5e308e1", "0x10"):
        out[f"{number} in every field"] = "{" + ",".join(f'"{f}": {number}' for f in fields) + "}"
    out["wrong types in every field"] = json.dumps({f: [{"x": None}] for f in fields})
    return out


def test_bad_json_is_refused(target):
    before = target.totals()
    for collection, service, _ in target.routes:
        fields = target.field_names(collection)
        ports = [target.system.gateway] + target.service_ports(service)
        for what, body in bodies(fields).items():
            for port in ports:
                for method, path in (("POST", f"/{collection}"), ("PATCH", f"/{collection}/1"),
                                     ("PUT", f"/{collection}/1")):
                    try:
                        res = request(port, method, path, body, timeout=15)
                    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
                        continue  # refused before reading it all (too large): nothing stored either
                    assert_refused(res.status, f"{what}: {method} {path} on {port} ({res.body[:200]})")
    assert_unharmed(target, before, "json")


# ---- paths and queries

def odd_targets(collection, finders):
    out = [f"/{collection}/99999999999999999999999", f"/{collection}/-1", f"/{collection}/1e3",
           f"/{collection}/%ff", f"/{collection}/%00", f"/{collection}/..%2f..%2fetc%2fpasswd",
           f"/{collection}/1/2/3", f"/{collection}//", f"/{collection}/" + "9" * 5000,
           f"/{collection}?size=-1", f"/{collection}?size=1e9", f"/{collection}?size=99999999999999999999",
           f"/{collection}?page=99999999999999999999", f"/{collection}?page=-3", f"/{collection}?sort=nope,asc",
           f"/{collection}?sort=id,sideways", f"/{collection}?sort=%ff", f"/{collection}?size=%ff",
           f"/{collection}/search/findByNothing?x=1", f"/{collection}/search/%ff"]
    for finder, field in finders:
        out += [f"/{collection}/search/{finder}", f"/{collection}/search/{finder}?{field}=%ff",
                f"/{collection}/search/{finder}?{field}=99999999999999999999999",
                f"/{collection}/search/{finder}?{field}=" + "x" * 5000]
    return out


def finders_of(target, collection):
    """findByXxx for each field: those not declared are a 404, the others get odd values."""
    return [("findBy" + f[0].upper() + f[1:], f) for f in target.field_names(collection)]


def test_odd_paths_and_queries_are_refused(target):
    before = target.totals()
    for collection, service, _ in target.routes:
        finders = finders_of(target, collection)
        for port in [target.system.gateway] + target.service_ports(service):
            for path in odd_targets(collection, finders):
                res = request(port, "GET", path)
                assert res.status < 500, f"GET {path} on {port}: {res.status} {res.body[:200]}"
                if any(bad in path for bad in ("%ff", "%00", "size=-1", "size=1e9", "page=-3", "sort=nope")):
                    assert_refused(res.status, f"GET {path} on {port}")
            for path in (f"/{collection}/%ff", f"/{collection}/99999999999999999999999", f"/{collection}/-1"):
                for method in ("PATCH", "PUT", "DELETE"):
                    res = request(port, method, path, {"x": 1})
                    assert_refused(res.status, f"{method} {path} on {port}")
    assert_unharmed(target, before, "paths")

