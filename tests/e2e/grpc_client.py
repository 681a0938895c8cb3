"""A gRPC client as a user of a service's port would make one: PyPI's grpcio and grpcio-tools
(installed once into .cache/grpc-venv), stubs compiled by protoc from the .proto that
`hexa describe` wrote under docs/<system>/, nothing written by hand."""
import importlib
import site
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".cache" / "grpc-venv"
PACKAGES = ["grpcio==1.66.1", "grpcio-tools==1.66.1"]


def _install():
    python = VENV / "bin" / "python"
    ok = python.exists() and subprocess.run([str(python), "-c", "import grpc, grpc_tools"],
                                            capture_output=True).returncode == 0
    if not ok:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=120)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *PACKAGES], check=True, timeout=600)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site.addsitedir(str(VENV / "lib" / version / "site-packages"))  # same interpreter: its wheels load here


_install()
import grpc  # noqa: E402  (from the venv just added; tests import it from here)
from grpc_tools import protoc  # noqa: E402


def stubs(system, service, out_dir):
    """(messages module, services module) of docs/<system>/<service>.proto, compiled into out_dir."""
    docs = ROOT / "docs" / system
    code = protoc.main(["protoc", f"-I{docs}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
                        str(docs / f"{service}.proto")])
    assert code == 0, f"protoc refused docs/{system}/{service}.proto"
    sys.path.insert(0, str(out_dir))
    return importlib.import_module(f"{service}_pb2"), importlib.import_module(f"{service}_pb2_grpc")
