#!/usr/bin/env python3
"""Cold start and idle memory of the kiosk app (the budgets in docs/architecture.md: < 600 ms to
the idle screen, < 250 MB PSS for the whole process tree; PSS because RSS counts the shared
libraries once per process).

Runs APP --demo N times on a private Xvfb 1280x800 screen with matchbox-window-manager (the
window is really fullscreen); with --production PROD --config KIOSK_TOML, the kiosk as a hospital
runs it (built without the demo, configured against a sandbox that the caller runs) as many
times; with --bare BARE, a bare Tauri window (bench/bare-window: the same tauri, window settings
and first-paint signal, a static page) as many times; all alternating under the same Xvfb, each
time:
  - exec -> first paint: the launcher's clock just before exec, to the moment the app writes
    FACEKIOSK_READY_FILE (polled every 2 ms); the app's own figure (the file's content, ms from its
    start to the first paint of the idle screen) is shown beside it;
  - the milestones the apps log on their own clock (ms from their start): the app built (the
    kiosk), the page load started and finished (both), the kiosk started (its records, keys,
    terminal link; the demo's sandbox too), and the kiosk's screens' own (their script running,
    their listeners in place, the kiosk's first answers, the first screen, the paint), which
    split the cold start;
  - after IDLE seconds on the idle screen: VmRSS and PSS (/proc/PID/smaps_rollup) summed over the
    app and every descendant (WebKitWebProcess, WebKitNetworkProcess, ...), and per process name.
One warm-up run of each first (sandbox keys generated, caches cold) is shown apart and not
counted. With --bare, the medians and their ratios are also printed as `RESULT key value` lines
(for `cargo xtask bench --compare`).

Std-only. Usage: measure_startup.py APP [--production PROD --config KIOSK_TOML] [--bare BARE]
[--runs N] [--idle SECS];
scripts/measure-startup.sh builds the release binaries and calls this.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_display() -> tuple[subprocess.Popen, str]:
    """Xvfb on the first free display number (it tells us which through -displayfd)."""
    r, w = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(w)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(r, 16)
        if not chunk:
            raise SystemExit("Xvfb did not start")
        number += chunk
    os.close(r)
    return xvfb, ":" + number.decode().strip()


def wm_running(env) -> bool:
    out = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=env,
                         capture_output=True, text=True)
    return "window id" in out.stdout


def children_of() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    tree, out, todo = children_of(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, []))
    return out


def memory(pid: int) -> tuple[str, int, int] | None:
    """(name, RSS kB, PSS kB) of one process."""
    try:
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        name = Path(argv0).name or Path(f"/proc/{pid}/comm").read_text().strip()
        rss = pss = 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
        return name, rss, pss
    except (OSError, ValueError):
        return None


# The apps' own milestones (src-tauri/src/lib.rs and state.rs, bench/bare-window; the kiosk's
# screens' marks, src-tauri/src/startup.rs and ui/src/main.ts), about in the order of a start.
MILESTONES = ("app built", "kiosk started", "page load started", "ui script started",
              "page loaded", "ui loading shown", "ui listening", "ui answered", "ui staff checked", "ui first screen",
              "ui painted")
MILESTONE_LINE = re.compile(r"(" + "|".join(MILESTONES) + r") at (\d+) ms")


def milestones(log: Path) -> dict[str, float]:
    """The first time each milestone was logged (a reload logs the page's again)."""
    found: dict[str, float] = {}
    for m in MILESTONE_LINE.finditer(log.read_text(errors="replace")):
        found.setdefault(m.group(1), float(m.group(2)))
    return found


def command(kind: str, app: Path, data_dir: Path, config: Path | None) -> list[str]:
    if kind == "bare":
        return [str(app)]
    if kind == "production":
        return [str(app), "--config", str(config)]
    return [str(app), "--demo", "--data-dir", str(data_dir),
            "--sandbox-listen", f"127.0.0.1:{free_port()}"]


def one_run(args: list[str], env: dict, data_dir: Path, idle: float,
            timeout: float = 30) -> dict:
    ready = data_dir / "ready.txt"
    ready.unlink(missing_ok=True)
    run_env = dict(env, FACEKIOSK_READY_FILE=str(ready), FACEKIOSK_ALLOW_CLOSE="1")
    log = open(data_dir / "app.log", "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(args, env=run_env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        while not (ready.exists() and ready.stat().st_size > 0):
            if proc.poll() is not None:
                raise SystemExit(f"the app exited ({proc.returncode}) before its first paint; "
                                 f"see {data_dir / 'app.log'}")
            if time.monotonic() - t0 > timeout:
                raise SystemExit(f"no first paint within {timeout} s; see {data_dir / 'app.log'}")
            time.sleep(0.002)
        exec_to_paint = (time.monotonic() - t0) * 1000
        m = re.search(r"\d+(\.\d+)?", ready.read_text())
        own = float(m.group()) if m else None
        time.sleep(idle)
        procs = [x for x in (memory(p) for p in descendants(proc.pid)) if x]
    finally:
        tree = descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for pid in tree[1:]:  # WebKit helpers the app did not take down
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
    return {
        "paint": exec_to_paint,
        "own": own,
        "milestones": milestones(data_dir / "app.log"),
        "rss": sum(r for _, r, _ in procs) / 1024,
        "pss": sum(p for _, _, p in procs) / 1024,
        "procs": procs,
    }


def row(label: str, values: list[float], unit: str) -> str:
    return (f"| {label} | {statistics.median(values):.0f} {unit} | {min(values):.0f} {unit} "
            f"| {max(values):.0f} {unit} |")


def report(title: str, warm: dict, runs: list[dict]) -> None:
    print(f"\n{title}: warm-up run: exec->paint {warm['paint']:.0f} ms, "
          f"RSS {warm['rss']:.1f} MB, PSS {warm['pss']:.1f} MB\n")
    print("| what | median | min | max |")
    print("|---|---|---|---|")
    print(row("exec -> first paint", [r["paint"] for r in runs], "ms"))
    own = [r["own"] for r in runs if r["own"] is not None]
    if own:
        print(row("app start -> first paint (its own clock)", own, "ms"))
    for name in MILESTONES:
        at = [r["milestones"][name] for r in runs if name in r["milestones"]]
        if at:
            print(row(f"app start -> {name} (its own clock)", at, "ms"))
    print(row("idle RSS, whole tree", [r["rss"] for r in runs], "MB"))
    print(row("idle PSS, whole tree", [r["pss"] for r in runs], "MB"))
    names = sorted({n for r in runs for n, _, _ in r["procs"]})
    for name in names:
        rss = [sum(x for n, x, _ in r["procs"] if n == name) / 1024 for r in runs]
        pss = [sum(x for n, _, x in r["procs"] if n == name) / 1024 for r in runs]
        print(f"| {name}: RSS / PSS | {statistics.median(rss):.0f} / "
              f"{statistics.median(pss):.0f} MB | {min(rss):.0f} / {min(pss):.0f} MB "
              f"| {max(rss):.0f} / {max(pss):.0f} MB |")


def compare(who: str, kiosk: list[dict], bare: list[dict]) -> None:
    """The medians side by side, their ratios, and the RESULT lines (`who` is `kiosk` for the
    demo build, `production` for the hospital's)."""
    print(f"\n| {who} vs bare window (medians) | {who} | bare | ratio |")
    print("|---|---|---|---|")
    for key, label, unit in (("paint", "exec -> first paint", "ms"),
                             ("pss", "idle PSS, whole tree", "MB"),
                             ("rss", "idle RSS, whole tree", "MB")):
        k = statistics.median(r[key] for r in kiosk)
        b = statistics.median(r[key] for r in bare)
        print(f"| {label} | {k:.0f} {unit} | {b:.0f} {unit} | {k / b:.2f}x |")
        print(f"RESULT startup_{who}_{key}_{unit.lower()} {k:.1f}")
        print(f"RESULT startup_bare_{key}_{unit.lower()} {b:.1f}")
    for runs, name in ((kiosk, who), (bare, "bare")):
        own = [r["own"] for r in runs if r["own"] is not None]
        if own:
            print(f"RESULT startup_{name}_own_ms {statistics.median(own):.1f}")
        for milestone in MILESTONES:
            at = [r["milestones"][milestone] for r in runs if milestone in r["milestones"]]
            if at:
                key = milestone.replace(" ", "_")
                print(f"RESULT startup_{name}_{key}_ms {statistics.median(at):.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("app", type=Path)
    ap.add_argument("--bare", type=Path, help="the bare Tauri window to measure alternately")
    ap.add_argument("--production", type=Path,
                    help="the kiosk built without the demo, run on --config")
    ap.add_argument("--config", type=Path, help="the production kiosk's kiosk.toml")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=5.0)
    a = ap.parse_args()
    for tool in ("Xvfb", "matchbox-window-manager", "xprop"):
        if not shutil.which(tool):
            print(f"no {tool}: apt-get install -y xvfb matchbox-window-manager x11-utils "
                  "(or run `cargo xtask setup`)", file=sys.stderr)
            return 2
    if a.production and not a.config:
        ap.error("--production needs --config")
    apps = [("kiosk", a.app)]
    apps += [("production", a.production)] if a.production else []
    apps += [("bare", a.bare)] if a.bare else []
    xvfb, display = start_display()
    # The kiosk turns WebKit's compositing off unless told otherwise (src-tauri/src/lib.rs,
    # webkit_environment): set for both, so that the bare window runs the same WebKit and the
    # difference measured is the kiosk's own.
    env = dict(os.environ, DISPLAY=display, WEBKIT_DISABLE_COMPOSITING_MODE="1")
    env.pop("WAYLAND_DISPLAY", None)
    wm = subprocess.Popen(["matchbox-window-manager", "-use_titlebar", "no", "-use_cursor", "no"],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    warm: dict[str, dict] = {}
    runs: dict[str, list[dict]] = {name: [] for name, _ in apps}
    try:
        deadline = time.monotonic() + 10
        while not wm_running(env):
            if time.monotonic() > deadline:
                raise SystemExit("matchbox-window-manager did not start")
            time.sleep(0.05)
        with tempfile.TemporaryDirectory(prefix="facekiosk-startup-") as tmp:
            data_dir = Path(tmp)
            print(f"{' and '.join(str(p) for _, p in apps)} on Xvfb {display} 1280x800 + "
                  f"matchbox; {a.runs} runs each after 1 warm-up, memory after {a.idle:g} s idle")
            def run(name: str, app: Path) -> dict:
                return one_run(command(name, app, data_dir, a.config), env, data_dir, a.idle)

            for name, app in apps:
                warm[name] = run(name, app)
            for i in range(a.runs):
                # Alternating, each first in turn: a drift of the machine falls on all.
                for name, app in apps if i % 2 == 0 else apps[::-1]:
                    r = run(name, app)
                    runs[name].append(r)
                    own = f"{r['own']:.0f} ms" if r["own"] is not None else "-"
                    print(f"  {name} run {i + 1}: exec->paint {r['paint']:.0f} ms (its own "
                          f"{own}), RSS {r['rss']:.1f} MB, PSS {r['pss']:.1f} MB")
    finally:
        for p in (wm, xvfb):
            p.terminate()
            p.wait(5)

    for name, app in apps:
        report(f"{name} ({app})", warm[name], runs[name])
    if a.bare:
        for who in ("kiosk", "production"):
            if who in runs:
                compare(who, runs[who], runs["bare"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
