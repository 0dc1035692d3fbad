"""The staff mode and the technician's diagnostics in the real window: entry by the hidden
corner and a PIN (a wrong one, the lock), the settings a hospital changes reaching WeChat,
validation by field, out of service across a restart, the diagnostics with the terminal
unplugged and plugged back, and forgetting a patient.

The demo makes two accounts (sandbox/src/staff.rs): demo-staff and demo-technician."""

from __future__ import annotations

from kiosk import Kiosk

STAFF_PIN = "246810"
TECHNICIAN_PIN = "135790"
WRONG_PIN = "111112"


def shot(k: Kiosk, name: str) -> None:
    """The screen from its top (the focus may have scrolled a long page to its button)."""
    k.js(
        "window.scrollTo(0, 0);"
        "for (const el of document.querySelectorAll('*')) { if (el.scrollTop) el.scrollTop = 0; }"
    )
    k.shot(name)


def open_pin_pad(k: Kiosk) -> None:
    """The hidden entry: five taps on the top-left corner."""
    for _ in range(5):
        k.click("#staff-corner")
    k.wait_screen("staffPin")


def type_pin(k: Kiosk, pin: str) -> None:
    for digit in pin:
        k.click(f'button[data-digit="{digit}"]')
    k.action("enter")


def enter(k: Kiosk, pin: str = STAFF_PIN) -> None:
    open_pin_pad(k)
    type_pin(k, pin)
    k.wait_screen("staffHome")


def leave(k: Kiosk, to: str = "idle") -> None:
    k.click('[data-staff-nav="leave"]')
    k.wait_screen(to)


def message_kind(k: Kiosk) -> str | None:
    return k.js(
        "const m = document.querySelector('[data-staff-message]');"
        "return m && m.getAttribute('data-kind');"
    )


def suspend_and_leave(k: Kiosk) -> None:
    """Out of service with the default message; the patients' screen shot."""
    k.click('[data-staff-nav="suspend"]')
    k.wait_screen("staffSuspend")
    k.action("suspend")
    k.wait_screen("staffHome")
    leave(k, to="suspended")
    shot(k, "suspended")


def edit_settings(k: Kiosk, values: dict[str, str], with_shot: bool = False) -> None:
    k.click('[data-staff-nav="settings"]')
    k.wait_screen("staffSettings")
    if with_shot:
        shot(k, "staffSettings")
    for key, value in values.items():
        field = k.find(f'[data-field="{key}"]')
        field.clear()
        field.send_keys(value)
    k.action("review")


def test_a_wrong_pin_is_refused_and_repeated_ones_lock_the_entry(kiosk):
    k = kiosk
    open_pin_pad(k)
    shot(k, "staffPin")
    type_pin(k, WRONG_PIN)
    k.wait_until("the refusal", lambda: message_kind(k) == "refused")
    assert k.screen() == "staffPin"
    assert WRONG_PIN not in k.text(), "the PIN pad shows the digits typed"
    type_pin(k, WRONG_PIN)
    type_pin(k, WRONG_PIN)
    k.wait_until("the lock", lambda: message_kind(k) == "locked")
    # Locked: even the right PIN waits; the pad says so.
    assert not k.find('button[data-digit="2"]').is_enabled()


def test_the_right_pin_opens_the_staff_mode_and_leaving_returns_to_the_patients(kiosk):
    k = kiosk
    enter(k)
    assert "demo-staff" in k.value("[data-staff-account]")
    # Hospital staff do not see the technician's diagnostics.
    assert not k.has('[data-staff-nav="diagnostics"]')
    shot(k, "staffHome")
    leave(k)


def test_changed_store_and_device_ids_are_what_the_next_session_tells_wechat(kiosk):
    k = kiosk
    enter(k)
    edit_settings(
        k, {"store.store_id": "STORE-E2E-7", "device.device_id": "KIOSK-E2E-7"}, with_shot=True
    )
    k.wait_screen("staffReview")
    assert k.has('[data-change="store.store_id"]')
    assert k.has('[data-change="device.device_id"]')
    k.action("save")
    k.wait_until("saved", lambda: message_kind(k) == "saved")
    leave(k)
    # The next patient's session asks WeChat for an authinfo with the new ids, no restart.
    k.start_to_face_scan()
    scopes = k.admin("GET", "/sandbox/authinfo/scopes")
    assert any(
        s["store_id"] == "STORE-E2E-7" and s["device_id"] == "KIOSK-E2E-7" for s in scopes
    ), scopes
    k.action("cancel")
    k.wait_screen("idle")


def test_invalid_settings_are_shown_by_field_and_nothing_is_saved(kiosk):
    k = kiosk
    enter(k)
    edit_settings(k, {"store.store_id": "S" * 40, "kiosk.idle_timeout_secs": "1"})
    k.wait_until(
        "both problems",
        lambda: k.has('[data-problem-for="store.store_id"]')
        and k.has('[data-problem-for="kiosk.idle_timeout_secs"]'),
    )
    assert k.screen() == "staffSettings"
    shot(k, "staffSettingsProblems")
    config = (k.data_dir / "kiosk.toml").read_text(encoding="utf-8")
    assert "S" * 40 not in config


