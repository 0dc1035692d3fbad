//! `[his]`: where a verified patient goes. `adapter` chooses the hospital's system (or the
//! kiosk's own registry, `local`, the default) and the other fields are that adapter's; a field
//! of another adapter is a problem too, so a half-edited file is caught before the kiosk runs.

use std::path::Path;
use std::time::Duration;

use facekiosk_his::settings::{
    AdapterSettings, AgreedCode, AgreedCodes, Auth, Connection, FhirSettings, HisSettings,
    SoapVersion, VendorSettings, Wst846Oids, Wst846Settings,
};

use super::reader::{Problems, Section};
use super::rules;

const COMMON: &[&str] = &[
    "adapter",
    "patient_number_visible",
    "connect_timeout_ms",
    "request_timeout_ms",
    "retries",
    "bearer_token_file",
    "client_certificate",
    "client_key",
    "ca_file",
];
const FHIR: &[&str] = &["base_url", "identifier_system", "patient_number_system"];
const WST846: &[&str] = &[
    "url",
    "soap_version",
    "sender_id",
    "receiver_id",
    "organization_code",
    "organization_name",
    "register",
    "patient_number_prefix",
    "message_id_root",
    "interaction_id_root",
    "device_id_root",
    "patient_id_root",
    "id_number_root",
    "organization_id_root",
    "author_id_root",
    "agreed_ethnic_group",
    "agreed_occupation",
    "agreed_relationship",
    "agreed_insurance_type",
    "birth_date_required",
];
const HTTP: &[&str] = &["url", "profile"];

pub(super) fn read_his(root: &toml::Table, base: &Path, p: &mut Problems) -> HisSettings {
    let known: Vec<&str> = [COMMON, FHIR, WST846, HTTP].concat();
    let s = Section::new(root, "his", &known, p);
    let mut his = HisSettings::local();
    let adapter = s.string("adapter", p).unwrap_or_else(|| "local".into());
    let own: &[&str] = match adapter.as_str() {
        "local" => &[],
        "fhir" => FHIR,
        "wst846" => WST846,
        "http" => HTTP,
        _ => {
            p.add(
                "his.adapter",
                "must be local (the kiosk's own registry), fhir, wst846 or http",
            );
            return his;
        }
    };
    for key in [FHIR, WST846, HTTP].concat() {
        if s.has(key) && !own.contains(&key) {
            p.add(
                format!("his.{key}"),
                format!("is not a field of adapter = \"{adapter}\""),
            );
        }
    }
    if let Some(v) = s.integer("patient_number_visible", 0..=64, p) {
        his.patient_number_visible = Some(v as usize);
    }
    his.connection = read_connection(&s, base, p);
    his.adapter = match adapter.as_str() {
        "fhir" => read_fhir(&s, p).map_or(AdapterSettings::Local, AdapterSettings::Fhir),
        "wst846" => read_wst846(&s, p).map_or(AdapterSettings::Local, |w| {
            AdapterSettings::Wst846(Box::new(w))
        }),
        "http" => read_http(&s, base, p).map_or(AdapterSettings::Local, AdapterSettings::Http),
        _ => AdapterSettings::Local,
    };
    his
}

fn read_connection(s: &Section, base: &Path, p: &mut Problems) -> Connection {
    let mut c = Connection::default();
    let ms = |v: i64| Duration::from_millis(v as u64);
    if let Some(v) = s.integer("connect_timeout_ms", 100..=60_000, p) {
        c.connect_timeout = ms(v);
    }
    if let Some(v) = s.integer("request_timeout_ms", 500..=120_000, p) {
        c.request_timeout = ms(v);
    }
    if let Some(v) = s.integer("retries", 0..=3, p) {
        c.retries = v as u32;
    }
    let token = s.string("bearer_token_file", p).map(|f| base.join(f));
    let certificate = s.string("client_certificate", p).map(|f| base.join(f));
    let key = s.string("client_key", p).map(|f| base.join(f));
    c.auth = match (token, certificate, key) {
        (None, None, None) => Auth::None,
        (Some(token_file), None, None) => Auth::Bearer { token_file },
        (None, Some(certificate), Some(key)) => Auth::ClientCertificate { certificate, key },
        (Some(_), _, _) => {
            p.add(
                "his.bearer_token_file",
                "goes alone: a bearer token or a client certificate, not both",
            );
            Auth::None
        }
        (None, Some(_), None) => {
            p.add("his.client_key", "is required with his.client_certificate");
            Auth::None
        }
        (None, None, Some(_)) => {
            p.add("his.client_certificate", "is required with his.client_key");
            Auth::None
        }
    };
    c.ca_file = s.string("ca_file", p).map(|f| base.join(f));
    c
}

fn url(s: &Section, key: &str, p: &mut Problems) -> Option<String> {
    let v = s.required_string(key, p);
    s.check(key, v, p, rules::endpoint)
        .map(|v| v.trim_end_matches('/').to_owned())
}

fn read_fhir(s: &Section, p: &mut Problems) -> Option<FhirSettings> {
    let base_url = url(s, "base_url", p);
    let identifier_system = s.string("identifier_system", p);
    let identifier_system = s
        .check("identifier_system", identifier_system, p, uri)
        .unwrap_or_else(|| FhirSettings::DEFAULT_IDENTIFIER_SYSTEM.into());
    let patient_number_system = s.string("patient_number_system", p);
    let patient_number_system = s.check("patient_number_system", patient_number_system, p, uri);
    Some(FhirSettings {
        base_url: base_url?,
        identifier_system,
        patient_number_system,
    })
}

