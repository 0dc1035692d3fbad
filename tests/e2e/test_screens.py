"""A tour of every patient screen in each language, saving docs/screens/<lang>/<screen>.png
(1280x800) for the README; each stop is also asserted. The timeout warning is shot by
test_timeouts.py."""

from __future__ import annotations

import pytest


def catch_preparing(k) -> bool:
    """`preparing` lasts as long as the terminal and authinfo take; slowed down, it is seen."""
    return k.wait_screen("preparing", "faceScan") == "preparing"


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_screens(launch, language):
    k = launch(language=language)
    assert k.lang() == language
    k.shot("idle")

    # Elder mode: larger type; shot on idle, then back to normal.
    before = k.js("return document.body.innerHTML;")
    k.action("elder")
    k.wait_until("elder mode", lambda: k.js("return document.body.innerHTML;") != before)
    k.shot("idleElder")
    k.action("elder")
    k.wait_until("normal mode", lambda: k.js("return document.body.innerHTML;") == before)

    # New patient, confirms.
    for target in ("getWxpayfaceRawdata", "authinfo"):
        k.fault(target=target, kind="latency", ms=1500, times=1)
    k.action("start")
    k.wait_screen("consent")
    k.shot("consent")
    k.action("agree")
    if catch_preparing(k):
        k.shot("preparing")
    k.wait_screen("faceScan")
    k.shot("faceScan")
    k.persona("zhang-san")
    k.wait_screen("waitingConfirmation")
    k.shot("waitingConfirmation")
    k.wechat("confirm")
    k.wait_screen("success")
    k.shot("success")
    k.back_to_idle()

    # Already registered.
    k.start_to_face_scan()
    k.persona("registered")
    k.wait_screen("welcomeBack")
    k.shot("welcomeBack")
    k.back_to_idle()

    # Declines our consent.
    k.action("start")
    k.wait_screen("consent")
    k.action("decline")
    k.wait_screen("refusal")
    k.shot("refusal")
    k.back_to_idle()

    # WeChat's backend fails.
    k.fault(target="facemch", kind="status", status=503)
    k.start_to_face_scan()
    k.persona("zhang-san")
    k.wait_screen("waitingConfirmation")
    k.wechat("confirm")
    k.wait_screen("failed")
    k.shot("failed")
