"""Live views through the gateway: GET /myPages/live is a server-sent event stream, and a
contract signed (then cancelled) shows up on it as the MyPage row changes, within a deadline,
without polling. Under the secure profile a customer's stream carries its own rows only."""
import http.client
import json
import queue
import threading
import time

import pytest

from conftest import System, sign, wait_for
from test_carrental_secure import CUSTOMER, CUSTOMER2

DEADLINE_S = 20.0  # from the write to the row on the stream, on a busy 2-core machine


class LiveStream:
    """An open GET <path> with Accept: text/event-stream, its events parsed as they arrive by
    a reader thread: ("comment", text) or (event, data as JSON)."""

    def __init__(self, port, path, token=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Accept": "text/event-stream"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.conn.request("GET", path, headers=headers)
        self.response = self.conn.getresponse()
        self.events = queue.Queue()
        self.seen = []
        if self.response.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event, data = None, []
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith(":"):
                    self.events.put(("comment", line[1:].strip()))
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "" and event:
                    self.events.put((event, json.loads("\n".join(data))))
                    event, data = None, []
        except (OSError, ValueError):
            pass
        self.events.put(("end", None))

    def next_matching(self, predicate, timeout=DEADLINE_S, what="event"):
        """The first event from now on for which predicate(kind, data) holds; fails at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {what} on the stream within {timeout}s; saw {self.seen[-10:]}")
            try:
                kind, data = self.events.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append((kind, data))
            if kind == "end":
                raise AssertionError(f"the stream ended before {what}; saw {self.seen[-10:]}")
            if predicate(kind, data):
                return data

    def wait_subscribed(self):
        self.next_matching(lambda kind, data: kind == "comment" and data == "live", what="': live'")

    def close(self):
        self.conn.close()


def row_of(contract_id, **fields):
    def matches(kind, data):
        return kind == "change" and data.get("contractId") == contract_id and all(
            data.get(k) == v for k, v in fields.items())
    return matches


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental")
    yield system
    system.close()


def test_a_signed_contract_arrives_on_the_mypage_stream_then_its_cancellation(carrental):
    stream = LiveStream(carrental.gateway, "/myPages/live")
    try:
        assert stream.response.status == 200
        assert stream.response.getheader("Content-Type").startswith("text/event-stream")
        assert stream.response.getheader("Content-Length") is None
        stream.wait_subscribed()
        started = time.monotonic()
        created = sign(carrental, "고객live", "아반떼", 150)
        assert created.status == 201, created.body
        cid = created.json()["id"]
        row = stream.next_matching(row_of(cid, reservationStatus="reserved", payStatus="paid"),
                                   what=f"MyPage of contract {cid}, paid and reserved")
        took = time.monotonic() - started
        assert row["custName"] == "고객live" and row["modelName"] == "아반떼" and row["amt"] == 150
        # The row as GET shows it, links included, built with the gateway's address.
        got = carrental.http("GET", f"/myPages/{row['id']}")
        assert got.status == 200
        assert row["_links"] == got.json()["_links"]
        assert row["_links"]["self"]["href"].endswith(f"/myPages/{row['id']}")
        print(f"sign -> MyPage on the stream: {took * 1000:.0f} ms")

        cancelled = carrental.http("PATCH", f"/contracts/{cid}", {"status": "cancelled"})
        assert cancelled.status == 200, cancelled.body
        stream.next_matching(row_of(cid, payStatus="cancelled", reservationStatus="reservationCancelled"),
                             what=f"MyPage of contract {cid} cancelled")
    finally:
        stream.close()


def test_every_served_collection_has_a_stream_and_other_paths_are_untouched(carrental):
    contracts = LiveStream(carrental.gateway, "/contracts/live")
    try:
        assert contracts.response.status == 200
        contracts.wait_subscribed()
        cid = sign(carrental, "고객stream").json()["id"]
        row = contracts.next_matching(lambda kind, data: kind == "change" and data.get("id") == cid,
                                      what=f"contract {cid}")
        assert row["custName"] == "고객stream"
    finally:
        contracts.close()
    # Without Accept: text/event-stream nothing changes for the other routes.
    assert carrental.http("GET", "/myPages").status == 200


@pytest.fixture(scope="module")
def secure():
    system = System("carrental", ["--profile", "secure"])
    yield system
    system.close()


def test_under_secure_a_customers_stream_carries_only_its_own_rows(secure):
    customer, customer2 = secure.login(CUSTOMER), secure.login(CUSTOMER2)
    anonymous = LiveStream(secure.gateway, "/myPages/live")
    assert anonymous.response.status == 401  # the stream needs a token like the collection
    anonymous.close()
    mine = LiveStream(secure.gateway, "/myPages/live", customer)
    try:
        assert mine.response.status == 200
        mine.wait_subscribed()
        other = secure.call("POST", "/contracts", customer2, {"modelName": "모닝", "amt": 10})
        assert other.status == 201, other.body
        other_id = other.json()["id"]
        wait_for(lambda: any(r["contractId"] == other_id and r["reservationStatus"] == "reserved"
                             for r in secure.items("myPages", customer2)),
                 what="the other customer's MyPage row")
        # Signed after the other's row was committed: the feed sends in commit order, so once
        # this one has arrived, the other's would have come before it had the stream carried it.
        own = secure.call("POST", "/contracts", customer, {"modelName": "그랜저", "amt": 20})
        assert own.status == 201, own.body
        own_id = own.json()["id"]
        mine.next_matching(row_of(own_id, reservationStatus="reserved"), what="the customer's own row")
        rows = [data for kind, data in mine.seen if kind == "change"]
        assert all(r["custName"] == CUSTOMER[0] for r in rows), rows
        assert not any(r["contractId"] == other_id for r in rows)
    finally:
        mine.close()
