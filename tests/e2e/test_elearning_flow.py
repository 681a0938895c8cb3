"""E-learning: the seed's own commands, paying at apply, the delivery, the cancellation that
cancels the delivery first, MyPage's one row per application, and CFG_SERVICE_TYPE."""
import pytest

import engines
from conftest import System, wait_for
from elearning import SEED, apply, cancel, httpie, row_for, wait_row


@pytest.fixture(scope="module")
def elearning():
    system = System("elearning", ["--env", "apply:CFG_SERVICE_TYPE=PRODUCT"])
    yield system
    system.close()


def test_seed_commands_work_as_written(elearning):
    port = elearning.gateway
    status, created = httpie(port, "POST", ":8088/applies", 'studentId=student1', 'studentName=홍길동', 'qty=10',
                             'amount=1000', 'applyStatus=completed', 'address=seoul', 'bookId=001', 'bookName=book001')
    assert status == 201, created
    assert created["studentName"] == "홍길동" and created["applyStatus"] == "completed" and created["qty"] == 10
    aid = created["id"]
    assert created["_links"]["self"]["href"].endswith(f"/applies/{aid}")
    _, applies = httpie(port, ":8088/applies")
    assert any(a["id"] == aid for a in applies["_embedded"]["applies"])
    _, pays = httpie(port, ":8088/pays")
    assert any(p["applyId"] == aid and p["payStatus"] == "completed" for p in pays["_embedded"]["pays"])
    wait_for(lambda: any(d["applyId"] == aid for d in httpie(port, ":8088/deliveries")[1]["_embedded"]["deliveries"]),
             what="delivery")
    wait_for(lambda: any(m["applyId"] == aid and m["studentName"] == "홍길동"
                         for m in httpie(port, ":8088/myPages")[1]["_embedded"]["myPages"]), what="my page")
    status, cancelled = httpie(port, "PUT", f":8088/applies/{aid}", 'studentId=student1', 'studentName=홍길동',
                               'qty=10', 'amount=1000', 'applyStatus=cancelled', 'address=seoul', 'bookId=001',
                               'bookName=book001')
    assert status == 200, cancelled
    assert cancelled["applyStatus"] == "cancelled" and cancelled["studentName"] == "홍길동"
    wait_row(elearning, "myPages", aid, applyStatus="cancelled", payStatus="cancelled", deliveryStatus="cancelled")


def test_application_is_paid_delivered_and_shown_on_one_row(elearning):
    res = apply(elearning, studentId="student2", studentName="김철수", address="busan", bookName="C++ 입문")
    assert res.status == 201, res.body
    aid = res.json()["id"]
    assert res.headers["location"].endswith(f"/applies/{aid}")
    pay = row_for(elearning, "pays", aid)
    assert pay and pay["payStatus"] == "completed", "payment is taken synchronously, before the answer"
    assert pay["studentId"] == "student2" and pay["amount"] == 1000 and pay["address"] == "busan"
    delivery = wait_row(elearning, "deliveries", aid, deliveryStatus="started")
    assert delivery["deliveryAddress"] == "busan" and delivery["bookName"] == "C++ 입문" and delivery["qty"] == 10
    row = wait_row(elearning, "myPages", aid, applyStatus="completed", payStatus="completed", deliveryStatus="started")
    assert row["studentId"] == "student2" and row["studentName"] == "김철수" and row["bookName"] == "C++ 입문"
    assert row["qty"] == 10 and row["amount"] == 1000
    assert len([r for r in elearning.all_items("myPages") if r["applyId"] == aid]) == 1


