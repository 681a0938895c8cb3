"""E-learning: bad input through the gateway gets the right 4xx, changes nothing, and the
services stay up."""
import json

import pytest

from conftest import System, assert_error
from elearning import SEED, apply, cancel


@pytest.fixture(scope="module")
def elearning():
    system = System("elearning")
    system.first = apply(system).json()  # an application to try bad changes on
    yield system
    system.close()


def totals(system):
    return system.totals("applies", "pays")


def body(**changes):
    fields = {**SEED, **changes}
    return json.dumps({k: v for k, v in fields.items() if v is not None}, ensure_ascii=False)


@pytest.mark.parametrize("text,needle", [
    ('{"studentId": "student1", "qty": 10, "amount": ', "malformed JSON"),
    (body(studentId=None), "'studentId' is required"),
    (body(studentId=""), "'studentId' is required"),
    (body(qty=0), "'qty' must be at least 1"),
    (body(qty=-3), "'qty' must be at least 1"),
    (body(qty="eleven"), "'qty'"),
    (body(amount="a lot"), "'amount'"),
    (body(qty=[1]), "'qty'"),
    ('[]', "JSON object"),
])
def test_rejected_applications_store_nothing(elearning, text, needle):
    before = totals(elearning)
    res = elearning.http("POST", "/applies", text)
    assert_error(res, 400, needle, "/applies")
    assert totals(elearning) == before


def test_a_put_changing_the_student_of_an_application_changes_nothing(elearning):
    first = elearning.first
    res = elearning.http("PUT", f"/applies/{first['id']}", body(studentId="someone-else"))
    assert res.status == 409, res.body
    assert "can only be cancelled" in res.json()["message"]
    after = elearning.http("GET", f"/applies/{first['id']}").json()
    assert after["studentId"] == "student1" and after["applyStatus"] == "completed"
    res = cancel(elearning, first["id"], studentId="someone-else")
    assert res.status == 409, res.body
    assert elearning.http("GET", f"/applies/{first['id']}").json()["applyStatus"] == "completed"


def test_unknown_ids_wrong_methods_and_content_types(elearning):
    assert elearning.http("GET", "/applies/999999").status == 404
    assert elearning.http("GET", "/applies/abc").status == 404
    assert cancel(elearning, 999999).status == 404
    assert elearning.http("PATCH", "/applies/999999", {"applyStatus": "cancelled"}).status == 404
    assert elearning.http("PATCH", f"/applies/{elearning.first['id']}", {"applyStatus": "started"}).status == 400
    assert elearning.http("DELETE", f"/applies/{elearning.first['id']}").status == 405
    assert elearning.http("PATCH", "/pays/1", {"payStatus": "cancelled"}).status == 405
    assert elearning.http("POST", "/pays", {"applyId": 1, "amount": 1}).status == 405, "pay is called by apply only"
    assert elearning.http("PATCH", "/deliveries/1", {"deliveryStatus": "cancelled"}).status == 405
    assert elearning.http("POST", "/myPages", {"applyId": 1}).status == 405
    assert elearning.http("GET", "/nothing-here").status == 404
    res = elearning.http("POST", "/applies", "studentId=x", headers={"Content-Type": "text/plain"})
    assert res.status == 415


def test_a_one_megabyte_body_is_refused_and_services_stay_up(elearning):
    before = totals(elearning)
    res = elearning.http("POST", "/applies", body(studentName="x" * (1024 * 1024)))
    assert res.status == 413
    assert totals(elearning) == before
    elearning.assert_all_healthy()
    assert apply(elearning, studentId="ok").status == 201
