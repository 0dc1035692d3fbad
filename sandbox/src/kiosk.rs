//! The kiosk configuration files the sandbox writes for its clients: `kiosk.toml` (the direct
//! merchant) and `kiosk-sp.toml` (service-provider mode), in the format
//! `facekiosk_config::load` reads, pointing both endpoints at the sandbox. Checked by parsing them back.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use facekiosk_his::settings::{
    AdapterSettings, Connection, FhirSettings, HisSettings, SoapVersion, VendorSettings,
    Wst846Oids, Wst846Settings,
};

use crate::material::{Material, ids};
use crate::options::Options;

fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn qp(p: &Path) -> String {
    q(&p.display().to_string())
}

/// The configuration text for the sandbox at `base_url`.
pub fn render(material: &Material, options: &Options, base_url: &str, sp: bool) -> String {
    let m = material;
    let (appid, mch, sub) = if sp {
        (ids::SP_APPID, &m.service_provider, Some(&m.sub_merchant))
    } else {
        (ids::MERCHANT_APPID, &m.merchant, None)
    };
    let mut t = format!(
        "# Written by facekiosk-sandbox for the sandbox at {base_url}; rewritten at each start.\n\n\
         [merchant]\nappid = {}\nmch_id = {}\n",
        q(appid),
        q(&mch.mch_id)
    );
    if sub.is_some() {
        t += &format!(
            "sub_appid = {}\nsub_mch_id = {}\n",
            q(ids::SUB_APPID),
            q(ids::SUB_MCH_ID)
        );
    }
    t += &format!(
        "\n[store]\nstore_id = {}\nstore_name = {}\n\n[device]\ndevice_id = {}\n\n\
         [facemch]\ninfo_type = \"ASK_REAL_NAME\"\npadding = {}\n\n\
         [endpoints]\npayapp = {}\napi_mch = {}\n\n\
         [keys]\napiv2_key_file = {}\napiv2_sign_type = \"HMAC-SHA256\"\n\
         merchant_private_key = {}\nmerchant_certificate = {}\nmerchant_serial = {}\n",
        q(ids::STORE_ID),
        q(ids::STORE_NAME),
        q(ids::DEVICE_ID),
        q(options.padding.name()),
        q(base_url),
        q(base_url),
        qp(&mch.apiv2_key_path()),
        qp(&mch.key_path()),
        qp(&mch.cert_path()),
        q(&mch.serial),
    );
    if options.key_mode.has_public_key() {
        t += &format!(
            "wechatpay_public_key = {}\nwechatpay_public_key_id = {}\n",
            qp(&m.pub_key_path()),
            q(&m.public_key_id)
        );
    }
    if options.key_mode.has_platform_certificate() {
        t += &format!(
            "platform_certificates = [{}]\n",
            qp(&m.platform_cert_path())
        );
    }
    if let Some(sub) = sub {
        t += &format!(
            "sub_merchant_serial = {}\nsub_merchant_private_key = {}\n",
            q(&sub.serial),
            qp(&sub.key_path())
        );
    }
    // The sandbox's hospital takes the verified patients: its FHIR server, the patient number
    // read from the identifier the hospital gives it.
    t += &format!(
        "\n[his]\nadapter = \"fhir\"\nbase_url = {}\npatient_number_system = {}\n",
        q(&format!("{base_url}/his/fhir")),
        q(crate::hospital::PATIENT_NUMBER_SYSTEM)
    );
    // Last, so that `add_terminal` can append to it. The simulated terminal's serial, and the
    // key its bridges are paired with (what production requires of `[terminal]`).
    t += &format!(
        "\n[terminal]\nserial = {}\npairing_key_file = {}\n",
        q(crate::face_app::FaceAppOptions::default().serial.as_str()),
        qp(&m.pairing_key_path())
    );
    t
}

/// How a kiosk reaches the sandbox's hospital: one of its interfaces, set up as a hospital
/// would set up the kiosk's `[his]` for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxAdapter {
    /// No hospital: the kiosk's own registry.
    Local,
    /// The FHIR server; the patient number read from the hospital's identifier.
    Fhir,
    /// The hospital information platform (WS/T 846.2), the kiosk allowed to register.
    Wst846 { soap: SoapVersion },
    /// A vendor interface: `site` (`tianrui`, `zzj`) with its profile file (the example
    /// profiles of `assets/his-profiles/`).
    Vendor { site: String, profile: PathBuf },
}

/// The `[his]` of a kiosk handing patients to the sandbox at `base_url` through `adapter`.
pub fn his_settings(base_url: &str, adapter: &SandboxAdapter) -> HisSettings {
    let adapter = match adapter {
        SandboxAdapter::Local => AdapterSettings::Local,
        SandboxAdapter::Fhir => AdapterSettings::Fhir(FhirSettings {
            base_url: format!("{base_url}/his/fhir"),
            identifier_system: FhirSettings::DEFAULT_IDENTIFIER_SYSTEM.into(),
            patient_number_system: Some(crate::hospital::PATIENT_NUMBER_SYSTEM.into()),
        }),
        SandboxAdapter::Wst846 { soap } => AdapterSettings::Wst846(Box::new(Wst846Settings {
            url: format!("{base_url}/his/wst846"),
            soap_version: *soap,
            sender_id: "ZZJ-0001".into(),
            receiver_id: "HIP-0001".into(),
            organization_code: ids::ORGANIZATION_CODE.into(),
            organization_name: ids::HOSPITAL_NAME.into(),
            register: true,
            patient_number_prefix: "ZZJ01-".into(),
            oids: Wst846Oids::default(),
            agreed: Default::default(),
            birth_date_required: false,
        })),
        SandboxAdapter::Vendor { site, profile } => AdapterSettings::Http(VendorSettings {
            url: format!("{base_url}/his/vendor/{site}"),
            profile: profile.clone(),
        }),
    };
    HisSettings {
        adapter,
        patient_number_visible: None,
        connection: Connection::default(),
    }
}

/// Writes the configuration to `path` and checks that the kiosk reads it.
pub fn write(
    path: &Path,
    material: &Material,
    options: &Options,
    base_url: &str,
    sp: bool,
) -> Result<()> {
    let text = render(material, options, base_url, sp);
    let dir = path.parent().unwrap_or(Path::new("."));
    facekiosk_config::parse(&text, dir)
        .map_err(|e| anyhow!("the kiosk configuration we wrote: {e}"))?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Points the configuration at `path` to a simulated terminal's bridge at `addr`, so a kiosk
/// started with it reaches that terminal directly instead of through adb.
pub fn add_terminal(path: &Path, addr: std::net::SocketAddr) -> Result<()> {
    let mut text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    // `[terminal]` is the last section `render` writes.
    text += &format!("direct = {}\n", q(&addr.to_string()));
    let dir = path.parent().unwrap_or(Path::new("."));
    facekiosk_config::parse(&text, dir)
        .map_err(|e| anyhow!("the kiosk configuration we wrote: {e}"))?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