def test_cancel_cancels_delivery_then_payment_and_a_second_cancel_changes_nothing(elearning):
    aid = apply(elearning).json()["id"]
    wait_row(elearning, "deliveries", aid, deliveryStatus="started")
    res = cancel(elearning, aid)
    assert res.status == 200 and res.json()["applyStatus"] == "cancelled", res.body
    wait_row(elearning, "deliveries", aid, deliveryStatus="cancelled")
    wait_row(elearning, "pays", aid, payStatus="cancelled")
    wait_row(elearning, "myPages", aid, applyStatus="cancelled", payStatus="cancelled", deliveryStatus="cancelled")
    # PUT is idempotent: the same PUT again leaves the cancelled application as it is.
    again = cancel(elearning, aid)
    assert again.status == 200 and again.json()["applyStatus"] == "cancelled", again.body
    # A command to cancel it again is refused.
    twice = elearning.http("PATCH", f"/applies/{aid}", {"applyStatus": "cancelled"})
    assert twice.status == 409, twice.body
    assert twice.json()["status"] == 409 and "already cancelled" in twice.json()["message"]
    # Nor is a cancelled application taken back.
    back = elearning.http("PATCH", f"/applies/{aid}", {"applyStatus": "completed"})
    assert back.status == 400 and "applyStatus" in back.json()["message"], back.body
    assert elearning.http("GET", f"/applies/{aid}").json()["applyStatus"] == "cancelled"


def test_patch_cancels_too(elearning):
    aid = apply(elearning).json()["id"]
    res = elearning.http("PATCH", f"/applies/{aid}", {"applyStatus": "cancelled"})
    assert res.status == 200 and res.json()["applyStatus"] == "cancelled", res.body
    wait_row(elearning, "myPages", aid, applyStatus="cancelled", payStatus="cancelled", deliveryStatus="cancelled")


def test_siege_body_with_numbers_as_strings_is_accepted(elearning):
    res = elearning.http("POST", "/applies", '{"studentId":"test123", "bookId":"bok123", "qty": "11", "amount":"2000"}')
    assert res.status == 201, res.body
    body = res.json()
    assert body["qty"] == 11 and body["amount"] == 2000 and body["studentId"] == "test123"
    wait_row(elearning, "myPages", body["id"], qty=11, amount=2000, deliveryStatus="started")


def test_service_type_is_logged_with_each_application(elearning):
    aid = apply(elearning).json()["id"]
    wait_for(lambda: f"application {aid} by" in elearning.service_log("apply-1"), what="log line")
    line = next(l for l in elearning.service_log("apply-1").splitlines() if f"application {aid} by" in l)
    assert "CFG_SERVICE_TYPE=PRODUCT" in line
    assert f"key={aid}" in line, "the log line carries the application's correlation key"


@pytest.mark.skipif("polyglot" not in engines.profiles(), reason="the polyglot profile selects the stores")
def test_apply_and_mypage_keep_their_data_on_different_stores(elearning):
    aid = apply(elearning).json()["id"]
    wait_row(elearning, "myPages", aid, deliveryStatus="started")
    folder = elearning.data_dir / "elearning"
    assert (folder / "mypage" / "mypage.db").exists(), "mypage on its SQLite file"
    assert not (folder / "apply" / "apply.db").exists(), "apply on PostgreSQL"
    assert not (folder / "delivery" / "delivery.db").exists(), "delivery on MariaDB"


def test_amount_keeps_its_fractions_exactly_at_apply_pay_and_mypage(elearning):
    res = elearning.http("POST", "/applies", '{"studentId": "decimal", "qty": 1, "amount": 1000.50}')
    assert res.status == 201, res.body
    assert '"amount":1000.50' in res.body.replace(" ", ""), res.body
    aid = res.json()["id"]
    wait_row(elearning, "myPages", aid, deliveryStatus="started")
    for path in (f"/applies/{aid}", f"/pays/search/findByApplyId?applyId={aid}", f"/myPages/search/findByApplyId?applyId={aid}"):
        body = elearning.http("GET", path).body.replace(" ", "")
        assert '"amount":1000.50' in body, (path, body)
    as_text = elearning.http("POST", "/applies", '{"studentId": "decimal", "qty": 1, "amount": "0.10"}')
    assert as_text.status == 201 and '"amount":0.10' in as_text.body.replace(" ", ""), as_text.body
