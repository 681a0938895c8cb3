"""Room reservation: notice alerts through a webhook (the seed's KakaoTalk) on every status
change of a reservation, each recorded once in /notices. While the webhook is down nothing is
lost: the alerts are sent again until it answers, and each reaches it under one Idempotency-Key;
a restart of notice sends nothing twice."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import System, wait_for
from roomreservation_support import notices_of, register_room, reserve, set_status


class Messenger:
    """A webhook receiver on loopback: answers 503 while down, records each alert when up."""

    def __init__(self):
        self.up = False
        self.received = []  # (Idempotency-Key, body)
        self.refused = 0
        messenger = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                if not messenger.up:
                    messenger.refused += 1
                    self.send_response(503)
                else:
                    messenger.received.append((self.headers.get("Idempotency-Key"), body))
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def messenger():
    m = Messenger()
    yield m
    m.close()


@pytest.fixture(scope="module")
def rr(messenger):
    system = System("roomreservation", ["--env", "notice:CHANNELS_ALERTS_TYPE=webhook",
                                        "--env", f"notice:CHANNELS_ALERTS_URL={messenger.url}"])
    yield system
    system.close()


def test_alerts_wait_for_the_webhook_and_arrive_once(rr, messenger):
    number = register_room(rr, "WEBHOOK")
    n = reserve(rr, number, "김철수").json()["reservationNumber"]
    assert set_status(rr, n, "payment").status == 200
    assert set_status(rr, n, "cancel").status == 200
    wait_for(lambda: messenger.refused >= 1, what="an alert refused while the webhook is down")
    assert notices_of(rr, n) == [], "nothing is recorded as sent before it was"

    messenger.up = True
    notices = wait_for(lambda: (x := notices_of(rr, n)) and len(x) >= 3 and x, what="three notices")
    assert len(notices) == 3 and all(x["channel"] == "webhook" for x in notices), notices
    wait_for(lambda: len([b for _, b in messenger.received if "김철수" in b]) >= 3, what="three alerts received")
    mine = [(k, b) for k, b in messenger.received if "김철수" in b]
    keys = [k for k, _ in mine]
    assert len(set(keys)) == 3 and all(keys), mine
    assert len(mine) == 3, f"each alert reached the messenger once: {mine}"

    rr.stop_service("notice")
    rr.start_service("notice")
    assert set_status(rr, reserve(rr, register_room(rr, "AFTER"), "박영희").json()["reservationNumber"],
                      "payment").status == 200
    wait_for(lambda: len([b for _, b in messenger.received if "박영희" in b]) >= 2, what="alerts after restart")
    assert len(notices_of(rr, n)) == 3 and len([k for k, b in messenger.received if "김철수" in b]) == 3, \
        "a restart sent nothing twice"
