"""Run the real app (`python app.py`) as a subprocess on 127.0.0.1 with its own review store.

Used by the live-server tests (concurrency, SIGKILL) and the browser test: a separate process keeps
accepted corrections out of the shared in-process app's scores and can be killed for real.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppProcess:
    def __init__(self, instance_dir: Path, database_url: str | None = None, port: int | None = None):
        self.instance_dir = Path(instance_dir)
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = self.instance_dir / f"server-{self.port}.log"

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env |= {"DRD_INSTANCE_DIR": str(self.instance_dir), "DRD_SECRET_KEY": "live-test-secret",
                "PYTHONUNBUFFERED": "1"}
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def start(self, timeout: float = 60) -> AppProcess:
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(self.port)],
                                     cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app exited ({self.proc.returncode}): {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/signin", timeout=2) as r:
                    if r.status == 200:
                        # Dash sets up its pages (validation layout, clientside scripts) in the first Dash
                        # request; a browser arriving meanwhile gets a half-set-up app: wait for it here
                        with urllib.request.urlopen(self.url + "/_dash-layout", timeout=timeout) as layout:
                            layout.read()
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"the app did not answer within {timeout}s: {self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler, no flush; what is committed must survive."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def add_user(self, name: str, role: str, password: str) -> None:
        subprocess.run([sys.executable, "-m", "dashboard.users", "add", name, "--role", role], cwd=ROOT,
                       env=self.env, input=password + "\n", text=True, check=True, capture_output=True)


def call(url: str, method: str = "GET", body=None, user: tuple[str, str] | None = None,
         timeout: float = 30) -> tuple[int, object]:
    """One HTTP request; returns (status, parsed JSON or text)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if user:
        req.add_header("Authorization", "Basic " + base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")
