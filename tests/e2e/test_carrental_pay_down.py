"""Car rental: with pay stopped, contracts are refused at once with the seed's fallback
message, and nothing is stored; with pay back, contracts succeed again."""
import time

import pytest

from conftest import System, sign


@pytest.fixture(scope="module")
def carrental():
    system = System("carrental")
    yield system
    system.close()


def test_pay_stopped_then_back(carrental):
    assert sign(carrental).status == 201
    contracts_before = len(carrental.all_items("contracts"))
    pays_before = len(carrental.all_items("pays"))

    carrental.stop_service("pay")
    for _ in range(5):
        started = time.monotonic()
        res = sign(carrental, "고객1", "쏘나타", 100)
        elapsed = time.monotonic() - started
        assert res.status == 503, res.body
        assert "payment is busy, please try again later" in res.json()["message"]
        assert "retry-after" in res.headers
        assert elapsed < 1.0, f"refusal took {elapsed:.3f}s"
    assert len(carrental.all_items("contracts")) == contracts_before

    carrental.start_service("pay")
    assert len(carrental.all_items("pays")) == pays_before, "no payment was taken while pay was down"
    res = sign(carrental, "고객2", "그랜저", 200)
    assert res.status == 201, res.body
    assert len(carrental.all_items("contracts")) == contracts_before + 1
