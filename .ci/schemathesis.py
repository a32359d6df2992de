"""CI step: schemathesis over the whole API (open data, downloads and review, with credentials), `--checks all`.

    python .ci/schemathesis.py WORKDIR [--max-examples 5] [--workers 2] [extra schemathesis run options]

Starts `python app.py` on a free 127.0.0.1 port with a fresh instance folder in WORKDIR (review store
with two leads and a reviewer, caches, keys: nothing is written into the checkout), runs
`schemathesis run <app>/api/v1/openapi.json --checks all` with the lead's HTTP Basic credentials (the
review API needs them; schemathesis's ignored_auth check also sends each review request without
them and expects 401), stops the app and everything it started (kaleido's Chromium too), and exits
with schemathesis's status: non-zero on any 5xx, schema violation, or value the document allows
but the app refuses (positive_data_acceptance) or the other way round (negative_data_rejection).

Limits, all chosen to keep the step at a few minutes on 2 cores: at most `--max-examples`
generated cases per operation and phase (default 5; a third of that for charts, rendered in
Chromium, and briefs, in WeasyPrint: the slow part), the coverage phase on /api/v1 only (config
below), 2 schemathesis workers, a response-time limit of 60 s (a cold Chromium on a loaded
machine; normal answers take well under a second). No `--max-time`: with it schemathesis repeats
fuzzing until the time is spent; .ci/run bounds the step with `timeout` instead (SIGTERM stops the app).

What OpenAPI cannot express (config below, `[[operations]]`): a few operations may answer a
schema-valid request with 400 because of a rule tying two values together or depending on the data,
each stated in the operation's description: a node/actor pair with no indicators (charts), `from`
not before `to` or a year without a published score (trend), one year only for GeoJSON/GeoPackage,
a proposed value outside the indicator's range or a value already published (review POSTs). For
the review POSTs a reused Idempotency-Key with another body (422) is expected too. Everywhere else a
400 to a schema-valid request fails the run.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "ci-schemathesis-password"
VALID = '"2xx", "3xx", "401", "403", "404", "409", "429"'
CONFIG = f"""
# written by .ci/schemathesis.py
[checks]
max_response_time = 60

[[operations]]
include-operation-id = ["chart_map", "chart_trend", "chart_compare", "chart_compare_trend", "chart_region_trends",
                        "embed_map", "embed_trend", "embed_compare", "embed_compare_trend", "embed_region_trends",
                        "countryTrend", "downloadScores"]
checks.positive_data_acceptance.expected-statuses = [{VALID}, "400"]

[[operations]]
include-operation-id = ["submitReview", "proposeObservation"]
checks.positive_data_acceptance.expected-statuses = [{VALID}, "400", "422"]

# four eyes: corrections are proposed by ci-reviewer (seeded below) and decided by the other lead
[[operations]]
include-operation-id = "decideCorrection"
checks.positive_data_acceptance.expected-statuses = [{VALID}, "400", "422"]
auth.basic = {{ username = "ci-lead2", password = "{PASSWORD}" }}

# The coverage phase (every boundary and type of every parameter, hundreds of cases an operation) runs
# on the /api/v1 operations, whose parsers the downloads and embeds share (dashboard.params); these
# get the examples, fuzzing and stateful phases.
[[operations]]
include-path-regex = "^/(download|embed)/"
phases.coverage.enabled = false

# server-side rendering (Chromium, WeasyPrint) is the slow part: a third of the cases
[[operations]]
include-path-regex = "^/download/(chart|brief)/"
generation.max-examples = {{render_examples}}
"""


def _stop(app: subprocess.Popen) -> None:
    """SIGTERM to the app's process group (the app and kaleido's Chromium), SIGKILL after 20 s."""
    if app.poll() is None:
        try:
            os.killpg(app.pid, signal.SIGTERM)
            app.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()
        except ProcessLookupError:
            pass
    try:
        os.killpg(app.pid, signal.SIGKILL)  # stragglers of the group (a Chromium child)
    except (ProcessLookupError, PermissionError):
        pass


def seed_corrections(url: str) -> None:
    """Two disputes by ci-reviewer, so that correction ids 1 and 2 exist for the decide operation."""
    import base64
    import json
    token = base64.b64encode(f"ci-reviewer:{PASSWORD}".encode()).decode()
    for indicator, value in (("p_fiw_d4", 1), ("p_fiw_d4", 2)):
        body = {"country": "COL", "year": 2021, "indicator": indicator, "status": "disputed", "proposed_value": value,
                "comment": "CI seed", "source": "https://freedomhouse.org"}
        request = urllib.request.Request(url + "/api/v1/reviews", data=json.dumps(body).encode(), method="POST",
                                         headers={"Authorization": f"Basic {token}",
                                                  "Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=60).read()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("work", type=Path)
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--workers", default="2")
    args, extra = parser.parse_known_args()
    work = args.work.resolve()
    instance = work / "schemathesis-instance"
    instance.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DRD_DEBUG")}
    env |= {"DRD_INSTANCE_DIR": str(instance), "DRD_CACHE_DIR": str(instance / "cache"), "PYTHONUNBUFFERED": "1"}
    for name, role in (("ci-lead", "lead"), ("ci-lead2", "lead"), ("ci-reviewer", "reviewer")):
        subprocess.run([sys.executable, "-m", "dashboard.users", "add", name, "--role", role], cwd=ROOT, env=env,
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)
    config = work / "schemathesis.toml"
    config.write_text(CONFIG.replace("{render_examples}", str(max(1, args.max_examples // 3))))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    # a SIGTERM (CI cancelled, timeout) unwinds through the finally below like Ctrl-C does
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log = open(work / "app.log", "wb")  # noqa: SIM115 - closed below
    app = subprocess.Popen([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "/api/v1/openapi.json", timeout=5).read()
                break
            except OSError:
                if app.poll() is not None or time.monotonic() > deadline:
                    print((work / "app.log").read_text()[-3000:])
                    return 1
                time.sleep(0.5)
        seed_corrections(url)
        command = ["schemathesis", "--config-file", str(config), "run", url + "/api/v1/openapi.json",
                   "--checks", "all", "--max-examples", str(args.max_examples), "--workers", args.workers,
                   "--auth", f"ci-lead:{PASSWORD}", "--request-timeout", "60", "--no-color",
                   "--report", "junit", "--report-dir", str(work / "schemathesis-report"), *extra]
        print(" ".join(command).replace(PASSWORD, "***"), flush=True)
        started = time.monotonic()
        fuzzer = subprocess.Popen(command, cwd=work, env=env)  # cwd: its cache stays out of the checkout
        try:
            code = fuzzer.wait()
        finally:
            if fuzzer.poll() is None:  # interrupted (SIGTERM, Ctrl-C): stop schemathesis too
                fuzzer.terminate()
                fuzzer.wait(20)
        print(f"schemathesis: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
        if code:
            print("last lines of the app's log:\n" + (work / "app.log").read_text()[-2000:])
        return code
    finally:
        _stop(app)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
