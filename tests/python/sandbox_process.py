"""`facekiosk-sandbox serve` as a child process, for the Python suites: started on a free
loopback port, its admin API at hand, stopped at the end.

The sandbox binary is $FACEKIOSK_SANDBOX_BIN, or `cargo run -q -p facekiosk-sandbox --` from
the repository root.
"""

import json
import os
import re
import shlex
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 900  # `cargo run` may have to build the binary first

# Loopback only: never through a proxy the environment may name.
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"


def sandbox_command():
    binary = os.environ.get("FACEKIOSK_SANDBOX_BIN")
    if binary:
        return shlex.split(binary)
    return ["cargo", "run", "-q", "-p", "facekiosk-sandbox", "--"]


class SandboxProcess:
    def __init__(self, data_dir: Path, sandbox_toml: str = ""):
        data_dir.mkdir(parents=True, exist_ok=True)
        if sandbox_toml:
            (data_dir / "sandbox.toml").write_text(sandbox_toml)
        self.proc = subprocess.Popen(
            sandbox_command()
            + ["serve", "--listen", "127.0.0.1:0", "--data-dir", str(data_dir)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Drain stderr (the request log) so the pipe never fills.
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()
        self.base_url = None
        deadline = time.time() + STARTUP_SECONDS
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the sandbox exited with {self.proc.wait()}")
            m = re.match(r"facekiosk-sandbox listening on (http://\S+)", line)
            if m:
                self.base_url = m.group(1)
            if line.strip() == "ready":
                break
        assert self.base_url, "the sandbox did not say where it listens"
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.info = self.admin("GET", "/sandbox/info")

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=30) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
