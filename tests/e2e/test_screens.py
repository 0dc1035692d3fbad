"""A tour of every patient screen in each language, saving docs/screens/<lang>/<screen>.png
(1280x800) for the README; each stop is also asserted. The refusal screen is shot for each of
its reasons (refusal.png: declined our consent; refusalCancelledFaceScan.png,
refusalCancelledAtWechat.png). The timeout warning is shot by test_timeouts.py, the
misconfigured screen by test_kiosk.py. `preparing` is shot with a slow terminal
initialisation (see the end)."""

from __future__ import annotations

import pytest


def shot(k, language: str, name: str) -> None:
    assert k.lang() == language, f"{name}: the screen is in {k.lang()}, not {language}"
    k.shot(name, language)


def assert_refusal(k, reason: str) -> None:
    """On the refusal screen, for `reason` (ui/src/screens/refusal.ts: data-reason)."""
    k.wait_screen("refusal")
    got = k.find(".screen-refusal").get_attribute("data-reason")
    assert got == reason, f"refusal for {got}, not {reason}"


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_screens(launch, language):
    k = launch(language=language)
    assert k.lang() == language
    shot(k, language, "idle")

    # Elder mode: larger type; shot on idle, then back to normal.
    before = k.js("return document.body.innerHTML;")
    k.action("elder")
    k.wait_until("elder mode", lambda: k.js("return document.body.innerHTML;") != before)
    shot(k, language, "idleElder")
    k.action("elder")
    k.wait_until("normal mode", lambda: k.js("return document.body.innerHTML;") == before)

    # New patient, confirms.
    k.action("start")
    k.wait_screen("consent")
    shot(k, language, "consent")
    k.action("agree")
    k.wait_screen("faceScan")
    shot(k, language, "faceScan")
    k.persona("zhang-san")
    k.wait_screen("waitingConfirmation")
    shot(k, language, "waitingConfirmation")
    k.wechat("confirm")
    k.wait_screen("success")
    shot(k, language, "success")
    k.back_to_idle()

    # Already registered. (A session ends in the kiosk's default language: choose again.)
    k.set_language(language)
    k.start_to_face_scan()
    k.persona("registered")
    k.wait_screen("welcomeBack")
    shot(k, language, "welcomeBack")
    k.back_to_idle()

    # Declines our consent.
    k.set_language(language)
    k.action("start")
    k.wait_screen("consent")
    k.action("decline")
    assert_refusal(k, "declinedConsent")
    shot(k, language, "refusal")
    k.back_to_idle()

    # Cancels the face scan on the terminal (the `cancels` persona, as test_flows.py).
    k.set_language(language)
    k.start_to_face_scan()
    k.persona("cancels")
    assert_refusal(k, "cancelledFaceScan")
    shot(k, language, "refusalCancelledFaceScan")
    k.back_to_idle()

    # Declines on WeChat's screen (a new patient: rare-char is not registered and, refused,
    # stays so).
    k.set_language(language)
    k.start_to_face_scan()
    k.persona("rare-char")
    k.wait_screen("waitingConfirmation")
    k.wechat("cancel")
    assert_refusal(k, "cancelledAtWechat")
    shot(k, language, "refusalCancelledAtWechat")
    k.back_to_idle()

    # WeChat's backend fails (a new patient: zhang-san is registered by now).
    k.fault(target="facemch", kind="status", status=503)
    k.set_language(language)
    k.start_to_face_scan()
    k.persona("with-phone")
    k.wait_screen("waitingConfirmation")
    k.wechat("confirm")
    k.wait_screen("failed")
    shot(k, language, "failed")
    k.back_to_idle()
    k.admin("DELETE", "/sandbox/faults")

    # Preparing: warm, it lasts under a millisecond. A terminal plugged in again is initialised
    # when the next patient agrees; a slow initialisation keeps the screen up to be seen.
    def terminal_state() -> str | None:
        return k.find("[data-terminal-status]").get_attribute("data-terminal-state")

    k.admin("POST", "/sandbox/terminal/unplug")
    k.wait_until("the terminal to drop", lambda: terminal_state() != "connected")
    k.admin("POST", "/sandbox/terminal/replug")
    # Reconnected: until then the kiosk still counts the terminal as initialised.
    k.wait_until("the terminal to return", lambda: terminal_state() == "connected")
    k.fault(target="initWxpayface", kind="latency", ms=4000, times=1)
    k.set_language(language)
    k.action("start")
    k.wait_screen("consent")
    k.action("agree")
    k.wait_screen("preparing")
    shot(k, language, "preparing")
    k.wait_screen("faceScan")
