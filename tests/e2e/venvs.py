"""Python tools from PyPI for tests, each in a venv of its own under .cache/, installed once:
a marker names the pinned packages (a new pin installs again), and a lock keeps tests that
start in parallel (ctest -j) from installing into one venv at once."""
import fcntl
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def venv(name, packages):
    """.cache/<name>-venv with `packages` installed."""
    path = ROOT / ".cache" / f"{name}-venv"
    marker = path / f"installed-{'-'.join(packages)}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f"{name}-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
            subprocess.run([str(path / "bin" / "pip"), "install", "-q", *packages], check=True, timeout=900)
            marker.touch()
    return path


def importable(path):
    """Makes the venv's packages importable here (the same interpreter: its wheels load)."""
    site = sysconfig.get_path("purelib", vars={"base": str(path), "platbase": str(path)})
    if site not in sys.path:
        sys.path.insert(0, site)
