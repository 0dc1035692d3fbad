"""The facemch row of `cargo xtask bench --compare`: the same query, per call, by the kiosk's
client and by the Python SDK wechatpayv3, against the same sandbox, in alternating batches.

One call is what the kiosk needs of a patient's answer: sign the request, HTTP GET
/v3/facemch/users/{face_sid}, verify the response signature (WeChat Pay public-key mode), decrypt
the name and the ID number (RSA PKCS#1 v1.5, which wechatpayv3's own OAEP helper does not do, so
with `cryptography` as its users do), and validate them (UTF-8, the name's shape, the GB 11643
check digit), as facekiosk_wxpay::facemch::decode does.

Usage: facemch.py --sandbox URL --client BENCH_FACEMCH --config KIOSK_TOML [--rounds R]
[--calls N] [--sandbox-pid PID]. Prints `RESULT key value` lines (microseconds): each side's
p50, p99 and mean per call, and its own CPU time per call (the sandbox's too, given its PID).
"""

import argparse
import base64
import json
import os
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from wechatpayv3 import WeChatPay, WeChatPayType

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def admin(base, path, body=None):
    req = urllib.request.Request(base + path, method="GET" if body is None else "POST",
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=30) as r:
        return json.loads(r.read().decode())


def valid_name(name):
    return name.strip() and len(name) <= 64 and not any(ord(c) < 32 or c == "\x7f" for c in name)


def valid_resident_id(rid):
    if len(rid) != 18 or not rid[:17].isdigit():
        return False
    return rid[17].upper() == "10X98765432"[sum(int(d) * w for d, w in zip(rid, WEIGHTS)) % 11]


class Peer:
    """wechatpayv3 as its README sets it up, pointed at the sandbox instead of WeChat."""

    def __init__(self, base, info):
        m, w = info["merchant"], info["wechatpay"]
        key_pem = (Path(m["dir"]) / "apiclient_key.pem").read_text()
        self.wxpay = WeChatPay(
            wechatpay_type=WeChatPayType.NATIVE, mchid=m["mch_id"], private_key=key_pem,
            cert_serial_no=m["serial"], appid=m["appids"][0],
            apiv3_key=(Path(m["dir"]) / "apiv3.key").read_text().strip(),
            public_key=Path(w["public_key"]).read_text(), public_key_id=w["public_key_id"],
            proxy={"http": None, "https": None}, timeout=(5, 30))
        # The gateway is hard-coded to api.mch.weixin.qq.com; its users repoint the attribute.
        self.wxpay._core._gate_way = base
        self.key = load_pem_private_key(key_pem.encode(), password=None)
        self.appid = m["appids"][0]

    def decrypt(self, field):
        return self.key.decrypt(base64.b64decode(field), PKCS1v15()).decode("utf-8")

    def query(self, face_sid):
        path = f"/v3/facemch/users/{face_sid}?info_type=ASK_REAL_NAME&appid={self.appid}"
        code, message = self.wxpay._core.request(path)  # raises unless the signature verifies
        if code != 200:
            raise SystemExit(f"wechatpayv3: HTTP {code}")
        info = json.loads(message)["real_name_info"]
        name = self.decrypt(info["encrypted_real_name"])
        number = self.decrypt(info["encrypted_credential_id"])
        if not valid_name(name) or (info["credential_type"] == 1 and not valid_resident_id(number)):
            raise SystemExit("wechatpayv3: implausible identity")


def cpu_us(pid="self"):
    """User + system CPU time of a process, in microseconds (10 ms ticks: sum many)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 10_000


def rust_batch(proc, face_sid, n):
    """The calls' times, and the client's CPU time for the batch."""
    proc.stdin.write(f"{face_sid} {n}\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"bench_facemch exited ({proc.wait()})")
    times, cpu = line.split("|")
    return [int(x) for x in times.split()], int(cpu)


def python_batch(peer, face_sid, n):
    times, before = [], cpu_us()
    for _ in range(n):
        t = time.perf_counter()
        peer.query(face_sid)
        times.append(int((time.perf_counter() - t) * 1e6))
    return times, cpu_us() - before


def median_us(f, runs=300):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return f"{statistics.median(times) * 1e6:.1f}"


def pct(values, p):
    s = sorted(values)
    return s[round((len(s) - 1) * p)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--sandbox-pid", help="also report the sandbox's CPU time per call")
    a = ap.parse_args()
    peer = Peer(a.sandbox, admin(a.sandbox, "/sandbox/info"))
    proc = subprocess.Popen([a.client, "--config", a.config], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    def new_sid():
        body = {"persona": "zhang-san", "authorized": True}
        return admin(a.sandbox, "/sandbox/sessions", body)["face_sid"]

    sides = {"rust": lambda sid, n: rust_batch(proc, sid, n),
             "python": lambda sid, n: python_batch(peer, sid, n)}
    times = {side: [] for side in sides}
    cpu = {side: 0 for side in sides}
    sandbox_cpu = {side: 0 for side in sides}
    try:
        for batch in sides.values():  # warm-up, not counted
            batch(new_sid(), 5)
        for r in range(a.rounds):
            # Alternating, each first in turn: a drift of the machine falls on both.
            for side in list(sides) if r % 2 == 0 else list(sides)[::-1]:
                sid = new_sid()
                before = cpu_us(a.sandbox_pid) if a.sandbox_pid else 0
                got, spent = sides[side](sid, a.calls)
                if a.sandbox_pid:
                    sandbox_cpu[side] += cpu_us(a.sandbox_pid) - before
                times[side].extend(got)
                cpu[side] += spent
    finally:
        proc.stdin.close()
        proc.wait()
    # OpenSSL 3.0's `openssl speed rsa2048` times no private decryption: OpenSSL's own, through
    # `cryptography`, is the reference for it (and its signing beside it).
    path = f"/v3/facemch/users/{new_sid()}?info_type=ASK_REAL_NAME&appid={peer.appid}"
    field = json.loads(peer.wxpay._core.request(path)[1])["real_name_info"]["encrypted_credential_id"]
    ct = base64.b64decode(field)
    print(f"RESULT cryptography_decrypt_us {median_us(lambda: peer.key.decrypt(ct, PKCS1v15()))}")
    print(f"RESULT cryptography_sign_us {median_us(lambda: peer.key.sign(b'GET', PKCS1v15(), SHA256()))}")
    for side, t in times.items():
        print(f"RESULT facemch_{side}_calls {len(t)}")
        print(f"RESULT facemch_{side}_p50_us {pct(t, 0.5)}")
        print(f"RESULT facemch_{side}_p99_us {pct(t, 0.99)}")
        print(f"RESULT facemch_{side}_mean_us {statistics.mean(t):.0f}")
        print(f"RESULT facemch_{side}_cpu_us {cpu[side] / len(t):.0f}")
        if a.sandbox_pid:
            print(f"RESULT facemch_{side}_sandbox_cpu_us {sandbox_cpu[side] / len(t):.0f}")


if __name__ == "__main__":
    main()
