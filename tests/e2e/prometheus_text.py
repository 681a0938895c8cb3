"""Parses Prometheus' text exposition format with the `prometheus_client` package's own parser
(PyPI), installed once into .cache/prometheus-venv (venvs.py): what a scrape yields, as a real Prometheus
client library reads it, not as a regular expression would."""
import json
import subprocess

import venvs


# Run by the venv's python: families as JSON, {name: {"type", "samples": [[name, labels, value]]}}.
# A value that is not finite becomes its Prometheus spelling.
PARSE = r"""
import json, math, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for f in text_string_to_metric_families(sys.stdin.read()):
    assert f.name not in out, f"family {f.name} twice"
    out[f.name] = {"type": f.type, "samples": [
        [s.name, s.labels, s.value if math.isfinite(s.value) else repr(s.value)] for s in f.samples]}
print(json.dumps(out))
"""


def python():
    return venvs.venv("prometheus", ["prometheus-client==0.26.0"]) / "bin" / "python"


def parse(text):
    """Families by name; raises (the parser's error) on text that is not in the format."""
    out = subprocess.run([str(python()), "-c", PARSE], input=text, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"not Prometheus text: {out.stderr[-2000:]}\n{text[:3000]}"
    return json.loads(out.stdout)


def value(families, family, sample=None, **labels):
    """The sum of the samples named `sample` (default: the family's own name, plus _total for a
    counter, as the parser names families without it) whose labels include `labels`; 0 when none."""
    f = families.get(family, {})
    sample = sample or (family + "_total" if f.get("type") == "counter" else family)
    return sum(v for n, l, v in f.get("samples", [])
               if n == sample and all(l.get(k) == w for k, w in labels.items()))
