"""Room reservation: notice alerts through a webhook (the seed's KakaoTalk) on every status
change of a reservation, each recorded once in /notices. While the webhook is down nothing is
lost: the alerts are sent again until it answers, and each reaches it under one Idempotency-Key;
a restart of notice sends nothing twice."""
import pytest

from conftest import System, wait_for
from roomreservation_support import notices_of, register_room, reserve, set_status


@pytest.fixture(scope="module")
def rr(webhook):
    system = System("roomreservation", ["--env", "notice:CHANNELS_ALERTS_TYPE=webhook",
                                        "--env", f"notice:CHANNELS_ALERTS_URL={webhook.url}"])
    yield system
    system.close()


def test_alerts_wait_for_the_webhook_and_arrive_once(rr, webhook):
    webhook.answering = False
    number = register_room(rr, "WEBHOOK")
    n = reserve(rr, number, "김철수").json()["reservationNumber"]
    assert set_status(rr, n, "payment").status == 200
    assert set_status(rr, n, "cancel").status == 200
    wait_for(lambda: webhook.refused >= 1, what="an alert refused while the webhook is down")
    assert notices_of(rr, n) == [], "nothing is recorded as sent before it was"

    webhook.answering = True
    notices = wait_for(lambda: (x := notices_of(rr, n)) and len(x) >= 3 and x, what="three notices")
    assert len(notices) == 3 and all(x["channel"] == "webhook" for x in notices), notices
    wait_for(lambda: len([b for _, b in webhook.received() if "김철수" in b]) >= 3, what="three alerts received")
    mine = [(k, b) for k, b in webhook.received() if "김철수" in b]
    keys = [k for k, _ in mine]
    assert len(set(keys)) == 3 and all(keys), mine
    assert len(mine) == 3, f"each alert reached the messenger once: {mine}"

    rr.stop_service("notice")
    rr.start_service("notice")
    assert set_status(rr, reserve(rr, register_room(rr, "AFTER"), "박영희").json()["reservationNumber"],
                      "payment").status == 200
    wait_for(lambda: len([b for _, b in webhook.received() if "박영희" in b]) >= 2, what="alerts after restart")
    assert len(notices_of(rr, n)) == 3 and len([k for k, b in webhook.received() if "김철수" in b]) == 3, \
        "a restart sent nothing twice"
