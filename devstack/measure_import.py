"""Cold import of ``function_app`` in fresh interpreters, against a bare ``import azure.functions``.

``python -m devstack.measure_import [--runs N]`` prints best and median wall time of each, the
difference (what WeGrow adds on a cold start), and which heavy packages the import pulled in.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("msgraph", "azure.data.tables", "azure.storage.queue", "azure.identity", "microsoft_agents", "openpyxl")
_PROBE = """
import json, sys, time
start = time.perf_counter()
import {module}
elapsed = time.perf_counter() - start
heavy = sorted(name for name in {heavy!r} if name in sys.modules)
print(json.dumps({{"seconds": elapsed, "heavy": heavy, "modules": len(sys.modules)}}))
"""


def probe(module: str) -> dict[str, object]:
    """Import ``module`` once in a fresh interpreter (no site caches shared) and report the time."""
    code = _PROBE.format(module=module, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    result: dict[str, object] = json.loads(out)
    return result


def measure(module: str, runs: int) -> dict[str, object]:
    samples = [probe(module) for _ in range(runs)]
    seconds = [float(str(s["seconds"])) for s in samples]
    return {
        "best_ms": round(min(seconds) * 1000, 1),
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "heavy": samples[0]["heavy"],
        "modules": samples[0]["modules"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    probe("function_app")  # warm the OS file cache and write .pyc files first
    baseline, app = measure("azure.functions", args.runs), measure("function_app", args.runs)
    print(f"runs: {args.runs} fresh interpreters each (python {sys.version.split()[0]})")
    print(f"import azure.functions : best {baseline['best_ms']} ms, median {baseline['median_ms']} ms")
    print(f"import function_app    : best {app['best_ms']} ms, median {app['median_ms']} ms, {app['modules']} modules")
    extra = float(str(app["best_ms"])) - float(str(baseline["best_ms"]))
    print(f"WeGrow adds            : {extra:.1f} ms (best vs best)")
    heavy = app["heavy"]
    print(f"heavy packages loaded  : {', '.join(heavy) if isinstance(heavy, list) and heavy else 'none'}")


if __name__ == "__main__":
    main()
