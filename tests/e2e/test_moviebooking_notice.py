"""Movie booking: notice alerts on every change of a booking through the configured channel,
here an HTTP webhook on loopback standing in for the seed's KakaoTalk. Each alert is recorded in
/notices and sent once: while the webhook is down it is retried, not lost; a restart of notice
repeats none."""
import collections
import json

import pytest

from conftest import System, wait_for
from moviebooking_support import book, ticket_of


@pytest.fixture(scope="module")
def movies(webhook):
    system = System("moviebooking", ["--env", "notice:CHANNELS_ALERTS_TYPE=webhook",
                                     "--env", f"notice:CHANNELS_ALERTS_URL={webhook.url}"])
    yield system
    system.close()


def notices(system):
    return system.all_items("notices")


def keys_once(webhook):
    counts = collections.Counter(k for k, _ in webhook.received())
    return all(n == 1 for n in counts.values()) and None not in counts


def test_each_change_is_sent_and_recorded_once(movies, webhook):
    bid = book(movies, "soul", "1A,2B").json()["id"]
    ticket = wait_for(lambda: ticket_of(movies, bid), what="ticket")
    assert movies.http("PATCH", f"/tickets/{ticket['id']}", {"status": "Printed"}).status == 200
    mine = wait_for(lambda: len(n := [x for x in notices(movies) if x["bookingId"] == bid]) >= 2 and n,
                    what="two notices")
    assert len(mine) == 2 and all(n["channel"] == "webhook" for n in mine)
    assert all("T" in n["sentAt"] for n in mine), "sentAt is an ISO-8601 time"
    sent = wait_for(lambda: len(r := webhook.received()) >= 2 and r, what="two alerts received")
    assert keys_once(webhook)
    texts = " ".join(body for _, body in sent)
    assert "예매가 완료" in texts and "발권" in texts and "soul" in texts


def test_alerts_wait_while_the_webhook_is_down_and_are_sent_once_after(movies, webhook):
    already = len(webhook.received())
    recorded = len(notices(movies))
    webhook.answering = False
    try:
        ids = [book(movies, "tenet", f"D{i}").json()["id"] for i in range(5)]
        wait_for(lambda: all(ticket_of(movies, i) for i in ids), what="tickets")
        assert len(notices(movies)) == recorded, "nothing is recorded as sent before it was sent"
    finally:
        webhook.answering = True
    wait_for(lambda: len(notices(movies)) == recorded + 5, timeout=40, what="alerts sent after the webhook came back")
    wait_for(lambda: len(webhook.received()) == already + 5, what="five more deliveries")
    assert keys_once(webhook)
    by_booking = collections.Counter(n["bookingId"] for n in notices(movies))
    assert all(by_booking[i] == 1 for i in ids)


def test_a_restarted_notice_repeats_nothing(movies, webhook):
    bid = book(movies, "minari", "4D").json()["id"]
    wait_for(lambda: any(n["bookingId"] == bid for n in notices(movies)), what="booked notice")
    movies.stop_service("notice")
    assert movies.http("PATCH", f"/books/{bid}", {"status": "Canceled"}).status == 200
    before = len(webhook.received())
    movies.start_service("notice")
    wait_for(lambda: len([n for n in notices(movies) if n["bookingId"] == bid]) == 2, what="canceled notice")
    wait_for(lambda: len(webhook.received()) == before + 1, what="the missed alert, sent once")
    total = len(notices(movies))
    assert len(webhook.received()) == total and keys_once(webhook), "one delivery per recorded notice"
    body = json.dumps([b for _, b in webhook.received()], ensure_ascii=False)
    assert "취소" in body
