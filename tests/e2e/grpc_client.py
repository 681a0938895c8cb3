"""A gRPC client as a user of a service's port would make one: PyPI's grpcio and grpcio-tools
(installed once into .cache/grpc-venv, venvs.py), stubs compiled by protoc from the .proto that
`hexa describe` wrote under docs/<system>/, nothing written by hand."""
import importlib
import sys
from pathlib import Path

import venvs

ROOT = Path(__file__).resolve().parents[2]
venvs.importable(venvs.venv("grpc", ["grpcio==1.66.1", "grpcio-tools==1.66.1"]))
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