fn read_wst846(s: &Section, p: &mut Problems) -> Option<Wst846Settings> {
    let url = url(s, "url", p);
    let soap_version = match s.string("soap_version", p).as_deref() {
        None | Some("1.2") => Some(SoapVersion::V1_2),
        Some("1.1") => Some(SoapVersion::V1_1),
        Some(_) => {
            p.add("his.soap_version", "must be \"1.1\" or \"1.2\"");
            None
        }
    };
    // The message schema's device ids.
    let id = |key: &str, p: &mut Problems| {
        let v = s.required_string(key, p);
        s.check(key, v, p, |v| {
            if (7..=36).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()) {
                Ok(())
            } else {
                Err("must be 7 to 36 printable ASCII characters (the message's device id)".into())
            }
        })
    };
    let sender_id = id("sender_id", p);
    let receiver_id = id("receiver_id", p);
    let organization_code = s.required_string("organization_code", p);
    let organization_code = s.check("organization_code", organization_code, p, |v| {
        if v.len() == 18 && v.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(())
        } else {
            Err("must be the hospital's 18-character organisation code (统一社会信用代码)".into())
        }
    });
    let organization_name = s.required_string("organization_name", p);
    let organization_name = s.check(
        "organization_name",
        organization_name,
        p,
        rules::max_chars(64),
    );
    let register = s.boolean("register", p).unwrap_or(false);
    let prefix = s.string("patient_number_prefix", p);
    let prefix = s.check("patient_number_prefix", prefix, p, |v| {
        if v.len() <= 20 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
            Ok(())
        } else {
            Err("must be at most 20 letters, digits or -_. (the namespace of the numbers this kiosk mints)".into())
        }
    });
    if register && prefix.is_none() && !s.has("patient_number_prefix") {
        p.add(
            "his.patient_number_prefix",
            "is required with register = true: the namespace, agreed with the hospital, of the \
             patient numbers this kiosk mints (e.g. ZZJ01-)",
        );
    }
    let mut oids = Wst846Oids::default();
    for (key, slot) in [
        ("message_id_root", &mut oids.message_id),
        ("interaction_id_root", &mut oids.interaction_id),
        ("device_id_root", &mut oids.device_id),
        ("patient_id_root", &mut oids.patient_id),
        ("id_number_root", &mut oids.id_number),
        ("organization_id_root", &mut oids.organization_id),
        ("author_id_root", &mut oids.author_id),
    ] {
        let v = s.string(key, p);
        if let Some(v) = s.check(key, v, p, oid) {
            *slot = v;
        }
    }
    let mut agreed = AgreedCodes::default();
    for (key, slot) in [
        ("agreed_ethnic_group", &mut agreed.ethnic_group),
        ("agreed_occupation", &mut agreed.occupation),
        ("agreed_relationship", &mut agreed.relationship),
        ("agreed_insurance_type", &mut agreed.insurance_type),
    ] {
        let v = s.string(key, p);
        *slot = s
            .check(key, v, p, |v| agreed_code(v).map(drop))
            .and_then(|v| agreed_code(&v).ok());
    }
    let birth_date_required = s.boolean("birth_date_required", p).unwrap_or(false);
    Some(Wst846Settings {
        url: url?,
        soap_version: soap_version?,
        sender_id: sender_id?,
        receiver_id: receiver_id?,
        organization_code: organization_code?,
        organization_name: organization_name?,
        register,
        patient_number_prefix: prefix.unwrap_or_default(),
        oids,
        agreed,
        birth_date_required,
    })
}

fn read_http(s: &Section, base: &Path, p: &mut Problems) -> Option<VendorSettings> {
    let url = url(s, "url", p);
    let profile = s.required_string("profile", p).map(|f| base.join(f));
    Some(VendorSettings {
        url: url?,
        profile: profile?,
    })
}

/// `"90 其他"`: a code of the platform's table (letters and digits), a space, its name.
fn agreed_code(v: &str) -> Result<AgreedCode, String> {
    let rule = || {
        "must be a code and its name as the platform's code table has them, like \"90 其他\""
            .to_owned()
    };
    let (code, name) = v.trim().split_once(' ').ok_or_else(rule)?;
    let (code, name) = (code.trim(), name.trim());
    if code.is_empty()
        || code.len() > 8
        || !code.bytes().all(|b| b.is_ascii_alphanumeric())
        || name.is_empty()
        || name.chars().count() > 32
        || name.chars().any(char::is_control)
    {
        return Err(rule());
    }
    Ok(AgreedCode {
        code: code.to_owned(),
        name: name.to_owned(),
    })
}

/// An OID: digits in dotted groups (`2.16.156.10011.1.3`).
fn oid(v: &str) -> Result<(), String> {
    let ok = v.len() <= 64
        && v.split('.').count() >= 2
        && v.split('.')
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err("must be an OID: digits in dotted groups, like 2.16.156.10011.1.3".into())
    }
}

/// A FHIR identifier system: an absolute URI (`urn:oid:...`, `http://...`).
fn uri(v: &str) -> Result<(), String> {
    match url::Url::parse(v) {
        Ok(u) if !u.cannot_be_a_base() || u.scheme() == "urn" => Ok(()),
        _ => Err("must be an absolute URI, like urn:oid:2.16.156.10011.1.3".into()),
    }
}
