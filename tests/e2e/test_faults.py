"""Faults injected into the in-process sandbox through its admin API: each ends on the failed
screen with a code, then the kiosk returns to idle on its own, or recovers when the patient
tries again (docs/architecture.md, Budgets: any fault ends on a defined screen within its timeout, no hang)."""

from __future__ import annotations


def test_terminal_unplugged_mid_session(launch):
    k = launch(result_timeout_secs=3)
    k.start_to_face_scan()
    k.admin("POST", "/sandbox/terminal/unplug")
    k.wait_screen("failed")
    assert k.value("[data-failure-code]"), "the failed screen names its code"
    k.admin("POST", "/sandbox/terminal/replug")
    # Back to idle on its own (result_timeout_secs = 3), with nothing pressed.
    k.wait_screen("idle", timeout=15)


def test_sandbox_5xx_offers_retry_and_recovers(kiosk):
    """A 503 from api.mch fails the attempt with "try again"; once WeChat is back, the retry
    queries the same face_sid again: the patient who confirmed on WeChat's screen is not sent
    back to the face scan or to WeChat's screen, and is registered."""
    k = kiosk
    k.fault(target="facemch", kind="status", status=503)
    k.start_to_face_scan()
    k.persona("zhang-san")
    k.wait_screen("waitingConfirmation")
    k.wechat("confirm")
    k.wait_screen("failed")
    assert k.value("[data-failure-code]")
    assert k.has_action("retry"), "a 5xx is worth another try"
    k.admin("DELETE", "/sandbox/faults")
    k.action("retry")
    # Still on the failure screen for a moment: wait for where the retry leads.
    screen = k.wait_screen("success", "faceScan", "idle", "consent")
    assert screen == "success", f"the retry went to {screen}, not straight to success"
    assert "*" in k.value("[data-masked-name]")
    assert k.value("[data-patient-ref]")
    k.back_to_idle()


def test_a_hospital_system_that_refuses_ends_on_its_screen_with_the_alternatives(kiosk):
    """The hospital's system answers and does not register the patient: the failed screen
    says so in plain words, with the alternatives and the codes for staff, and offers no
    "try again" (the window can register them); nothing is shown of who they are."""
    k = kiosk
    k.admin("POST", "/sandbox/hospital/faults", {"kind": "refuse"})
    try:
        k.start_to_face_scan()
        k.persona("zhang-san")
        k.wait_screen("waitingConfirmation")
        k.wechat("confirm")
        k.wait_screen("failed")
        assert k.value("[data-failure-code]") == "HAND_OVER_REFUSED"
        assert k.value("[data-failure-detail]") == "HIS_REFUSED"
        assert not k.has_action("retry"), "the window, not another try, can register them"
        text = k.text()
        assert "张" not in text and "110105198806120036" not in text
    finally:
        k.admin("DELETE", "/sandbox/hospital/faults")
    k.back_to_idle()
