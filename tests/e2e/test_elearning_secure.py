"""E-learning with PROFILE=secure: tokens from the auth service, roles per route, each student
limited to their own applications and MyPage rows, managers see all; payments and deliveries
are not written through the gateway."""
import pytest

import engines
from conftest import System, wait_for
from elearning import SEED

STUDENT1 = ("student1", "student1-pass")
STUDENT2 = ("student2", "student2-pass")
MANAGER = ("manager", "manager-pass")


@pytest.fixture(scope="module")
def secure():
    if engines.profiles():  # the launcher takes one --profile list; E2E_PROFILE brings its own
        pytest.skip("runs on the embedded defaults only")
    system = System("elearning", ["--profile", "secure"])
    yield system
    system.close()


def test_students_apply_and_see_only_their_own(secure):
    s1, s2, manager = secure.login(STUDENT1), secure.login(STUDENT2), secure.login(MANAGER)
    assert secure.call("GET", "/applies").status == 401
    mine = secure.call("POST", "/applies", s1, SEED)
    assert mine.status == 201, mine.body
    aid = mine.json()["id"]
    theirs = secure.call("POST", "/applies", s2, {**SEED, "studentId": "student2"})
    assert theirs.status == 201, theirs.body
    assert secure.call("POST", "/applies", s2, SEED).status == 403, "only in one's own studentId"
    assert {a["studentId"] for a in secure.items("applies", s1)} == {"student1"}
    assert secure.call("GET", f"/applies/{aid}", s2).status == 404
    assert secure.call("PUT", f"/applies/{aid}", s2, {**SEED, "applyStatus": "cancelled"}).status in (403, 404)
    wait_for(lambda: len(secure.items("myPages", manager)) == 2, what="both MyPage rows")
    assert [m["applyId"] for m in secure.items("myPages", s1)] == [aid]
    assert secure.call("GET", "/pays", s1).status == 403
    assert secure.call("POST", "/pays", manager, {"applyId": aid, "amount": 1}).status in (403, 405)
    assert secure.call("POST", "/deliveries", manager, {"applyId": aid}).status in (403, 405)
    assert {a["studentId"] for a in secure.items("applies", manager)} == {"student1", "student2"}
    assert secure.call("GET", "/pays", manager).status == 200
    res = secure.call("PUT", f"/applies/{aid}", s1, {**SEED, "applyStatus": "cancelled"})
    assert res.status == 200, res.body
