"""The real engines behind an e2e run on another profile (E2E_PROFILE=kafka,polyglot): a Kafka
broker, PostgreSQL and MariaDB, started once per pytest process on free ports in a folder of
its own, and stopped (by the PIDs their scripts keep) when the process ends. Each System gets
its own Kafka namespace and its own databases, so the tests of one process never see each
other's events, positions or rows, and several processes run side by side."""
import atexit
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import yaml

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
PROFILE = os.environ.get("E2E_PROFILE", "")  # empty: the embedded defaults (SQLite, log bus)
KNOWN = {"kafka", "postgres", "mariadb", "polyglot"}

SYSTEMS = Path(__file__).resolve().parents[2] / "systems"


def stores_of(system, names):
    """Which engine the active profiles put each service of `system` on, as its system.yaml's
    `profiles.<name>.store` / `.stores` say (a later profile wins, as in the launcher)."""
    spec = yaml.safe_load((SYSTEMS / system / "system.yaml").read_text())
    services = [s for s, body in spec["services"].items() if not (body or {}).get("executable")]
    out = {}
    for name in names:
        profile = (spec.get("profiles") or {}).get(name) or {}
        if profile.get("store"):
            out.update({s: engine_of(profile["store"]) for s in services})
        out.update({s: engine_of(url) for s, url in (profile.get("stores") or {}).items()})
    return {s: e for s, e in out.items() if e}


def engine_of(url):
    return {"postgresql": "postgres", "mariadb": "mariadb"}.get(url.split(":", 1)[0])


def profiles():
    names = [p for p in PROFILE.split(",") if p]
    unknown = set(names) - KNOWN
    if unknown:
        raise ValueError(f"E2E_PROFILE: unknown profiles {sorted(unknown)} (known: {sorted(KNOWN)})")
    return names


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_scripts(commands):
    """Runs (args, env, what) commands side by side (server start-ups overlap), raising for any
    that failed once all have ended."""
    procs = [(subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), what)
             for args, env, what in commands]
    failures = []
    for proc, what in procs:
        out, _ = proc.communicate(timeout=300)
        if proc.returncode != 0:
            failures.append(f"{what} failed ({proc.returncode}):\n{out}")
    if failures:
        raise RuntimeError("\n".join(failures))


class Engines:
    """The servers this process started, and what each System passes to `hexa up`."""

    def __init__(self, names):
        self.names = names
        # The servers every system's services may need under these profiles.
        self.engines = {e for d in SYSTEMS.iterdir() if (d / "system.yaml").exists()
                        for e in stores_of(d.name, names).values()}
        self.dir = Path(tempfile.mkdtemp(prefix="e2e-engines-"))
        self.dir.chmod(0o755)  # PostgreSQL runs as the postgres user when we are root
        self.env = dict(os.environ, HEXA_DATA_DIR=str(self.dir))
        self.ports = {}
        self.systems = itertools.count(1)
        atexit.register(self.stop)  # also when a test fails before the session ends
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        starts = []
        for engine in sorted(self.engines):
            self.ports[engine] = free_port()
            starts.append(([str(SCRIPTS / "db-dev"), "start", engine, str(self.ports[engine])],
                           dict(self.env, DB_OWNER_PID=str(os.getpid())), f"db-dev start {engine}"))
        if "kafka" in self.names:
            self.ports["kafka"] = free_port()
            starts.append(([str(SCRIPTS / "kafka-dev"), "start"], self._kafka_env(), "kafka-dev start"))
        run_scripts(starts)

    def _kafka_env(self):
        return dict(self.env, KAFKA_PORT=str(self.ports["kafka"]), KAFKA_DATA_DIR=str(self.dir / "kafka"),
                    KAFKA_CONTROLLER_PORT=str(self.ports.setdefault("kafka-controller", free_port())),
                    KAFKA_OWNER_PID=str(os.getpid()))

    def up_args(self, system):
        """`hexa up` arguments for one new System: the profiles, and its own namespace and
        databases on this process's servers."""
        n = next(self.systems)
        prefix = f"e2e{n}"
        args = ["--profile", ",".join(self.names)]
        for service, engine in stores_of(system, self.names).items():
            scheme = "postgresql" if engine == "postgres" else "mariadb"
            args += ["--env", f"{service}:STORE_URL={scheme}://hexa:hexa@127.0.0.1:{self.ports[engine]}/"
                              f"{prefix}_{service}"]
        if "kafka" in self.ports:
            args += ["--env", f"BUS_URL=kafka://127.0.0.1:{self.ports['kafka']}?partitions=8&namespace={prefix}"]
        return args

    def launcher_env(self):
        """The launcher's environment: its kafka profile looks at this broker (and so starts none)."""
        if "kafka" not in self.ports:
            return None
        return dict(os.environ, KAFKA_BOOTSTRAP=f"127.0.0.1:{self.ports['kafka']}")

    def stop(self):
        stops = [([str(SCRIPTS / "db-dev"), "stop", engine], self.env, f"db-dev stop {engine}")
                 for engine in ("postgres", "mariadb") if engine in self.ports]
        if "kafka" in self.ports:
            stops.append(([str(SCRIPTS / "kafka-dev"), "stop"], self._kafka_env(), "kafka-dev stop"))
        self.ports.clear()
        try:
            run_scripts(stops)
        finally:
            atexit.unregister(self.stop)
            shutil.rmtree(self.dir, ignore_errors=True)


_engines = None


def engines():
    """This process's engines, started on first use; None on the embedded defaults."""
    global _engines
    if _engines is None and profiles():
        _engines = Engines(profiles())
    return _engines


def stop():
    global _engines
    if _engines is not None:
        _engines.stop()
        _engines = None
