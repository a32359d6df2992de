"""The worst requests of the hardening audit (issue 13) against gunicorn with 2 workers, on 127.0.0.1 only.

    python benchmarks/abuse_benchmark.py [--root CHECKOUT] [--memory-limit-gb 6] [--timeout 60]

Starts `gunicorn -w 2 app:server` from CHECKOUT (default: this one) on a free 127.0.0.1 port with a
fresh SQLite review store in a temporary folder, creates two leads and a reviewer, sends each
abusive request once and prints, per request: HTTP status, seconds, the highest resident memory of
any worker while it ran (sampled every 20 ms from /proc), and what the answer showed. Bounded: every
request has a client timeout, the workers run under an address-space limit (RLIMIT_AS, default
6 GB) so a runaway allocation fails instead of taking the machine, and big bodies are streamed from
a generator. A second, short gunicorn run without DRD_SECRET_KEY measures multi-worker sign-in.
The servers are stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "abuse-password-1"
MB = 2 ** 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return out


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Server:
    """gunicorn -w 2 on 127.0.0.1 with its own instance folder; samples its workers' memory."""

    def __init__(self, root: Path, instance: Path, secret: str | None, mem_gb: float):
        self.root, self.instance, self.secret, self.mem_gb = root, instance, secret, mem_gb
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.peak = 0.0
        self._stop = threading.Event()

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DRD_SECRET_KEY", "SECRET_KEY")}
        env |= {"DRD_INSTANCE_DIR": str(self.instance), "DRD_CACHE_DIR": str(self.instance / "cache"),
                "PYTHONUNBUFFERED": "1"}
        if self.secret:
            env["DRD_SECRET_KEY"] = self.secret
        return env

    def add_user(self, name: str, role: str) -> None:
        subprocess.run([sys.executable, "-m", "dashboard.users", "add", name, "--role", role], cwd=self.root,
                       env=self.env(), input=PASSWORD + "\n", text=True, check=True, capture_output=True)

    def start(self) -> Server:
        limit = int(self.mem_gb * 2 ** 30)

        def bounded():
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            os.setsid()

        self.log = open(self.instance / f"gunicorn-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}", "--timeout", "120",
             "app:server"], cwd=self.root, env=self.env(), stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=bounded)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.instance / f"gunicorn-{self.port}.log").read_text()
                raise RuntimeError(f"gunicorn exited: {log[-2000:]}")
            try:
                if requests.get(self.url + "/api/v1/countries", timeout=5).status_code < 500:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def workers(self) -> list[int]:
        return children(self.proc.pid) if self.proc else []

    def _sample(self) -> None:
        while not self._stop.is_set():
            for pid in self.workers():
                self.peak = max(self.peak, rss_mb(pid))
            time.sleep(0.02)

    @contextmanager
    def measure(self):
        self.peak = max((rss_mb(p) for p in self.workers()), default=0.0)
        start = time.perf_counter()
        box = {}
        yield box
        box["seconds"] = time.perf_counter() - start
        time.sleep(0.05)
        box["peak_mb"] = self.peak

    def reload(self) -> None:
        """New workers (SIGHUP): their first request is the next one they get."""
        old = set(self.workers())
        os.kill(self.proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = set(self.workers())
            if len(now) == 2 and not now & old:
                break
            time.sleep(0.2)
        time.sleep(1.0)

    def stop(self) -> None:
        self._stop.set()
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


ROWS: list[tuple] = []


def report(name: str, box: dict, status, note: str = "") -> None:
    ROWS.append((name, status, box.get("seconds", 0.0), box.get("peak_mb", 0.0), note))
    print(f"{name:<46} {status!s:>7} {box.get('seconds', 0.0):8.2f} s {box.get('peak_mb', 0.0):8.0f} MB  {note}",
          flush=True)


def call(srv: Server, name: str, method: str, path: str, timeout: float, note=None, **kw):
    kw.setdefault("headers", {})["Connection"] = "close"
    with srv.measure() as box:
        try:
            r = requests.request(method, srv.url + path, timeout=timeout, **kw)
            status = r.status_code
        except requests.RequestException as exc:
            r, status = None, type(exc).__name__
    text = note(r) if (note and r is not None) else (_short(r) if r is not None else "")
    report(name, box, status, text)
    return r


def _short(r) -> str:
    body = r.text[:90].replace("\n", " ")
    return body


def basic(name: str, password: str = PASSWORD) -> tuple[str, str]:
    return (name, password)


def sign_in(srv: Server, name: str, password: str = PASSWORD) -> requests.Session | None:
    s = requests.Session()
    s.headers["Connection"] = "close"
    page = s.get(srv.url + "/signin", timeout=30)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    r = s.post(srv.url + "/signin", data={"csrf": token.group(1) if token else "", "name": name,
                                          "password": password, "next": "/review"},
               timeout=60, allow_redirects=False)
    return s if r.status_code == 303 else None


def chunks(total: int, size: int = MB):
    block = b"x" * size
    sent = 0
    while sent < total:
        yield block
        sent += size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to serve (default: this one)")
    parser.add_argument("--memory-limit-gb", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=60.0, help="client timeout per request (s)")
    args = parser.parse_args()
    root, t = args.root.resolve(), args.timeout
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    print(f"# abuse benchmark: {root} (git {commit.stdout.strip()}), "
          f"gunicorn -w 2 on 127.0.0.1, workers limited to {args.memory_limit_gb:g} GB address space")
    print(f"{'request':<46} {'status':>7} {'time':>10} {'peak RSS':>11}  answer")

    with tempfile.TemporaryDirectory(prefix="drd-abuse-") as tmp:
        tmp = Path(tmp)
        srv = Server(root, tmp / "a", "abuse-shared-secret", args.memory_limit_gb)
        srv.instance.mkdir()
        for name, role in (("lee", "lead"), ("lou", "lead"), ("ana", "reviewer"), ("mal", "reviewer")):
            srv.add_user(name, role)
        try:
            srv.start()
            run_main(srv, t)
        finally:
            srv.stop()

        srv2 = Server(root, tmp / "b", None, args.memory_limit_gb)
        srv2.instance.mkdir()
        srv2.add_user("ana", "reviewer")
        try:
            srv2.start()
            with srv2.measure() as box:
                ok = 0
                for _ in range(20):
                    s = sign_in(srv2, "ana")
                    if s is not None and s.get(srv2.url + "/api/v1/reviews", timeout=30).status_code == 200:
                        ok += 1
            report("20 sign-ins, no DRD_SECRET_KEY (multi-worker)", box, "-", f"{20 - ok}/20 sessions failed")
        except RuntimeError as exc:
            report("20 sign-ins, no DRD_SECRET_KEY (multi-worker)", {}, "refused", str(exc)[-120:])
        finally:
            srv2.stop()
    peak = max((r[3] for r in ROWS), default=0)
    print(f"# workers' peak resident memory over all requests: {peak:.0f} MB")
    return 0


def run_main(srv: Server, t: float) -> None:
    # warm both workers' data (so peaks below are the request's own)
    for _ in range(4):
        requests.get(srv.url + "/api/v1/scores?year=2021", timeout=t, headers={"Connection": "close"})

    # 2. session leak via a shared layout: the lead's request is each new worker's first
    lead = sign_in(srv, "lee")
    srv.reload()
    with srv.measure() as box:
        for _ in range(4):
            lead.get(srv.url + "/country/COL", timeout=t)
        pages = [requests.get(srv.url + "/", timeout=t, headers={"Connection": "close"}) for _ in range(10)]
    leaked = sum("lee" in p.text and "Signed in as" in p.text for p in pages)
    size = len(pages[0].content) if pages else 0
    report("visitor GET / after a lead's first requests", box, pages[0].status_code,
           f"{leaked}/10 visitor pages carry the lead's name; HTML {size / 1024:.0f} KB")

    # 1. unbounded year ranges and lists
    call(srv, "GET /api/v1/scores?year=0-30000000", "GET", "/api/v1/scores?year=0-30000000", t)
    call(srv, "GET /api/v1/scores?year=0-999999999", "GET", "/api/v1/scores?year=0-999999999", t)
    # (gunicorn refuses request lines over 4094 bytes, so these stay just under; `python app.py` has no such limit)
    call(srv, "GET /api/v1/scores?year=2015-2023,...x250", "GET",
         "/api/v1/scores?year=" + ",".join(["2015-2023"] * 250), t)
    call(srv, "GET /api/v1/scores?country=COL,...x900", "GET",
         "/api/v1/scores?year=2021&country=" + ",".join(["COL"] * 900), t)

    # 4. passwords
    with srv.measure() as box:
        # an account of its own: the lockout (per account and address) must not hide the lead's later rows
        statuses = [requests.get(srv.url + "/api/v1/reviews", auth=basic("mal", f"wrong-{i}"), timeout=t,
                                 headers={"Connection": "close"}).status_code for i in range(40)]
    report("40 wrong passwords (HTTP Basic)", box, statuses[-1],
           f"{statuses.count(401)}x401 {statuses.count(429)}x429")
    time.sleep(0)
    s = sign_in(srv, "lou")
    if s is not None:
        cookie = dict(s.cookies)
        page = s.get(srv.url + "/signin", timeout=t)
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        s.post(srv.url + "/signout", data={"csrf": token.group(1) if token else ""}, timeout=t,
               allow_redirects=False)
        call(srv, "old session cookie after sign-out", "GET", "/api/v1/reviews", t, cookies=cookie,
             note=lambda r: "session still valid" if r.status_code == 200 else "revoked")

    # 8. security headers
    want = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")
    call(srv, "GET / security headers", "GET", "/", t,
         note=lambda r: ", ".join(f"{h}: {'yes' if h in r.headers else 'MISSING'}" for h in want))

    # 9. CSV Link header injection
    call(srv, "GET /download/scores.csv?x=%0d%0aSet-Cookie", "GET",
         "/download/scores.csv?year=2021&country=COL&x=%0d%0aSet-Cookie:%20pwned=1", t,
         note=lambda r: f"Link: {r.headers.get('Link', '-')[:60]!r}; injected cookie: "
                        f"{'yes' if 'pwned' in r.headers.get('Set-Cookie', '') else 'no'}")

    # 7. review API numbers
    lee, lou, ana = basic("lee"), basic("lou"), basic("ana")
    call(srv, "accept correction 1180591620717411303424", "POST", "/api/v1/corrections/1180591620717411303424/accept",
         t, auth=lee, json={})
    call(srv, "GET /api/v1/events?since=2**70", "GET", f"/api/v1/events?since={2 ** 70}", t, auth=lee)
    call(srv, "GET /api/v1/events?limit=-1", "GET", "/api/v1/events?limit=-1", t, auth=lee)
    review = {"country": "COL", "year": 2021, "indicator": "p_fiw_d4", "status": "disputed",
              "comment": "abuse", "source": "https://example.org"}
    call(srv, "POST review proposed_value 10**400", "POST", "/api/v1/reviews", t, auth=ana,
         data=json.dumps(review)[:-1] + ', "proposed_value": 1' + "0" * 400 + "}",
         headers={"Content-Type": "application/json"})
    call(srv, "POST review proposed_value -1e308 (0-4 item)", "POST", "/api/v1/reviews", t, auth=ana,
         json=review | {"proposed_value": -1e308})

    # 7. bodies
    call(srv, "POST /_dash-update-component 200 MB body", "POST", "/_dash-update-component", t,
         data=chunks(200 * MB), headers={"Content-Type": "application/json", "Content-Length": str(200 * MB)})
    call(srv, "POST /api/v1/reviews chunked 300 MB", "POST", "/api/v1/reviews", t, auth=ana,
         data=chunks(300 * MB), headers={"Content-Type": "application/json"})

    # 7. tampered callback payloads: every callback, every input set to junk
    deps = requests.get(srv.url + "/_dash-dependencies", timeout=t).json()
    junk = ["ZZZ", {"points": [{"location": 5}]}, -10 ** 30, [None], "2021abc"]
    statuses = []
    with srv.measure() as box:
        for dep in deps:
            if dep.get("clientside_function"):
                continue
            for value in junk:
                body = {"output": dep["output"], "outputs": _outputs(dep), "changedPropIds": [],
                        "inputs": [dict(i, value=value) for i in dep["inputs"]],
                        "state": [dict(s, value=value) for s in dep.get("state", [])]}
                if body["inputs"]:
                    body["changedPropIds"] = [f"{body['inputs'][0]['id']}.{body['inputs'][0]['property']}"]
                try:
                    statuses.append(requests.post(srv.url + "/_dash-update-component", json=body, timeout=t,
                                                  headers={"Connection": "close"}).status_code)
                except requests.RequestException:
                    statuses.append(599)
    report(f"{len(statuses)} tampered callback payloads", box, "-",
           f"{sum(s >= 500 for s in statuses)} answered 5xx")

    # 3. formula injection, 9. concurrency and idempotency
    formula = '=HYPERLINK("http://example.org/x","click")'
    r = requests.post(srv.url + "/api/v1/reviews", auth=ana, timeout=t, json=review | {
        "indicator": "e_fiw_d1", "proposed_value": 2, "comment": formula})
    cid = (r.json().get("correction") or {}).get("id") if r.status_code == 201 else None
    if cid:
        requests.post(srv.url + f"/api/v1/corrections/{cid}/accept", auth=lee, json={}, timeout=t)
        time.sleep(2.5)  # the other worker notices within 2 s

        def xlsx_note(resp):
            from openpyxl import load_workbook
            wb = load_workbook(io.BytesIO(resp.content))
            live = sum(1 for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f")
            return f"{live} live formula cell(s)"

        call(srv, "XLSX with a reviewer's '=HYPERLINK(...)'", "GET",
             "/download/scores.xlsx?year=2021&country=COL&level=indicator", t, note=xlsx_note)
        call(srv, "CSV with a reviewer's '=HYPERLINK(...)'", "GET",
             "/download/scores.csv?year=2021&country=COL&level=indicator", t,
             note=lambda resp: "cell starts with '='" if re.search(r'(^|,)"?=HYPERLINK', resp.text, re.M)
             else "neutralised")

    ids = []
    for value in (1, 3):
        r = requests.post(srv.url + "/api/v1/reviews", auth=ana, timeout=t, json=review | {
            "indicator": "s_fiw_e1", "proposed_value": value})
        ids.append((r.json().get("correction") or {}).get("id") if r.status_code == 201 else None)
    if all(ids):
        results = {}

        def accept(cid, who):
            results[cid] = requests.post(srv.url + f"/api/v1/corrections/{cid}/accept", auth=who, json={},
                                         timeout=t, headers={"Connection": "close"}).status_code

        with srv.measure() as box:
            threads = [threading.Thread(target=accept, args=(c, w)) for c, w in zip(ids, (lee, lou))]
            [th.start() for th in threads]
            [th.join() for th in threads]
        report("2 concurrent accepts, same value", box, "-", " ".join(str(results[c]) for c in ids))

    key = {"Idempotency-Key": "abuse-retry-1"}
    with srv.measure() as box:
        before = len(requests.get(srv.url + "/api/v1/reviews?country=COL&year=2021", auth=ana, timeout=t).json())
        codes = [requests.post(srv.url + "/api/v1/reviews", auth=ana, timeout=t, headers=key, json=review | {
            "indicator": "a_internet_users", "status": "confirmed"}).status_code for _ in range(2)]
        after = len(requests.get(srv.url + "/api/v1/reviews?country=COL&year=2021", auth=ana, timeout=t).json())
    report("same review POST retried, Idempotency-Key", box, "-",
           f"{' '.join(map(str, codes))}; {after - before} review(s) stored")


def _outputs(dep: dict):
    out = dep["output"]
    parts = out.strip(".").split("...") if out.startswith("..") else [out]
    res = []
    for p in parts:
        if "." in p:
            cid, prop = p.rsplit(".", 1)
            res.append({"id": cid, "property": prop})
    return res if out.startswith("..") else (res[0] if res else {})


if __name__ == "__main__":
    sys.exit(main())
