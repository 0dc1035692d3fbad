"""Independent checks of what the kiosk sends a hospital.

The kiosk (`facekiosk-cli demo`: the real session, playing the demo's personas) hands each
persona off, through each standard adapter, to the hospital of a separate sandbox process
(`[his]` of a configuration file, as a technician rehearses a hospital's settings). Every
message that hospital received is then checked by tools nobody here wrote:

- FHIR `Patient`: the PyPI package fhir.resources (its R4B model: structure, types, formats)
  and the npm package `fhir` (code bindings, such as Patient.gender's value set, which
  fhir.resources does not check);
- HL7 V3 (WS/T 846.2): the PyPI package xmlschema against the part-2 XSDs in
  core/his/tests/schemas/;
- the vendor interfaces of the example site profiles: jsonschema and xmlschema against the
  schemas in tests/validators/, written from the vendors' public field sets (not from the
  profiles).

A deliberately broken message of each kind must fail them, so these checks can fail.

The CLI is $FACEKIOSK_CLI_BIN (built with the demo), or `cargo run` of it.
"""

import copy
import json
import os
import re
import shlex
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError
from sandbox_process import ROOT, SandboxProcess

SCHEMAS = ROOT / "core/his/tests/schemas"
VALIDATORS = ROOT / "tests/validators"
V3 = "{urn:hl7-org:v3}"

# Who confirms on WeChat's screen, each name a hard case: a character outside the BMP, a
# middle dot, a passport (no sex or birth date to read), a minor.
PERSONAS = {
    "zhang-san": "张三",
    "rare-char": "𠮷雅婷",
    "uyghur-name": "阿卜杜·买买提",
    "passport": "JOHN SMITH",
    "minor": "李小雨",
}

ADAPTERS = {
    "fhir": """
[his]
adapter = "fhir"
base_url = "{base}/his/fhir"
patient_number_system = "urn:oid:2.16.156.10011.2.5.1.4"
""",
    "http-tianrui": """
[his]
adapter = "http"
url = "{base}/his/vendor/tianrui"
profile = "{profiles}/tianrui.toml"
""",
    "http-zzj": """
[his]
adapter = "http"
url = "{base}/his/vendor/zzj"
profile = "{profiles}/zzj.toml"
""",
    "wst846": """
[his]
adapter = "wst846"
url = "{base}/his/wst846"
soap_version = "{soap}"
sender_id = "ZZJ-0001"
receiver_id = "HIP-0001"
organization_code = "12440300455755474X"
organization_name = "深圳市示例人民医院"
register = true
patient_number_prefix = "ZZJ01-"
# This platform keeps to the strict schemas, which have no "not known" for these: the values
# the hospital agreed for patients whose answer the kiosk does not collect (each patient's
# record then holds the agreed value, not theirs), and no registration without a birth date.
agreed_ethnic_group = "01 汉族"
agreed_occupation = "90 其他"
agreed_relationship = "99 非亲属"
agreed_insurance_type = "99 其他"
birth_date_required = true
""",
}


def cli_command():
    binary = os.environ.get("FACEKIOSK_CLI_BIN")
    if binary:
        return shlex.split(binary)
    return ["cargo", "run", "-q", "-p", "facekiosk-cli", "--features", "demo", "--"]


@pytest.fixture(scope="module")
def hospital(tmp_path_factory):
    s = SandboxProcess(tmp_path_factory.mktemp("hospital"))
    yield s
    s.stop()


