"""12번가: the seed's self-healing demo. Productdelivery's liveness checks a file (the seed's
/tmp/healthy; here one of this test's own, through the environment) that it creates at start:
removing it makes liveness fail while readiness holds, and the launcher, checking every 5 s as
the seed's probe, replaces the instance with one that is alive and delivers orders again."""
import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import System, is_ready, request, wait_for
from shop12st import order, status_is


@pytest.fixture(scope="module")
def healthy():
    folder = Path(tempfile.mkdtemp(prefix="e2e-shop12st-liveness-"))
    yield folder / "healthy"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def shop(healthy):
    system = System("shop12st", ["--env", f"productdelivery:MANAGEMENT_HEALTH_LIVENESS_FILE={healthy}"])
    yield system
    system.close()


def liveness(port):
    return request(port, "GET", "/actuator/health/liveness").status


def test_removing_the_file_fails_liveness_and_the_instance_is_replaced(shop, healthy):
    sick = shop.instances("productdelivery")[0]
    assert healthy.exists(), "created by productdelivery at start"
    assert liveness(sick["port"]) == 200
    healthy.unlink()
    assert liveness(sick["port"]) == 503
    assert is_ready(sick["port"]), "readiness does not depend on the file"

    healed = wait_for(lambda: (i := shop.instances("productdelivery")[0])["pid"] != sick["pid"]
                      and is_ready(i["port"]) and i, timeout=45, what="productdelivery replaced")
    assert healthy.exists() and liveness(healed["port"]) == 200
    assert "failed 3 liveness checks in a row" in shop.launcher_output()
    status_is(shop, order(shop, "1").json()["id"], "deliveryStarted")
