"""End-to-end harness: a whole system started by the real launcher (`hexa up`) on free ports,
with its own data folder, driven over HTTP through its gateway, as a user would."""
import base64
import http.client
import http.server
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

import engines

BIN = Path(os.environ.get("HEXA_BIN", Path(__file__).resolve().parents[2] / "build" / "bin"))


def wait_for(condition, timeout=20.0, interval=0.05, what="condition"):
    """Polls `condition` until it returns a truthy value or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def request(port, method, path, body=None, headers=None, timeout=10.0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        hdrs = dict(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
            if isinstance(data, str):
                data = data.encode("utf-8")
            hdrs.setdefault("Content-Type", "application/json")
        conn.request(method, path, body=data, headers=hdrs)
        res = conn.getresponse()
        return Response(res.status, {k.lower(): v for k, v in res.getheaders()}, res.read().decode("utf-8"))
    finally:
        conn.close()


def assert_error(res, status, needle, path=None):
    """An error answer in the framework's one shape (Spring Boot's): the status, a message that
    names the problem, and the request's path."""
    assert res.status == status, res.body
    err = res.json()
    assert err["status"] == status and needle in err["message"], err
    assert set(err) >= {"timestamp", "status", "error", "message", "path"}, err
    assert path is None or err["path"] == path, err


def is_ready(port):
    """True when the instance on `port` answers its readiness probe with 200."""
    try:
        return request(port, "GET", "/actuator/health/readiness", timeout=2).status == 200
    except OSError:
        return False


class System:
    """A running `hexa up <system>`: its gateway port, its instances, control commands."""

    def __init__(self, name, args=(), data_dir=None):
        self.name = name
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix=f"e2e-{name}-"))
        self.log = open(self.data_dir / "launcher.out", "ab")
        servers = engines.engines()  # E2E_PROFILE: the same tests on other engines
        engine_args = servers.up_args(name) if servers else []
        self.proc = subprocess.Popen(
            [str(BIN / "hexa"), "up", name, "--free-ports", "--data-dir", str(self.data_dir), *engine_args, *args],
            stdout=self.log, stderr=subprocess.STDOUT, env=servers.launcher_env() if servers else None)
        self.state_file = self.data_dir / name / "launcher.json"
        wait_for(self._all_ready, timeout=60, what=f"{name} to be ready")
        self.gateway = self.state()["gateway"]["port"]  # fixed for the system's life

    def state(self):
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return None

    def _all_ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"launcher exited with {self.proc.returncode}: {self.launcher_output()}")
        st = self.state()
        if not st:
            return False
        ports = [i["port"] for i in st["instances"]] + [st["gateway"]["port"]]
        return all(is_ready(port) for port in ports)

    def launcher_output(self):
        return (self.data_dir / "launcher.out").read_text(errors="replace")[-3000:]

    def assert_all_healthy(self):
        """Every instance still answers its health check: bad input crashed none of them."""
        for inst in self.state()["instances"]:
            assert request(inst["port"], "GET", "/actuator/health").status == 200, inst

    def instances(self, service):
        state = wait_for(self.state, timeout=10, what="launcher.json")
        return [i for i in state["instances"] if i["service"] == service]

    def http(self, method, path, body=None, **kw):
        return request(self.gateway, method, path, body, **kw)

    def call(self, method, path, token=None, body=None, headers=None):
        """A request through the gateway, carrying `token` as its bearer when given (PROFILE=secure)."""
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        return self.http(method, path, body, headers=hdrs)

    def token_request(self, form, basic=None):
        """POST /oauth/token with a form, optionally as a client with HTTP Basic credentials."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if basic:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        return self.http("POST", "/oauth/token", urllib.parse.urlencode(form), headers=headers)

    def login(self, user):
        """The access token of a (username, password) pair, by the password grant."""
        res = self.token_request({"grant_type": "password", "username": user[0], "password": user[1]})
        assert res.status == 200, res.body
        return res.json()["access_token"]

    def items(self, collection, token=None, query=""):
        """One large page of a collection as `token`'s holder sees it."""
        res = self.call("GET", f"/{collection}?size=2000{query}", token)
        assert res.status == 200, res.body
        return res.json()["_embedded"][collection]

    def totals(self, *collections):
        """{collection: how many items it holds}: what a rejected request must leave unchanged."""
        out = {}
        for collection in collections:
            res = self.http("GET", f"/{collection}?size=1")
            assert res.status == 200, (collection, res.status, res.body[:300])
            out[collection] = res.json()["page"]["totalElements"]
        return out

    def hexa(self, *args, check=True):
        out = subprocess.run([str(BIN / "hexa"), *args, "--data-dir", str(self.data_dir)],
                             capture_output=True, text=True, timeout=60)
        if check and out.returncode != 0:
            raise AssertionError(f"hexa {' '.join(args)} failed: {out.stdout}{out.stderr}")
        return out

    def stop_service(self, service):
        self.hexa("stop", f"{self.name}/{service}")

    def start_service(self, service):
        self.hexa("start", f"{self.name}/{service}")
        wait_for(lambda: all(is_ready(i["port"]) for i in self.instances(service)), what=f"{service} ready")

    def all_items(self, collection):
        """Every item, page after page (a stream of contracts may outgrow any one page)."""
        items, page = [], 0
        while True:
            res = self.http("GET", f"/{collection}?size=2000&page={page}")
            assert res.status == 200, res.body
            body = res.json()
            items += body["_embedded"][collection]
            page += 1
            if page >= body["page"]["totalPages"]:
                return items

    def service_log(self, instance):
        path = self.data_dir / self.name / "logs" / f"{instance}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class Webhook:
    """A webhook receiver on loopback standing in for a messenger (the seeds' KakaoTalk): records
    each POST with its Idempotency-Key while answering, answers 503 (and counts it) while not."""

    def __init__(self):
        self.answering = True
        self.refused = 0
        self._lock = threading.Lock()
        self._received = []  # (Idempotency-Key, body)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                with hook._lock:
                    answering = hook.answering
                    if answering:
                        hook._received.append((self.headers.get("Idempotency-Key"), body))
                    else:
                        hook.refused += 1
                self.send_response(200 if answering else 503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def received(self):
        with self._lock:
            return list(self._received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


def pytest_sessionfinish(session):
    engines.stop()  # the servers this process started, once every System is closed


def pytest_report_header(config):
    return f"engines: {engines.PROFILE or 'embedded defaults'}"


@pytest.fixture
def rng():
    seed = int(os.environ.get("E2E_SEED", "20261121"))
    return random.Random(seed)


def sign(system, cust="고객1", model="쏘나타", amt=100):
    return system.http("POST", "/contracts", {"custName": cust, "modelName": model, "amt": amt})
