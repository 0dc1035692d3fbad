"""A tour of every patient screen in each language, saving docs/screens/<lang>/<screen>.png
(1280x800) for the README; each stop is also asserted. The timeout warning is shot by
test_timeouts.py."""

from __future__ import annotations

import pytest


def shot(k, language: str, name: str) -> None:
    assert k.lang() == language, f"{name}: the screen is in {k.lang()}, not {language}"
    k.shot(name, language)


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
    # `preparing` (terminal init, authinfo) is not shot: the demo warms both at start-up, so
    # it lasts under a millisecond (no fault slows it: init and authinfo come from caches).
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
    k.wait_screen("refusal")
    shot(k, language, "refusal")
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
