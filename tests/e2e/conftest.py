"""End-to-end fixtures: the real kiosk binary in a real WebKit window, driven through WebDriver.

The chain (docs/architecture.md, "Rules of the house"): selenium (here) -> tauri-driver (a direct
child of this pytest, killed by PID) -> WebKitWebDriver -> target/debug/facekiosk, one fresh app
per test, in demo mode with its in-process sandbox on a free loopback port. A window manager
(matchbox, also a direct child) makes `fullscreen: true` fill the 1280x800 Xvfb screen.

Run by `cargo xtask test` (step e2e) as
    dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -noreset" \\
        target/py-venv/bin/python -m pytest -q tests/e2e
with FACEKIOSK_APP (the binary) and TAURI_DRIVER (its path) in the environment; both have
defaults, so the same command works by hand after `cargo build -p facekiosk-app`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from kiosk import Kiosk

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / "target" / "e2e"


def _app_path() -> Path:
    env = os.environ.get("FACEKIOSK_APP")
    if env:
        return Path(env).resolve()
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    if not target.is_absolute():
        target = ROOT / target
    return target / "debug" / "facekiosk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s")


def _stop(proc: subprocess.Popen) -> None:
    """Ends a child we started, by its PID: TERM, then KILL after 5 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="session")
def app_binary() -> Path:
    app = _app_path()
    if not app.is_file():
        pytest.fail(f"no kiosk binary at {app}: run `cargo build -p facekiosk-app` first")
    return app


@pytest.fixture(scope="session")
def production_binary() -> Path:
    """The app built without the demo, as the packages build it ($FACEKIOSK_PRODUCTION_APP;
    `cargo xtask test` builds it and keeps it aside as target/e2e/facekiosk-production)."""
    env = os.environ.get("FACEKIOSK_PRODUCTION_APP")
    app = Path(env).resolve() if env else LOG_DIR / "facekiosk-production"
    if not app.is_file():
        pytest.fail(
            f"no production kiosk binary at {app}: run `cargo build -p facekiosk-app` and copy "
            "target/debug/facekiosk there (cargo xtask test does)"
        )
    return app


@pytest.fixture(scope="session")
def display() -> str:
    value = os.environ.get("DISPLAY")
    if not value:
        pytest.skip("no DISPLAY: run under xvfb-run (cargo xtask test does)")
    return value


def _wm_running() -> bool:
    """Whether a window manager has announced itself on the root window (EWMH)."""
    out = subprocess.run(
        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], capture_output=True, text=True
    )
    return out.returncode == 0 and "window id" in out.stdout


@pytest.fixture(scope="session")
def window_manager(display: str):
    """matchbox-window-manager: without a WM, Xvfb leaves the 'fullscreen' window at 800x600."""
    if _wm_running():
        yield None  # a developer's own session
        return
    wm = shutil.which("matchbox-window-manager")
    if wm is None:
        pytest.fail("no matchbox-window-manager (apt-get install matchbox-window-manager)")
    # xvfb-run can hand over before its server takes connections (seen as matchbox's "can't
    # open display"): wait until the root window answers.
    deadline = time.monotonic() + 10
    while subprocess.run(["xprop", "-root"], capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            pytest.fail(f"the X display {display} does not answer")
        time.sleep(0.1)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(LOG_DIR / f"matchbox.{os.getpid()}.log", "wb")
    proc = subprocess.Popen([wm, "-use_titlebar", "no", "-use_cursor", "no"],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not _wm_running():
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(proc)
            pytest.fail("matchbox-window-manager did not start (see target/e2e/matchbox.*.log)")
        time.sleep(0.05)
    yield proc
    _stop(proc)
    log.close()


@pytest.fixture(scope="session")
def tauri_driver(window_manager):
    """tauri-driver on free ports, started as a direct child and stopped by its PID, so a stale
    driver can never hold the port of the next run."""
    driver = os.environ.get("TAURI_DRIVER") or shutil.which("tauri-driver")
    if not driver:
        cargo_bin = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo")) / "bin"
        candidate = cargo_bin / "tauri-driver"
        driver = str(candidate) if candidate.is_file() else None
    if not driver:
        pytest.fail("no tauri-driver: cargo install tauri-driver --locked")
    port, native_port = free_port(), free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"tauri-driver.{os.getpid()}.log"  # the app's log too
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [driver, "--port", str(port), "--native-port", str(native_port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, proc, "tauri-driver")
        # It listens at once, but forwards to WebKitWebDriver, which takes a moment more.
        _wait_listening(native_port, proc, "WebKitWebDriver (started by tauri-driver)")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)
        log.close()


@pytest.fixture
def launch(tauri_driver, app_binary, tmp_path):
    """`launch(**kiosk_settings)`: a fresh kiosk in demo mode; every one is quit at teardown."""
    started: list[Kiosk] = []

    def start(language: str | None = None, args: list[str] | None = None,
              first_screen: str = "idle", app: Path | None = None, **kiosk_settings) -> Kiosk:
        k = Kiosk.launch(
            tauri_driver,
            app or app_binary,
            tmp_path / f"kiosk-{len(started)}",
            sandbox_port=free_port(),
            kiosk_settings=kiosk_settings,
            args=args,
            first_screen=first_screen,
        )
        started.append(k)
        if language is not None:
            k.set_language(language)
        return k

    yield start
    for k in started:
        k.quit()


@pytest.fixture
def kiosk(launch) -> Kiosk:
    """A fresh kiosk in demo mode with the default (zh-CN) language, on its idle screen."""
    return launch()


def pytest_configure(config):
    # Selenium 4.51 warns about its own Remote() internals on every session.
    config.addinivalue_line(
        "filterwarnings", "ignore:setting remote_server_addr:DeprecationWarning"
    )