def play(hospital, tmp_path, adapter, persona, soap="1.2"):
    """Plays `persona` through the whole session with `[his]` pointing at `hospital`; what
    the CLI printed."""
    config = tmp_path / f"{adapter}.toml"
    config.write_text(
        ADAPTERS[adapter].format(
            base=hospital.base_url, soap=soap, profiles=ROOT / "assets/his-profiles"
        )
    )
    run = subprocess.run(
        cli_command()
        + ["demo", "--config", str(config), "--persona", persona]
        + ["--data-dir", str(tmp_path / "demo")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return run


def register(hospital, tmp_path, adapter, persona, soap="1.2"):
    """The patient number the success screen showed."""
    run = play(hospital, tmp_path, adapter, persona, soap)
    assert run.returncode == 0, run.stdout + run.stderr
    m = re.search(r"success: .* patient (\S+)", run.stdout)
    assert m, run.stdout
    return m.group(1)


def received(hospital, endpoint):
    return hospital.admin("GET", f"/sandbox/hospital/received?endpoint={endpoint}")


# --- FHIR -------------------------------------------------------------------------------


def npm_fhir(resources):
    """The npm package's verdict on each resource."""
    run = subprocess.run(
        ["node", str(VALIDATORS / "fhir_validate.js")],
        input=json.dumps(resources),
        capture_output=True,
        text=True,
        cwd=VALIDATORS,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def fhir_problems(resource):
    """Every complaint of both validators about one Patient (empty: valid)."""
    problems = []
    try:
        Patient.model_validate_json(json.dumps(resource))
    except ValidationError as e:
        problems += [f"fhir.resources: {err['loc']} {err['msg']}" for err in e.errors()]
    verdict = npm_fhir([resource])[0]
    problems += [
        f"npm fhir: {m['location']} {m['message']}"
        for m in verdict["messages"]
        if m["severity"] == "error"
    ]
    return problems


def test_fhir_patients_the_kiosk_sends_are_valid_r4_and_keep_every_name(hospital, tmp_path):
    numbers = {p: register(hospital, tmp_path, "fhir", p) for p in PERSONAS}
    # The same patient again is found, not registered twice.
    assert register(hospital, tmp_path, "fhir", "rare-char") == numbers["rare-char"]

    creates = [
        json.loads(r["body"])
        for r in received(hospital, "fhir")
        if r["method"] == "POST" and r["target"].endswith("/Patient")
    ]
    assert len(creates) == len(PERSONAS) + 1
    for patient in creates:
        assert fhir_problems(patient) == [], patient
    sent_names = {p["name"][0]["text"] for p in creates}
    assert sent_names == set(PERSONAS.values())

    hospital_patients = hospital.admin("GET", "/sandbox/hospital/patients")
    by_name = {p["name"]: p for p in hospital_patients if p["via"] == "fhir"}
    assert set(by_name) == set(PERSONAS.values())
    for persona, name in PERSONAS.items():
        assert by_name[name]["number"] == numbers[persona]


def test_the_fhir_validators_refuse_a_broken_patient(hospital, tmp_path):
    register(hospital, tmp_path, "fhir", "zhang-san")
    good = json.loads(
        [r for r in received(hospital, "fhir") if r["method"] == "POST"][-1]["body"]
    )
    assert fhir_problems(good) == []

    # The standard's sex code where FHIR wants its own: only the binding check sees it.
    coded = copy.deepcopy(good)
    coded["gender"] = "1"
    assert any("Patient.gender" in p for p in fhir_problems(coded))
    # A date that is no date: the structure check sees it.
    dated = copy.deepcopy(good)
    dated["birthDate"] = "1988-13-40"
    assert any("birthDate" in p for p in fhir_problems(dated))


# --- WS/T 846.2 (HL7 V3 in SOAP) ---------------------------------------------------------

XSD_OF_ROOT = {
    "PRPA_IN201305UV02": "PatientInfoQuery.xsd",
    "PRPA_IN201311UV02": "PatientInfoRegister.xsd",
}


def hl7_messages(hospital):
    """The HL7 V3 messages inside each SOAP request the platform received."""
    messages = []
    for r in received(hospital, "wst846"):
        envelope = ET.fromstring(r["body"].encode())
        inner = [e for e in envelope.iter() if e.tag.endswith("}message") or e.tag == "message"]
        assert len(inner) == 1, r["body"][:400]
        messages.append(inner[0].text)
    return messages


def v3_problems(message):
    root = ET.fromstring(message.encode())
    name = root.tag.removeprefix(V3)
    schema = xmlschema.XMLSchema(str(SCHEMAS / XSD_OF_ROOT[name]))
    return [str(e.reason) for e in schema.iter_errors(message)]


@pytest.mark.parametrize("soap", ["1.1", "1.2"])
def test_hl7_v3_messages_the_kiosk_sends_validate_against_the_standards_xsds(
    hospital, tmp_path, soap
):
    hospital.admin("POST", "/sandbox/hospital/reset")
    # A passport gives no date of birth, which this platform requires: the window registers
    # the holder, and nothing but the query is sent.
    passport = play(hospital, tmp_path, "wst846", "passport", soap)
    assert passport.returncode != 0
    assert "failed: HAND_OVER_REFUSED (HIS_UNSENDABLE)" in passport.stdout, passport.stdout
    residents = {p: name for p, name in PERSONAS.items() if p != "passport"}
    numbers = {p: register(hospital, tmp_path, "wst846", p, soap) for p in residents}
    assert register(hospital, tmp_path, "wst846", "uyghur-name", soap) == numbers["uyghur-name"]

    messages = hl7_messages(hospital)
    roots = [ET.fromstring(m.encode()).tag.removeprefix(V3) for m in messages]
    # Query before create: one query and one registration per new patient, one query for
    # the one who came back and one for the passport holder.
    assert roots.count("PRPA_IN201305UV02") == len(residents) + 2
    assert roots.count("PRPA_IN201311UV02") == len(residents)
    for message in messages:
        assert v3_problems(message) == [], message

    registered = hospital.admin("GET", "/sandbox/hospital/patients")
    by_name = {p["name"]: p for p in registered if p["via"] == "wst846"}
    assert set(by_name) == set(residents.values())
    for persona, name in residents.items():
        assert by_name[name]["number"] == numbers[persona]
        assert numbers[persona].startswith("ZZJ01-")


def test_the_xsd_validator_refuses_a_broken_registration(hospital, tmp_path):
    hospital.admin("POST", "/sandbox/hospital/reset")
    register(hospital, tmp_path, "wst846", "zhang-san")
    registration = [
        m
        for m in hl7_messages(hospital)
        if ET.fromstring(m.encode()).tag == V3 + "PRPA_IN201311UV02"
    ][-1]
    assert v3_problems(registration) == []

    # Without the organisation the patient is registered with, the message is not the
    # standard's (cut as text: a re-serialised tree would rename the namespace prefixes that
    # the xsi:type values name).
    broken, cuts = re.subn(r"<providerOrganization\b.*?</providerOrganization>", "", registration)
    assert cuts == 1
    assert any("providerOrganization" in p or "coveredPartyOf" in p for p in v3_problems(broken))


# --- vendor self-service interfaces (the example site profiles) ---------------------------

TIANRUI = json.loads((VALIDATORS / "tianrui-register.schema.json").read_text(encoding="utf-8"))
ZZJ = xmlschema.XMLSchema(str(VALIDATORS / "zzj-request.xsd"))


def vendor_problems(site, body):
    if site == "tianrui":
        validator = jsonschema.Draft202012Validator(TIANRUI)
        return [e.message for e in validator.iter_errors(json.loads(body))]
    return [str(e.reason) for e in ZZJ.iter_errors(body)]


@pytest.mark.parametrize("site", ["tianrui", "zzj"])
def test_vendor_requests_match_the_sites_published_fields(hospital, tmp_path, site):
    hospital.admin("POST", "/sandbox/hospital/reset")
    numbers = {p: register(hospital, tmp_path, f"http-{site}", p) for p in PERSONAS}
    assert register(hospital, tmp_path, f"http-{site}", "minor") == numbers["minor"]

    bodies = [r["body"] for r in received(hospital, "vendor") if r["target"].endswith(site)]
    # 天瑞 has only the (idempotent) create; the other site is asked first, then told.
    assert len(bodies) == (len(PERSONAS) + 1 if site == "tianrui" else 2 * len(PERSONAS) + 1)
    for body in bodies:
        assert vendor_problems(site, body) == [], body
    names = {p["name"] for p in hospital.admin("GET", "/sandbox/hospital/patients")}
    assert names == set(PERSONAS.values())

    # The standard's sex code where the site wants its own is caught.
    if site == "tianrui":
        broken = json.loads(bodies[0])
        broken["sex"] = "1"
        assert vendor_problems(site, json.dumps(broken)) != []
    else:
        create = next(b for b in bodies if "GETPATRECORD" in b)
        assert vendor_problems(site, create.replace("<SEX>", "<SEX>M", 1)) != []
