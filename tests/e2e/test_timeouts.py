"""The idle countdown: a warning overlay with the seconds left, "extend" keeps the session,
no answer returns to idle. Short timeouts through a [kiosk] settings override."""

from __future__ import annotations

import pytest

FAST = {"idle_timeout_secs": 10, "warning_secs": 5}
WARNING = '[data-overlay="warning"]'


def wait_warning(k) -> int:
    k.wait_until("the timeout warning", lambda: k.has(WARNING), timeout=15)
    left = int(k.value(f"{WARNING} [data-seconds-left]"))
    assert 0 < left <= FAST["warning_secs"], left
    return left


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_idle_timeout_extended(launch, language):
    k = launch(language=language, **FAST)
    k.action("start")
    k.wait_screen("consent")
    wait_warning(k)
    k.shot("timeoutWarning")
    k.action("extend")
    k.wait_until("the warning to go", lambda: not k.has(WARNING))
    assert k.screen() == "consent", "extending keeps the session"
    k.action("agree")
    k.wait_screen("faceScan")


def test_idle_timeout_without_extension(launch):
    k = launch(**FAST)
    k.action("start")
    k.wait_screen("consent")
    wait_warning(k)
    k.wait_screen("idle", timeout=FAST["warning_secs"] + 5)
    assert not k.has(WARNING)