def test_out_of_service_is_shown_to_patients_survives_a_restart_and_ends(launch):
    k = launch()
    enter(k)
    suspend_and_leave(k)
    # A restart over the same data dir: still out of service.
    data_dir = k.data_dir
    k.quit()
    again = launch(args=["--demo", "--data-dir", str(data_dir)], first_screen="suspended")
    enter(again)
    again.click('[data-staff-nav="suspend"]')
    again.wait_screen("staffSuspend")
    again.action("resume")
    again.wait_screen("staffHome")
    leave(again)


def test_the_diagnostics_see_the_terminal_unplugged_and_plugged_back(kiosk):
    k = kiosk
    enter(k, TECHNICIAN_PIN)
    k.click('[data-staff-nav="diagnostics"]')
    k.wait_screen("staffDiagnostics")
    bridge = '[data-check-id="terminal.bridge"]'

    def status() -> str | None:
        return k.js(
            "const c = document.querySelector(arguments[0]);"
            "return c && c.getAttribute('data-status');",
            bridge,
        )

    k.wait_until("the bridge check", lambda: status() is not None, timeout=40)
    assert status() == "ok", k.text()
    shot(k, "staffDiagnostics")
    k.admin("POST", "/sandbox/terminal/unplug")
    k.action("rerun")
    k.wait_until("the unplugged terminal to fail", lambda: status() == "fail", timeout=40)
    k.admin("POST", "/sandbox/terminal/replug")
    k.action("rerun")
    k.wait_until("the terminal to be back", lambda: status() == "ok", timeout=40)


def test_a_forgotten_patient_is_not_welcomed_back(kiosk):
    k = kiosk
    k.start_to_face_scan()
    k.persona("registered")
    k.wait_screen("welcomeBack")
    number = k.value("[data-patient-ref]")
    k.back_to_idle()
    enter(k)
    k.click('[data-staff-nav="records"]')
    k.wait_screen("staffRecords")
    k.find('[data-field="number"]').send_keys(number)
    k.action("forget")
    k.action("confirm")
    k.wait_until("forgotten", lambda: message_kind(k) == "forgotten")
    leave(k)
    k.start_to_face_scan()
    k.persona("registered")
    k.wait_screen("waitingConfirmation", "success", "welcomeBack")
    assert k.screen() != "welcomeBack", "a forgotten patient was welcomed back"


def test_staff_screens_in_english(launch):
    """The zh-CN shots come from the tests above; these are the same screens in English."""
    k = launch(language="en")
    open_pin_pad(k)
    shot(k, "staffPin")
    type_pin(k, TECHNICIAN_PIN)
    k.wait_screen("staffHome")
    shot(k, "staffHome")
    k.click('[data-staff-nav="settings"]')
    k.wait_screen("staffSettings")
    shot(k, "staffSettings")
    field = k.find('[data-field="store.store_id"]')
    field.clear()
    field.send_keys("S" * 40)
    k.action("review")
    k.wait_until("the problem", lambda: k.has('[data-problem-for="store.store_id"]'))
    shot(k, "staffSettingsProblems")
    k.click('[data-action="home"]')
    k.wait_screen("staffHome")
    k.click('[data-staff-nav="diagnostics"]')
    k.wait_screen("staffDiagnostics")
    k.wait_until("the report", lambda: k.has('[data-check-id="config"]'), timeout=40)
    shot(k, "staffDiagnostics")
    k.click('[data-action="home"]')
    k.wait_screen("staffHome")
    suspend_and_leave(k)


def test_the_support_bundle_and_the_receipts_go_to_the_chosen_folder(kiosk):
    k = kiosk
    # A patient's session first, so that there is a receipt to export.
    k.action("start")
    k.wait_screen("consent")
    k.action("decline")
    k.wait_screen("refusal")
    k.back_to_idle()
    enter(k, TECHNICIAN_PIN)
    k.click('[data-staff-nav="records"]')
    k.wait_screen("staffRecords")
    # The kiosk's own folder is offered last (no USB stick here): choose it.
    k.js(
        "const s = document.querySelector('select[data-field=\"target\"]');"
        "s.value = s.options[s.options.length - 1].value;"
        "s.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    k.action("export-receipts")
    k.wait_until("the export", lambda: message_kind(k) == "exported")
    csvs = list(k.data_dir.glob("consent-receipts-*.csv"))
    assert len(csvs) == 1, csvs
    assert len(csvs[0].read_text(encoding="utf-8").strip().splitlines()) == 2, "header + 1"
    k.click('[data-action="home"]')
    k.wait_screen("staffHome")
    k.click('[data-staff-nav="diagnostics"]')
    k.wait_screen("staffDiagnostics")
    k.wait_until("the report", lambda: k.has('[data-check-id="config"]'), timeout=40)
    k.js(
        "const s = document.querySelector('select[data-field=\"target\"]');"
        "s.value = s.options[s.options.length - 1].value;"
        "s.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    k.action("bundle")
    k.wait_until("the bundle", lambda: message_kind(k) == "bundle-written", timeout=40)
    bundles = list(k.data_dir.glob("facekiosk-bundle-*"))
    assert len(bundles) == 1, bundles
    for name in ["report.json", "config.redacted.toml", "versions.txt", "staff-audit.jsonl"]:
        assert (bundles[0] / name).is_file(), name
