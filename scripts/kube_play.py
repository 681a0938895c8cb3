#!/usr/bin/env python3
"""`make kube-play SYSTEM=<s>`: a system's generated manifests run for real by `podman kube play`.

What it shows (../shared/design/k8s-offline.md says what podman can and cannot show):
  - every Deployment's pod starts from the image `localhost/hexa:latest` (`make image`);
  - each container reads its ConfigMap (SYSTEM_NAME, SERVER_PORT) and answers its readiness
    probe on the port the ConfigMap gave; the gateway serves the web front end (WEB_ROOT);
  - a sick pod is restarted by its liveness probe: the seed's self-healing demo, the file
    /tmp/healthy removed, liveness fails `failureThreshold` times, the container restarts and is
    ready again.
One machine has no Kafka or PostgreSQL in pods: the play keeps the manifests as generated except
that each pod's store and event log are its own embedded ones (SQLite, the on-disk log). Podman
runs probes only when asked (no systemd here), so this drives `podman healthcheck run` itself.
Exit 0 when everything above held; it removes its pods in any case.
"""
import json
import subprocess
import sys
import time

import yaml

SICK_FILE = "/tmp/healthy"


def run(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def for_one_machine(docs, sick_service):
    """The manifests as generated, with embedded stores instead of external servers."""
    out, sick_pod = [], None
    for doc in docs:
        kind = doc["kind"]
        if kind == "ConfigMap":
            doc["data"]["BUS_URL"] = "log:/var/lib/hexa/bus"
        if kind == "Deployment":
            spec = doc["spec"]["template"]["spec"]
            # podman makes an emptyDir a named volume: one per pod, as kubelet would
            mine = f"{doc['metadata']['name']}-data"
            for v in spec.get("volumes", []):
                v.pop("emptyDir", None)
                v["persistentVolumeClaim"] = {"claimName": mine}
                v["name"] = mine
            for c in spec["containers"]:
                for m in c.get("volumeMounts", []):
                    m["name"] = mine
                # podman 4.3 does not resolve a probe's named port (it probes port 0)
                port = c["ports"][0]["containerPort"]
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    if probe in c:
                        c[probe]["httpGet"]["port"] = port
                c["env"] = [e for e in c.get("env", []) if "secretKeyRef" not in e.get("valueFrom", {})]
                if doc["metadata"]["labels"]["app.kubernetes.io/component"] == sick_service:
                    # the seed's demo: alive while the file exists (management.health.liveness.file;
                    # the service creates it at start, as the seed's container did with touch)
                    c["env"].append({"name": "MANAGEMENT_HEALTH_LIVENESS_FILE", "value": SICK_FILE})
                    sick_pod = spec
        if kind in ("ConfigMap", "Deployment", "Secret"):
            out.append(doc)
    # podman 4.3 stops a pod whose last container exits (kube play's exit policy), and with it the
    # namespaces a restart needs: a second container keeps the pod up while the sick one restarts.
    sick_pod["containers"].append({"name": "keeper", "image": "localhost/hexa:latest",
                                   "command": ["sleep", "infinity"]})
    return out


def wait(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise SystemExit(f"kube-play: timed out waiting for {what}")


def ready(name, port):
    return run("podman", "exec", name, "curl", "-fsS", f"http://127.0.0.1:{port}/actuator/health/readiness",
               check=False).returncode == 0


def restarts(name):
    info = json.loads(run("podman", "inspect", name).stdout)[0]
    return info.get("RestartCount", 0), info["State"]["StartedAt"]


def main():
    system = sys.argv[1] if len(sys.argv) > 1 else "carrental"
    sick = sys.argv[2] if len(sys.argv) > 2 else None
    rendered = run("kubectl", "kustomize", f"deploy/k8s/{system}/base").stdout
    docs = [d for d in yaml.safe_load_all(rendered) if d]
    deployments = [d for d in docs if d["kind"] == "Deployment"]
    components = {d["metadata"]["labels"]["app.kubernetes.io/component"]: d for d in deployments}
    sick = sick or next(c for c in components if c not in ("gateway", "auth"))
    play = f".cache/kube-play/{system}.yaml"
    subprocess.run(["mkdir", "-p", ".cache/kube-play"], check=True)
    with open(play, "w") as f:
        yaml.safe_dump_all(for_one_machine(docs, sick), f)
    run("podman", "kube", "play", "--down", play, check=False)
    started = time.monotonic()
    result = run("podman", "kube", "play", play, check=False)
    if result.returncode != 0:
        raise SystemExit(f"kube-play: podman kube play failed:\n{result.stderr}")
    try:
        check(system, components, sick, started)
    finally:
        run("podman", "kube", "play", "--down", play, check=False)
        for d in deployments:
            run("podman", "volume", "rm", "-f", f"{d['metadata']['name']}-data", check=False)


def check(system, components, sick, started):
    names = {}
    for component, d in components.items():
        c = d["spec"]["template"]["spec"]["containers"][0]
        names[component] = (f"{d['metadata']['name']}-pod-0-{c['name']}", c["ports"][0]["containerPort"])
    for component, (name, port) in names.items():
        wait(f"{name} ready", lambda: ready(name, port), 60)
        env = run("podman", "exec", name, "printenv", "SYSTEM_NAME", "SERVER_PORT").stdout.split()
        assert env == [system, str(port)], f"{name} did not read its ConfigMap: {env}"
    print(f"kube-play: {len(names)} pods of {system} ready in {time.monotonic() - started:.1f} s, "
          f"each on the port its ConfigMap gave")
    gateway, port = names["gateway"]
    page = run("podman", "exec", gateway, "curl", "-fsS", f"http://127.0.0.1:{port}/", check=False)
    assert page.returncode == 0 and "<html" in page.stdout.lower(), f"the gateway serves no front end: {page.stderr}"
    print("kube-play: the gateway serves the web front end from the image (WEB_ROOT)")

    name, port = names[sick]
    probe = components[sick]["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
    before = restarts(name)
    run("podman", "exec", name, "rm", "-f", SICK_FILE)
    made_sick = time.monotonic()
    failures = 0
    # kubelet: `failureThreshold` failed probes in a row restart the container
    def restarted():
        nonlocal failures
        if restarts(name) != before:
            return True
        if run("podman", "healthcheck", "run", name, check=False).returncode != 0:
            failures += 1
        return False
    wait(f"{name} restarted by its liveness probe", restarted, 60)
    wait(f"{name} ready again", lambda: ready(name, port), 60)
    print(f"kube-play: {sick} made sick (rm {SICK_FILE}): {failures} failed liveness probes "
          f"(threshold {probe['failureThreshold']}), restarted and ready again in "
          f"{time.monotonic() - made_sick:.1f} s")


if __name__ == "__main__":
    main()
