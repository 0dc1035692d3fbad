"""zh-CN by default; the language button switches a screen to English and back."""

from __future__ import annotations

import re


def visible_text(k) -> str:
    return re.sub(r"\d+", "#", k.text())  # countdown digits aside


def han(text: str) -> int:
    return sum("\u4e00" <= c <= "\u9fff" for c in text)


def has_han(text: str) -> bool:
    return han(text) > 0


def test_language_switch(kiosk):
    k = kiosk
    assert k.lang() == "zh-CN"
    idle_zh = visible_text(k)
    assert has_han(idle_zh)

    k.action("start")
    k.wait_screen("consent")
    consent_zh = visible_text(k)
    k.set_language("en")
    assert k.screen() == "consent", "switching language keeps the screen"
    k.wait_until("English texts", lambda: visible_text(k) != consent_zh)
    consent_en = visible_text(k)
    # Only what is not translated stays in Chinese: the store's name, the way back to 中文.
    assert han(consent_en) < han(consent_zh) / 10, consent_en
    assert "consent" in consent_en.lower() or "agree" in consent_en.lower(), consent_en

    k.set_language("zh-CN")
    k.wait_until("Chinese texts again", lambda: has_han(visible_text(k)))
    assert k.screen() == "consent"
    assert visible_text(k) == consent_zh
