"""Car rental on the seeds' polyglot stores (`--profile polyglot`): contract and pay on
PostgreSQL, reservation on MariaDB, mypage on SQLite. The launcher starts the database servers
itself (scripts/db-dev) in the system's data folder; here on free ports, so the test needs
nothing running and disturbs nothing, and they are stopped (by PID) at the end."""
import os
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import System, sign, wait_for

DB_DEV = Path(__file__).resolve().parents[2] / "scripts" / "db-dev"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def polyglot():
    data = Path(tempfile.mkdtemp(prefix="e2e-polyglot-"))
    data.chmod(0o755)  # PostgreSQL runs as the postgres user when we are root
    pg, maria = free_port(), free_port()
    stores = {"contract": f"postgresql://hexa:hexa@127.0.0.1:{pg}/carrental_contract",
              "pay": f"postgresql://hexa:hexa@127.0.0.1:{pg}/carrental_pay",
              "reservation": f"mariadb://hexa:hexa@127.0.0.1:{maria}/carrental_reservation"}
    args = ["--profile", "polyglot"]
    for service, url in stores.items():  # the profile's URLs, on this test's ports
        args += ["--env", f"{service}:STORE_URL={url}"]
    env = dict(os.environ, HEXA_DATA_DIR=str(data))
    system = None
    try:
        system = System("carrental", args, data_dir=data)
        system.pg, system.maria = pg, maria
        yield system
    finally:
        if system and system.proc.poll() is None:
            system.proc.send_signal(signal.SIGTERM)
            system.proc.wait(timeout=30)
        subprocess.run([str(DB_DEV), "stop", "all"], env=env, check=False, timeout=120)
        if system:
            system.close()


def psql(system, database, sql):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(system.pg), "-U", "hexa", "-d", database,
                          "-AtXc", sql], capture_output=True, text=True, timeout=30,
                         env=dict(os.environ, PGPASSWORD="hexa"))
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def mariadb(system, database, sql):
    out = subprocess.run(["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", str(system.maria), "-uhexa",
                          "-phexa", "-N", "-B", database, "-e", sql], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_the_launcher_started_both_servers(polyglot):
    output = polyglot.launcher_output()
    assert "postgres: started" in output and "mariadb: started" in output, output


def test_a_contract_is_paid_reserved_and_shown_across_three_engines(polyglot):
    res = sign(polyglot, "고객1", "쏘나타", 100)
    assert res.status == 201, res.body
    cid = res.json()["id"]
    wait_for(lambda: any(r["contractId"] == cid and r["reservationStatus"] == "reserved" and r["payStatus"] == "paid"
                         for r in polyglot.all_items("myPages")), what="complete my page row")
    assert psql(polyglot, "carrental_contract", f'SELECT "custName", status FROM "Contract" WHERE id = {cid}') \
        == ["고객1|contracted"]
    assert psql(polyglot, "carrental_pay", f'SELECT "payStatus" FROM "Pay" WHERE "contractId" = {cid}') == ["paid"]
    assert mariadb(polyglot, "carrental_reservation",
                   f"SELECT custName, reservationStatus FROM Reservation WHERE contractId = {cid}") \
        == ["고객1\treserved"]
    assert (polyglot.data_dir / "carrental" / "mypage" / "mypage.db").exists()
    assert not (polyglot.data_dir / "carrental" / "contract" / "contract.db").exists()


def test_cancelling_cascades_across_engines(polyglot):
    cid = sign(polyglot, "고객2", "그랜저", 200).json()["id"]
    res = polyglot.http("PATCH", f"/contracts/{cid}", {"status": "cancelled"})
    assert res.status == 200, res.body
    wait_for(lambda: any(r["contractId"] == cid and r["payStatus"] == "cancelled"
                         and r["reservationStatus"] == "reservationCancelled" for r in polyglot.all_items("myPages")),
             what="cancellation on my page")
    assert psql(polyglot, "carrental_pay", f'SELECT "payStatus" FROM "Pay" WHERE "contractId" = {cid}') \
        == ["cancelled"]
    assert mariadb(polyglot, "carrental_reservation",
                   f"SELECT reservationStatus FROM Reservation WHERE contractId = {cid}") == ["reservationCancelled"]
