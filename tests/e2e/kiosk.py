"""A running kiosk under WebDriver, seen through the UI's test hooks (ui/: `#app[data-screen]`,
`button[data-action]`, `button[data-persona]`, `button[data-wechat]`, ...) and its in-process
sandbox's admin API (sandbox/README.md), at the address given with `--sandbox-listen`.

Outcomes are awaited with WebDriverWait on `#app[data-screen]`, never with fixed sleeps.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import time
import zlib
import urllib.error
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
#: Where the screenshots go: docs/screens/<lang>/<name>.png (FACEKIOSK_SCREENS_DIR overrides).
SCREENS = Path(os.environ.get("FACEKIOSK_SCREENS_DIR") or ROOT / "docs" / "screens")

#: Patient screens, as `#app[data-screen]` names them.
SCREEN_NAMES = (
    "idle", "consent", "preparing", "faceScan", "waitingConfirmation", "success",
    "welcomeBack", "refusal", "failed", "misconfigured",
)

#: Long enough for a cold debug binary (sandbox keys generated on first start).
FIRST_PAINT_TIMEOUT = 60
#: Anything the kiosk does on its own, against the sandbox on loopback.
STEP_TIMEOUT = 20


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))


class Kiosk:
    def __init__(self, driver: webdriver.Remote, sandbox: str, data_dir: Path):
        self.driver = driver
        self.sandbox = sandbox
        self.data_dir = data_dir

    # ---- life cycle -------------------------------------------------------------------------

    @classmethod
    def launch(cls, driver_url: str, app: Path, data_dir: Path, sandbox_port: int,
               kiosk_settings: dict | None = None, args: list[str] | None = None,
               first_screen: str = "idle") -> "Kiosk":
        """The app in demo mode (or with `args` instead), once `first_screen` shows."""
        data_dir.mkdir(parents=True, exist_ok=True)
        sandbox_addr = f"127.0.0.1:{sandbox_port}"
        if args is None:
            args = ["--demo", "--data-dir", str(data_dir), "--sandbox-listen", sandbox_addr]
        if kiosk_settings:
            # Only a [kiosk] section: in demo mode it overrides the settings of the sandbox's
            # generated configuration (short timeouts for the timeout tests).
            override = data_dir.parent / f"{data_dir.name}-override.toml"
            lines = ["[kiosk]"] + [f"{k} = {_toml_value(v)}" for k, v in kiosk_settings.items()]
            override.write_text("\n".join(lines) + "\n", encoding="utf-8")
            args += ["--config", str(override)]
        options = ArgOptions()
        # No browserName: WebKitGTK 2.5x reports "MiniBrowser" and a mismatch fails the session.
        options.set_capability("tauri:options", {"application": str(app), "args": args})
        driver = webdriver.Remote(command_executor=driver_url, options=options)
        k = cls(driver, f"http://{sandbox_addr}", data_dir)
        try:
            k.wait_screen(first_screen, timeout=FIRST_PAINT_TIMEOUT)
        except BaseException:
            k.quit()
            raise
        return k

    def quit(self) -> None:
        try:
            self.driver.quit()  # tauri-driver ends the app with the session
        except WebDriverException:
            pass

    # ---- reading the page -------------------------------------------------------------------

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def screen(self) -> str | None:
        return self.js(
            "const a = document.getElementById('app'); return a && a.getAttribute('data-screen');"
        )

    def lang(self) -> str:
        return self.js("return document.documentElement.lang;")

    def wait_screen(self, *names: str, timeout: float = STEP_TIMEOUT) -> str:
        """Waits until `#app[data-screen]` is one of `names`; returns which."""
        seen: list[str] = []

        def arrived(_):
            s = self.screen()
            if not seen or seen[-1] != s:
                seen.append(s)
            return s if s in names else False

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(arrived)
        except TimeoutException:
            raise AssertionError(
                f"screen never became {' or '.join(names)} within {timeout} s; "
                f"screens seen: {' -> '.join(map(str, seen))}"
            ) from None

    def wait_until(self, what: str, predicate, timeout: float = STEP_TIMEOUT):
        try:
            return WebDriverWait(
                self.driver, timeout, poll_frequency=0.05,
                ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
            ).until(lambda _: predicate())
        except TimeoutException:
            raise AssertionError(
                f"{what} did not happen within {timeout} s (screen: {self.screen()})"
            ) from None

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def has(self, css: str) -> bool:
        """Whether a displayed element matches `css`."""
        return self.js(
            """const el = document.querySelector(arguments[0]);
               if (!el) return false;
               const r = el.getBoundingClientRect(), st = getComputedStyle(el);
               return r.width > 0 && r.height > 0 && st.visibility !== 'hidden'
                      && st.display !== 'none';""",
            css,
        )

    def value(self, css: str) -> str:
        """The text of the element `css` names, or the value of the data attribute it selects
        by (`[data-masked-name]` -> data-masked-name) when the element has no text."""
        el = self.find(css)
        text = (el.text or "").strip()
        if text:
            return text
        attr = css.strip("[]").split("=")[0].split("]")[0].split("[")[-1]
        return (el.get_attribute(attr) or "").strip()

    def text(self) -> str:
        return self.js("return document.getElementById('app').innerText;")

    def source(self) -> str:
        """The whole live document, as the webview holds it."""
        return self.js("return document.documentElement.outerHTML;")

    # ---- acting -----------------------------------------------------------------------------

    def click(self, css: str, timeout: float = STEP_TIMEOUT) -> None:
        """Clicks the element `css` names once it is displayed and enabled."""
        def ready():
            el = self.find(css)
            return el if el.is_displayed() and el.is_enabled() else False

        el = self.wait_until(f"{css} to be clickable", ready, timeout)
        try:
            el.click()
        except (StaleElementReferenceException, WebDriverException):
            # Re-rendered between the wait and the click: once more, on the new element.
            self.wait_until(f"{css} to be clickable", ready, timeout).click()

    def action(self, name: str, timeout: float = STEP_TIMEOUT) -> None:
        self.click(f'button[data-action="{name}"]', timeout)

    def has_action(self, name: str) -> bool:
        return self.has(f'button[data-action="{name}"]')

    def persona(self, persona_id: str) -> None:
        self.click(f'button[data-persona="{persona_id}"]')

    def wechat(self, answer: str) -> None:
        self.click(f'button[data-wechat="{answer}"]')

    def set_language(self, language: str) -> None:
        """Presses the language button until `<html lang>` is `language`."""
        for _ in range(4):
            if self.lang() == language:
                return
            before = self.lang()
            self.action("language")
            self.wait_until(f"lang to change from {before}", lambda: self.lang() != before)
        assert self.lang() == language, f"lang is {self.lang()}, wanted {language}"

    def start_to_face_scan(self) -> None:
        """idle -> consent -> agree -> (preparing) -> faceScan."""
        self.action("start")
        self.wait_screen("consent")
        self.action("agree")
        self.wait_screen("faceScan")

    def back_to_idle(self, timeout: float = STEP_TIMEOUT) -> None:
        """From a result screen: `done` when offered, else the screen's own timeout."""
        if self.has_action("done"):
            self.action("done")
        self.wait_screen("idle", timeout=timeout)

    # ---- the sandbox's admin API ------------------------------------------------------------

    def admin(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.sandbox + path, data=data, method=method,
            headers={"Content-Type": "application/json"} if data else {},
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raise AssertionError(
                f"sandbox {method} {path}: {e.code} {e.read().decode(errors='replace')}"
            ) from None
        return json.loads(raw) if raw.strip() else None

    def hospital_numbers(self, name: str) -> list[str]:
        """The sandbox hospital's patient numbers of the patient called `name`."""
        patients = self.admin("GET", "/sandbox/hospital/patients")
        return [p["number"] for p in patients if p["name"] == name]

    def fault(self, **rule) -> None:
        self.admin("POST", "/sandbox/faults", rule)

    # ---- screenshots ------------------------------------------------------------------------

    def settle(self) -> None:
        """Lets the page finish what it is drawing: fonts loaded, finite animations and
        transitions run to their end, two frames painted."""
        self.driver.execute_async_script(
            """const done = arguments[arguments.length - 1];
               document.fonts.ready.then(() => {
                 for (const a of document.getAnimations()) {
                   try { a.finish(); } catch (e) { /* infinite: a spinner */ }
                 }
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
               });"""
        )

    def shot(self, name: str, lang: str | None = None) -> Path:
        """Saves the screen (the kiosk window fills it) as docs/screens/<lang>/<name>.png.

        Grabbed from the X server with xwd rather than through WebDriver: WebKitWebDriver's
        screenshot hangs when WebKit's accelerated compositing is off, which is how the kiosk
        runs (src-tauri: WEBKIT_DISABLE_COMPOSITING_MODE)."""
        lang = lang or self.lang()
        path = SCREENS / lang / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.settle()
        width, height = grab_screen_png(path)
        assert (width, height) == (1280, 800), f"screenshot {path} is {width}x{height}"
        return path


def grab_screen_png(path: Path) -> tuple[int, int]:
    """`xwd -root` of $DISPLAY, written as an RGB PNG; returns its size. Std-only."""
    raw = subprocess.run(["xwd", "-root", "-silent"], check=True, capture_output=True).stdout
    h = struct.unpack(">25I", raw[:100])
    header_size, fmt, width, height = h[0], h[2], h[4], h[5]
    byte_order, bpp, stride, ncolors = h[7], h[11], h[12], h[19]
    masks = h[14:17]
    if fmt != 2 or bpp != 32:
        raise AssertionError(f"xwd: unexpected format {fmt} / {bpp} bits per pixel")
    # Which byte of a pixel holds each of red, green, blue.
    index = []
    for mask in masks:
        shift = (mask & -mask).bit_length() - 1
        index.append(shift // 8 if byte_order == 0 else 3 - shift // 8)
    data = memoryview(raw)[header_size + 12 * ncolors:]
    rows = bytearray()
    for y in range(height):
        px = data[y * stride: y * stride + width * 4]
        line = bytearray(width * 3)
        for channel, i in enumerate(index):
            line[channel::3] = px[i::4]
        rows += b"\0" + line  # filter: none
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
           + chunk(b"IEND", b""))
    path.write_bytes(png)
    return width, height


def wait_for(what: str, predicate, timeout: float = STEP_TIMEOUT, interval: float = 0.05):
    """Polls `predicate` outside the browser (the sandbox, the file system)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(interval)
