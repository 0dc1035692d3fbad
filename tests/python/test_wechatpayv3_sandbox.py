"""An independent client against the sandbox: the PyPI package wechatpayv3, which no one here
wrote, queries /v3/facemch/users/{face_sid} on `facekiosk-sandbox serve`, verifies the
sandbox's response signature (WeChat Pay public-key mode, and platform-certificate mode with
the certificate downloaded from /v3/certificates), and the real-name fields are decrypted with
PKCS#1 v1.5 and the merchant key using `cryptography`.

The sandbox runs as a child process (sandbox_process.py).
"""

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from sandbox_process import SandboxProcess
from wechatpayv3 import WeChatPay, WeChatPayType

NO_PROXY = {"http": None, "https": None}


class Sandbox(SandboxProcess):
    """The sandbox, and a wechatpayv3 client of it."""

    def authorized_session(self, persona):
        s = self.admin("POST", "/sandbox/sessions", {"persona": persona})
        assert self.admin("POST", f"/sandbox/sessions/{s['face_sid']}/authorize") == {
            "authorized": True
        }
        return s

    def merchant_file(self, name):
        return Path(self.info["merchant"]["dir"]) / name

    def client(self, public_key_mode=True):
        m = self.info["merchant"]
        params = dict(
            wechatpay_type=WeChatPayType.NATIVE,
            mchid=m["mch_id"],
            private_key=self.merchant_file("apiclient_key.pem").read_text(),
            cert_serial_no=m["serial"],
            appid=m["appids"][0],
            apiv3_key=self.merchant_file("apiv3.key").read_text().strip(),
            proxy=NO_PROXY,
            timeout=(5, 30),
        )
        if public_key_mode:
            params["public_key"] = Path(self.info["wechatpay"]["public_key"]).read_text()
            params["public_key_id"] = self.info["wechatpay"]["public_key_id"]
            wxpay = WeChatPay(**params)
        else:
            # In platform-certificate mode the client downloads /v3/certificates while it is
            # being built, so the gateway must point at the sandbox by then.
            from wechatpayv3.core import Core

            original = Core._init_certificates
            base_url = self.base_url

            def init_certificates(core_self):
                core_self._gate_way = base_url
                return original(core_self)

            Core._init_certificates = init_certificates
            try:
                wxpay = WeChatPay(**params)
            finally:
                Core._init_certificates = original
        wxpay._core._gate_way = self.base_url
        return wxpay

    def decrypt(self, ciphertext_b64):
        key = load_pem_private_key(
            self.merchant_file("apiclient_key.pem").read_bytes(), password=None
        )
        return key.decrypt(base64.b64decode(ciphertext_b64), PKCS1v15()).decode("utf-8")

@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    s = Sandbox(tmp_path_factory.mktemp("sandbox-public-key"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def platform_sandbox(tmp_path_factory):
    s = Sandbox(
        tmp_path_factory.mktemp("sandbox-platform"),
        'key_mode = "platform_certificate"\n',
    )
    yield s
    s.stop()


def facemch_path(sandbox, face_sid, info_type="ASK_REAL_NAME"):
    appid = sandbox.info["merchant"]["appids"][0]
    return f"/v3/facemch/users/{face_sid}?info_type={info_type}&appid={appid}"


def test_public_key_mode_real_name(sandbox):
    session = sandbox.authorized_session("zhang-san")
    wxpay = sandbox.client()
    # wechatpayv3 raises unless the response signature verifies with the public key.
    code, message = wxpay._core.request(facemch_path(sandbox, session["face_sid"]))
    assert code == 200, message
    body = json.loads(message)
    assert body["openid"] == session["openid"]
    info = body["real_name_info"]
    assert info["credential_type"] == 1
    assert sandbox.decrypt(info["encrypted_real_name"]) == "张三"
    assert sandbox.decrypt(info["encrypted_credential_id"]) == "110105198806120036"


def test_rare_characters_survive_the_round_trip(sandbox):
    wxpay = sandbox.client()
    for persona, name in [("rare-char", "𠮷雅婷"), ("uyghur-name", "阿卜杜·买买提")]:
        session = sandbox.authorized_session(persona)
        code, message = wxpay._core.request(facemch_path(sandbox, session["face_sid"]))
        assert code == 200, message
        info = json.loads(message)["real_name_info"]
        assert sandbox.decrypt(info["encrypted_real_name"]) == name


def test_phone_and_union_id(sandbox):
    wxpay = sandbox.client()
    session = sandbox.authorized_session("with-phone")
    code, message = wxpay._core.request(
        facemch_path(sandbox, session["face_sid"], "ASK_REAL_NAME_TEL")
    )
    assert code == 200, message
    assert sandbox.decrypt(json.loads(message)["encrypted_phone_number"]) == "13912345678"
    code, message = wxpay._core.request(
        facemch_path(sandbox, session["face_sid"], "ASK_UNIONID")
    )
    assert code == 200, message
    assert json.loads(message)["union_id"].startswith("o6_bm")


def test_our_errors_reach_it_as_wechat_words(sandbox):
    wxpay = sandbox.client()
    s = sandbox.admin("POST", "/sandbox/sessions", {"persona": "zhang-san"})
    code, message = wxpay._core.request(facemch_path(sandbox, s["face_sid"]))
    assert code == 400
    assert json.loads(message) == {"code": "INVALID_REQUEST", "message": "用户未授权"}
    code, message = wxpay._core.request(
        facemch_path(sandbox, s["face_sid"], "ASK_UNION_ID")
    )
    assert code == 400
    assert json.loads(message) == {"code": "PARAM_ERROR", "message": "info_type值无定义"}


def test_it_refuses_a_bad_signature(sandbox):
    session = sandbox.authorized_session("zhang-san")
    wxpay = sandbox.client()
    sandbox.admin(
        "POST",
        "/sandbox/faults",
        {"target": "facemch", "kind": "bad_signature", "times": 1},
    )
    with pytest.raises(Exception, match="failed to verify the signature"):
        wxpay._core.request(facemch_path(sandbox, session["face_sid"]))
    code, _ = wxpay._core.request(facemch_path(sandbox, session["face_sid"]))
    assert code == 200


def test_platform_certificate_mode(platform_sandbox):
    sandbox = platform_sandbox
    session = sandbox.authorized_session("passport")
    # Built in certificate mode, wechatpayv3 downloads /v3/certificates and decrypts the
    # platform certificate with the APIv3 key (AEAD_AES_256_GCM) before anything else.
    wxpay = sandbox.client(public_key_mode=False)
    assert len(wxpay._core._certificates) == 1
    serial = format(wxpay._core._certificates[0].serial_number, "X")
    assert serial == sandbox.info["wechatpay"]["platform_serial"]
    code, message = wxpay._core.request(facemch_path(sandbox, session["face_sid"]))
    assert code == 200, message
    info = json.loads(message)["real_name_info"]
    assert info["credential_type"] == 2
    assert sandbox.decrypt(info["encrypted_real_name"]) == "JOHN SMITH"
    assert sandbox.decrypt(info["encrypted_credential_id"]) == "GB5527104"
