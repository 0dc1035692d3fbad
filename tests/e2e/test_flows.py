"""The patient's paths through the real kiosk (demo mode, zh-CN): each test starts the binary
fresh and drives it only through what a patient touches, plus the demo's persona picker and
simulated WeChat screen (sandbox/src/personas.rs: zhang-san is a new patient, registered is
already known, declines refuses on WeChat's screen, cancels cancels the face scan)."""

from __future__ import annotations

ZHANG_SAN = {"name": "张三", "id": "110105198806120036", "birth": "19880612"}


def assert_nothing_unmasked(k, *secrets: str) -> None:
    for page in (k.source(), k.driver.page_source):
        for secret in secrets:
            assert secret not in page, "an unmasked personal value is in the page source"


def test_happy_path_new_patient(kiosk):
    k = kiosk
    assert k.lang() == "zh-CN"
    assert k.has("[data-demo-banner]"), "demo mode must say so on screen"
    k.action("start")
    k.wait_screen("consent")
    k.action("agree")
    k.wait_screen("faceScan")
    k.persona("zhang-san")
    k.wait_screen("waitingConfirmation")
    k.wechat("confirm")
    k.wait_screen("success")

    masked_name = k.value("[data-masked-name]")
    masked_id = k.value("[data-masked-credential]")
    patient_ref = k.value("[data-patient-ref]")
    assert "*" in masked_name and masked_name != ZHANG_SAN["name"], masked_name
    assert masked_name[0] == "张" or masked_name[-1] == "三", masked_name
    assert "*" in masked_id, masked_id
    assert ZHANG_SAN["birth"] not in masked_id, masked_id
    assert masked_id[0] == ZHANG_SAN["id"][0] or masked_id[-1] == ZHANG_SAN["id"][-1], masked_id
    # The hospital's own number: the demo handed her to the sandbox's hospital.
    assert k.hospital_numbers(ZHANG_SAN["name"]) == [patient_ref], patient_ref
    assert_nothing_unmasked(k, ZHANG_SAN["name"], ZHANG_SAN["id"], ZHANG_SAN["birth"])

    k.back_to_idle()


def test_welcome_back_registered_patient(kiosk):
    k = kiosk
    k.start_to_face_scan()
    k.persona("registered")
    k.wait_screen("welcomeBack")
    # The number the hospital gave him at its window, kept beside his hashed openid.
    assert k.hospital_numbers("周杰") == [k.value("[data-patient-ref]")]
    assert_nothing_unmasked(k, "周杰", "21020219901230003X")
    k.back_to_idle()


def test_declining_our_consent(kiosk):
    k = kiosk
    k.action("start")
    k.wait_screen("consent")
    k.action("decline")
    k.wait_screen("refusal")
    assert not k.has_action("agree"), "a refusal is never asked again"
    text = k.text()
    # The non-face alternatives: ID card, medical insurance card or code, the staff window.
    assert "身份证" in text and "医保" in text, text
    k.back_to_idle()


def test_declining_on_wechat_screen(kiosk):
    k = kiosk
    k.start_to_face_scan()
    k.persona("zhang-san")
    k.wait_screen("waitingConfirmation")
    k.wechat("cancel")
    k.wait_screen("refusal")
    assert not k.has_action("agree")
    k.back_to_idle()


def test_declines_persona_refuses_at_wechat(kiosk):
    """The `declines` persona answers USER_CANCEL on WeChat's screen by itself."""
    k = kiosk
    k.start_to_face_scan()
    k.persona("declines")
    if k.wait_screen("waitingConfirmation", "refusal") == "waitingConfirmation" and k.has(
        'button[data-wechat="confirm"]'
    ):
        # The simulated WeChat screen is shown; the persona still refuses whatever is pressed.
        k.wechat("confirm")
    k.wait_screen("refusal")
    k.back_to_idle()


def test_face_scan_cancelled(kiosk):
    """The `cancels` persona cancels the face scan on the terminal."""
    k = kiosk
    k.start_to_face_scan()
    k.persona("cancels")
    k.wait_screen("refusal")
    assert not k.has_action("agree")
    k.back_to_idle()


def test_cancel_button_on_face_scan(kiosk):
    """The patient cancels on our own face-scan screen: no fetch, nothing kept."""
    k = kiosk
    k.start_to_face_scan()
    k.action("cancel")
    if k.wait_screen("refusal", "idle") == "refusal":
        k.back_to_idle()
    assert k.screen() == "idle"
