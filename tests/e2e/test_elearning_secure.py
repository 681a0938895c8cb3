"""E-learning with PROFILE=secure: tokens from the auth service, roles per route, each student
limited to their own applications and MyPage rows, managers see all; payments and deliveries
are not written through the gateway."""
import urllib.parse

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


def login(system, user):
    form = urllib.parse.urlencode({"grant_type": "password", "username": user[0], "password": user[1]})
    res = system.http("POST", "/oauth/token", form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert res.status == 200, res.body
    return res.json()["access_token"]


def call(system, method, path, token=None, body=None):
    return system.http(method, path, body, headers={"Authorization": f"Bearer {token}"} if token else {})


def items(system, token, collection):
    res = call(system, "GET", f"/{collection}?size=2000", token)
    assert res.status == 200, res.body
    return res.json()["_embedded"][collection]


def test_students_apply_and_see_only_their_own(secure):
    s1, s2, manager = login(secure, STUDENT1), login(secure, STUDENT2), login(secure, MANAGER)
    assert call(secure, "GET", "/applies").status == 401
    mine = call(secure, "POST", "/applies", s1, SEED)
    assert mine.status == 201, mine.body
    aid = mine.json()["id"]
    theirs = call(secure, "POST", "/applies", s2, {**SEED, "studentId": "student2"})
    assert theirs.status == 201, theirs.body
    assert call(secure, "POST", "/applies", s2, SEED).status == 403, "only in one's own studentId"
    assert {a["studentId"] for a in items(secure, s1, "applies")} == {"student1"}
    assert call(secure, "GET", f"/applies/{aid}", s2).status == 404
    assert call(secure, "PUT", f"/applies/{aid}", s2, {**SEED, "applyStatus": "cancelled"}).status in (403, 404)
    wait_for(lambda: len(items(secure, manager, "myPages")) == 2, what="both MyPage rows")
    assert [m["applyId"] for m in items(secure, s1, "myPages")] == [aid]
    assert call(secure, "GET", "/pays", s1).status == 403
    assert call(secure, "POST", "/pays", manager, {"applyId": aid, "amount": 1}).status in (403, 405)
    assert call(secure, "POST", "/deliveries", manager, {"applyId": aid}).status in (403, 405)
    assert {a["studentId"] for a in items(secure, manager, "applies")} == {"student1", "student2"}
    assert call(secure, "GET", "/pays", manager).status == 200
    res = call(secure, "PUT", f"/applies/{aid}", s1, {**SEED, "applyStatus": "cancelled"})
    assert res.status == 200, res.body
