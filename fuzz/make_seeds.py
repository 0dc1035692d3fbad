#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus-seeds/<target>/) from the test
fixtures (core/wxpay/tests/fixtures/vectors.json) and the protocol examples. Deterministic; run from
anywhere: python3 fuzz/make_seeds.py"""

import json
import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
VECTORS = json.loads((ROOT / "core/wxpay/tests/fixtures/vectors.json").read_text(encoding="utf-8"))
OUT = HERE / "corpus-seeds"


def write(target, seeds):
    d = OUT / target
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for i, seed in enumerate(seeds):
        if isinstance(seed, str):
            seed = seed.encode("utf-8")
        (d / f"seed-{i:02}").write_bytes(seed)


# APIv2 XML: WeChat's answers (success, the error inside HTTP 200), CDATA, entities, XXE.
sign_ok = VECTORS["v2"][0]["sign"]
write("v2_xml", [
    "<xml><return_code>SUCCESS</return_code><return_msg>OK</return_msg>"
    "<authinfo>AUTHINFO-abc</authinfo><expires_in>3600</expires_in><nonce_str>ibuaiVcKdpRxkhJA</nonce_str>"
    f"<sign>{sign_ok}</sign></xml>",
    "<xml><return_code><![CDATA[PARAM_ERROR]]></return_code>\n"
    "<return_msg><![CDATA[签名错误]]></return_msg>\n</xml>",
    '<?xml version="1.0" encoding="UTF-8"?><xml><a>x &amp; y &#x4E2D;&#25991;</a><b/><c></c></xml>',
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><a>&x;</a></xml>',
    "<xml><a><![CDATA[x]]]]><![CDATA[>y]]></a><b>&lt;&gt;&quot;&apos;</b></xml>",
    "<xml><a>1</a><a>2</a></xml><x/>",
])

# APIv3 Authorization headers.
write("v3_authorization", [v["authorization"] for v in VECTORS["v3_sign"]] + [
    'WECHATPAY2-SHA256-RSA2048 serial_no="ABC", signature="c2ln", timestamp="1624523846",'
    'mchid="1900000109",nonce_str="N1"',
])

# APIv3 responses: timestamp, nonce, signature, serial (one line each), then the raw body.
write("v3_verify", [
    f'{v["timestamp"]}\n{v["nonce"]}\n{v["signature"]}\n{v["serial"]}\n'.encode() + v["body"].encode("utf-8")
    for v in VECTORS["v3_verify"]
])

# facemch bodies: one byte (info_type = b % 3, OAEP when b & 0x80), then the JSON body. The
# response bodies of the verification vectors carry ciphertexts to the merchant key.
bodies = sorted({v["body"] for v in VECTORS["v3_verify"] if v["body"].startswith("{")})
cipher = {(d["kind"], d["padding"]): d["ciphertext"] for d in VECTORS["decrypt"] if d["key"] == "merchant_key"}
seeds = []
for body in bodies:
    for choice in (0, 1, 2, 0x80):
        seeds.append(bytes([choice]) + body.encode("utf-8"))
for padding, choice in (("pkcs1", 2), ("oaep", 0x80 | 2)):
    body = {"openid": "o1", "real_name_info": {
        "encrypted_real_name": cipher[("name", padding)], "credential_type": 1,
        "encrypted_credential_id": cipher[("credential_id", padding)]},
        "encrypted_phone_number": cipher[("phone", padding)]}
    seeds.append(bytes([choice]) + json.dumps(body, ensure_ascii=False).encode())
seeds.append(bytes([1]) + b'{"openid":"o1","union_id":"u1"}')
write("facemch_decode", seeds)

# Kiosk configuration.
write("config", [
    '''[merchant]
appid = "wxd930ea5d5a258f4f"
mch_id = "1900000109"

[store]
store_id = "HOSP-001-F1"
store_name = "市第一人民医院 门诊一楼"

[device]
device_id = "KIOSK-07"

[facemch]
info_type = "ASK_REAL_NAME_TEL"
padding = "oaep"

[endpoints]
payapp = "http://127.0.0.1:8080"
api_mch = "http://127.0.0.1:8080/"

[keys]
apiv2_key_file = "apiv2.key"
apiv2_sign_type = "MD5"
merchant_private_key = "apiclient_key.pem"
merchant_certificate = "/etc/facekiosk/apiclient_cert.pem"
merchant_serial = "3A6F1C52D8E94B07A1C3E5F7092B4D6F8E0A1C2B"
wechatpay_public_key = "pub_key.pem"
wechatpay_public_key_id = "PUB_KEY_ID_0119000001092025112400000000000001"
platform_certificates = ["wechatpay_5E0B.pem"]

[proxy]
url = "socks5://10.1.2.3:1080"
username = "kiosk"
password = "hunter2-secret"

[timeouts]
connect_ms = 2000
request_ms = 8000
retries = 1
''',
    '''[merchant]
appid = "wx1"
mch_id = "19000x"
sub_appid = "wx0000000000000001"
sub_mch_id = "1900000110"

[store]
store_id = "THIS-STORE-ID-IS-FAR-TOO-LONG-FOR-WECHAT"
store_name = "门诊😀"

[facemch]
info_type = "ASK_UNION_ID"

[keys]
sub_merchant_serial = "X"
sub_merchant_private_key = "sub.pem"

[unknown]
x = 1
''',
])

# Bridge frames: the README's example bodies, framed.
bodies = [
    '{"type":"hello","proto":1,"bridge":"0.1.0","aar":"2.32.105.2032105","face_app":"2.20.0",'
    '"device":{"serial":"T1","model":"F4","sdk_int":28},"max_frame":1048576}',
    '{"type":"hello","proto":1,"client":"facekiosk/0.1.0"}',
    '{"type":"hello","proto":2,"client":"facekiosk/9.0.0"}',
    '{"type":"request","id":3,"method":"getWxpayfaceCode","params":{"face_authtype":"FACE_AUTH",'
    '"authinfo":"AI"},"timeout_ms":60000}',
    '{"type":"request","id":7,"method":"getWxpayfaceRawdata","timeout_ms":5000}',
    '{"type":"request","id":8,"method":"initWxpayface","params":null,"timeout_ms":600001}',
    '{"type":"request","id":9,"method":"getWxpayAuth","params":{"quit_face_auth":1},"timeout_ms":100}',
    '{"type":"response","id":3,"result":{"return_code":"SUCCESS","return_msg":"","face_sid":"S","openid":"O"}}',
    '{"type":"response","id":4,"result":{"return_code":"FAIL","return_msg":"刷脸服务初始化中","err_code":271378621}}',
    '{"type":"response","id":5,"error":{"code":"TIMEOUT","message":"getWxpayAuth: no callback"}}',
    '{"type":"notification","event":"face_service_disconnected"}',
    '{"type":"ping","seq":17}',
    '{"type":"pong","seq":17}',
    '{"type":"error","error":{"code":"BAD_FRAME","message":"frame length 4294967295 exceeds"}}',
]
write("bridge_messages", bodies + [
    "[1,2]", "", '{"type":7}', '{"type":"response","id":1,"result":{},"error":{"code":"X","message":""}}',
    # found by the fuzzer: a Double one ULP off after a round trip (fixed with float_roundtrip)
    '{"type":"response","id":4,"result":4,"result":{"return_rr_code":271378555555555555555621}}',
])


# The v2 handshake: a server hello, a client hello, a paired, a refusal, and key file texts.
write("bridge_hello", [
    '{"type":"hello","proto":2,"bridge":"0.1.0","aar":"2.32.105.2032105","face_app":null,'
    '"device":{"serial":"SIM-TERMINAL-1","model":"m","sdk_int":25},"max_frame":1048576,'
    '"nonce":"' + "ab" * 32 + '"}',
    '{"type":"hello","proto":2,"client":"facekiosk/0.1.0","nonce":"' + "01" * 32 + '",'
    '"proof":"' + "02" * 32 + '"}',
    '{"type":"paired","proof":"' + "cd" * 32 + '"}',
    '{"type":"error","error":{"code":"KIOSK_UNPAIRED","message":"pair the bridge"}}',
    '{"type":"hello","proto":1,"client":"old"}',
    "c3" * 32 + "\n",
    "w8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8M=",
])


# Consent texts: the built-in ones (the hospital's and the kiosk-only ones).
CONSENT = ROOT / "assets/consent/2026-12-02"
write("consent", [
    (CONSENT / variant / f"{lang}.toml").read_text(encoding="utf-8")
    for variant in ("hospital", "kiosk-only")
    for lang in ("zh-CN", "en")
])

def frame(body):
    b = body.encode("utf-8")
    return struct.pack(">I", len(b)) + b


stream = b"".join(frame(b) for b in bodies)
write("bridge_frames", [
    b"\x12\x34\x00" + stream,
    b"\x00\x01\x00" + frame(bodies[1]) + frame("not json") + b"\xff\xff\xff\xff",
    b"\xab\xcd\x02" + frame(bodies[11]) + frame("\xff") + frame("[]") + frame(bodies[12]),
    b"\x00\x07\x03" + frame(bodies[0])[:9],
])

# The kiosk's own sections, beside the seeds above.
(OUT / "config" / "seed-kiosk").write_text("""[kiosk]
language = "en"
idle_timeout_secs = 60
warning_secs = 15
result_timeout_secs = 20
elder_time_factor = 1.5
records = "records.sqlite"

[terminal]
serial = "ABC123"
pairing_key_file = "/etc/facekiosk/pairing.key"
adb = "/usr/bin/adb"
adb_port = 5037
direct = "127.0.0.1:7070"
face_scan_timeout_secs = 90
""", encoding="utf-8")
