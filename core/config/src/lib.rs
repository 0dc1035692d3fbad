//! facekiosk-config: the kiosk's configuration file. Who the merchant is, which store and
//! device this is, where WeChat is, which keys to use, how to reach the internet, how the
//! screens behave and where the terminal is: read from TOML into the settings each crate takes
//! ([`facekiosk_session::Settings`]: the WeChat client's, the session's, the terminal's). Every
//! invalid field is reported at once, by name, with the rule it broke.

/// Staff mode's settings editor.
pub mod edit;
mod face_app;
mod his;
/// Where an installed kiosk keeps its configuration, data and logs, per OS.
pub mod install_paths;
mod kiosk;
mod reader;
mod rules;
mod terminal_refs;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;

pub use install_paths::InstallPaths;
pub use reader::Problem;
use reader::{Problems, Section};
pub use terminal_refs::{TerminalRefs, terminal_refs};

use facekiosk_pii::Secret;
use facekiosk_session::{KioskSettings, Settings};
use facekiosk_terminal::TerminalSettings;
use facekiosk_wxpay::InfoType;
use facekiosk_wxpay::crypto::Padding;
use facekiosk_wxpay::settings::{
    DEFAULT_API_MCH, DEFAULT_PAYAPP, Endpoints, Facemch, Keys, Merchant, Proxy, Store, Timeouts,
    WxpaySettings,
};
use facekiosk_wxpay::v2::SignType;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read the configuration {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the configuration is not valid TOML: {0}")]
    Syntax(String),
    #[error("{}", describe(.0))]
    Invalid(Vec<Problem>),
}

fn describe(problems: &[Problem]) -> String {
    let mut out = format!(
        "the configuration has {} problem{}:",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.to_string());
    }
    out
}

impl ConfigError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Invalid(p) => p,
            _ => &[],
        }
    }
}

/// Reads the kiosk's configuration file; relative paths in it are relative to its folder.
pub fn load(path: &Path) -> Result<Settings, ConfigError> {
    parse(&read(path)?, folder_of(path))
}

/// Parses TOML; relative key paths are resolved against `base_dir`.
pub fn parse(text: &str, base_dir: &Path) -> Result<Settings, ConfigError> {
    let root = table(text)?;
    let mut p = Problems::default();
    unknown_sections(&root, &mut p);
    let merchant = read_merchant(&root, &mut p);
    let store = read_store(&root, &mut p);
    let device_id = read_device(&root, &mut p);
    let facemch = read_facemch(&root, &mut p);
    let endpoints = read_endpoints(&root, &mut p);
    let keys = read_keys(&root, base_dir, merchant.as_ref(), &mut p);
    let proxy = read_proxy(&root, &mut p);
    let timeouts = read_timeouts(&root, &mut p);
    let kiosk = kiosk::read_kiosk(&root, base_dir, &mut p);
    let terminal = kiosk::read_terminal(&root, base_dir, kiosk::Require::Production, &mut p);
    let his = his::read_his(&root, base_dir, &mut p);
    let wxpay = (|| {
        Some(WxpaySettings {
            merchant: merchant?,
            store: store?,
            device_id: device_id?,
            facemch: facemch?,
            endpoints: endpoints?,
            keys: keys?,
            proxy: proxy?,
            timeouts: timeouts?,
        })
    })();
    match wxpay {
        Some(wxpay) if p.0.is_empty() => Ok(Settings {
            wxpay,
            kiosk,
            terminal,
            his,
        }),
        _ => Err(ConfigError::Invalid(p.0)),
    }
}

/// What a demo takes from a hospital's file on top of its own merchant: how the screens
/// behave, how the terminal is reached, and where verified patients go (`[his]`, when the
/// file has it: a technician rehearses the hospital's settings against its test system).
#[derive(Debug)]
pub struct DemoSections {
    pub kiosk: KioskSettings,
    pub terminal: TerminalSettings,
    pub his: Option<facekiosk_his::HisSettings>,
}

/// Reads the `[kiosk]`, `[terminal]` and `[his]` sections of a file (a kiosk's own file
/// too: its other sections are the demo's to replace, and are not read).
pub fn load_demo_sections(path: &Path) -> Result<DemoSections, ConfigError> {
    let base = folder_of(path);
    let root = table(&read(path)?)?;
    let mut p = Problems::default();
    unknown_sections(&root, &mut p);
    let kiosk = kiosk::read_kiosk(&root, base, &mut p);
    let terminal = kiosk::read_terminal(&root, base, kiosk::Require::Optional, &mut p);
    let his = root
        .contains_key("his")
        .then(|| his::read_his(&root, base, &mut p));
    if p.0.is_empty() {
        Ok(DemoSections {
            kiosk,
            terminal,
            his,
        })
    } else {
        Err(ConfigError::Invalid(p.0))
    }
}

/// The sections of a kiosk's file.
const SECTIONS: [&str; 11] = [
    "merchant",
    "store",
    "device",
    "facemch",
    "endpoints",
    "keys",
    "proxy",
    "timeouts",
    "kiosk",
    "terminal",
    "his",
];

fn unknown_sections(root: &toml::Table, p: &mut Problems) {
    for key in root.keys().filter(|k| !SECTIONS.contains(&k.as_str())) {
        p.add(
            key.clone(),
            format!("is not a known section (known: {})", SECTIONS.join(", ")),
        );
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// What the relative paths in the file at `path` are relative to.
fn folder_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

fn table(text: &str) -> Result<toml::Table, ConfigError> {
    text.parse().map_err(|e: toml::de::Error| {
        // toml's message quotes the offending line, which may hold a secret.
        let at = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        ConfigError::Syntax(format!("{} (line {at})", e.message()))
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn read_merchant(root: &toml::Table, p: &mut Problems) -> Option<Merchant> {
    let s = Section::new(
        root,
        "merchant",
        &["appid", "mch_id", "sub_appid", "sub_mch_id"],
        p,
    );
    let appid = s.required_string("appid", p);
    let appid = s.check("appid", appid, p, rules::appid);
    let mch_id = s.required_string("mch_id", p);
    let mch_id = s.check("mch_id", mch_id, p, rules::mch_id);
    let sub_appid = s.string("sub_appid", p);
    let sub_appid = s.check("sub_appid", sub_appid, p, rules::appid);
    let sub_mch_id = s.string("sub_mch_id", p);
    let sub_mch_id = s.check("sub_mch_id", sub_mch_id, p, rules::mch_id);
    if sub_appid.is_some() && sub_mch_id.is_none() {
        p.add(
            "merchant.sub_mch_id",
            "is required when merchant.sub_appid is set",
        );
    }
    Some(Merchant {
        appid: appid?,
        mch_id: mch_id?,
        sub_appid,
        sub_mch_id,
    })
}

fn read_store(root: &toml::Table, p: &mut Problems) -> Option<Store> {
    let s = Section::new(root, "store", &["store_id", "store_name"], p);
    let store_id = s.required_string("store_id", p);
    let store_id = s.check("store_id", store_id, p, rules::max_chars(32));
    let store_name = s.required_string("store_name", p);
    let store_name = s.check("store_name", store_name, p, rules::max_chars(128));
    Some(Store {
        store_id: store_id?,
        store_name: store_name?,
    })
}

fn read_device(root: &toml::Table, p: &mut Problems) -> Option<String> {
    let s = Section::new(root, "device", &["device_id"], p);
    let device_id = s.required_string("device_id", p);
    s.check("device_id", device_id, p, rules::max_chars(32))
}

fn read_facemch(root: &toml::Table, p: &mut Problems) -> Option<Facemch> {
    let s = Section::new(root, "facemch", &["info_type", "padding"], p);
    let info_type = match s.string("info_type", p) {
        None => Some(InfoType::AskRealName),
        Some(v) => {
            let parsed = InfoType::parse(&v);
            if parsed.is_none() {
                let hint = if v == "ASK_UNION_ID" {
                    " (WeChat spells it ASK_UNIONID)"
                } else {
                    ""
                };
                p.add(
                    "facemch.info_type",
                    format!("must be ASK_REAL_NAME, ASK_UNIONID or ASK_REAL_NAME_TEL{hint}"),
                );
            }
            parsed
        }
    };
    let padding = match s.string("padding", p) {
        None => Some(Padding::default()),
        Some(v) => {
            let parsed = Padding::parse(&v);
            if parsed.is_none() {
                p.add(
                    "facemch.padding",
                    "must be pkcs1 (WeChat's padding for this API) or oaep",
                );
            }
            parsed
        }
    };
    Some(Facemch {
        info_type: info_type?,
        padding: padding?,
    })
}

fn read_endpoints(root: &toml::Table, p: &mut Problems) -> Option<Endpoints> {
    let s = Section::new(root, "endpoints", &["payapp", "api_mch"], p);
    let payapp = s
        .string("payapp", p)
        .or_else(|| Some(DEFAULT_PAYAPP.into()));
    let payapp = s.check("payapp", payapp, p, rules::endpoint);
    let api_mch = s
        .string("api_mch", p)
        .or_else(|| Some(DEFAULT_API_MCH.into()));
    let api_mch = s.check("api_mch", api_mch, p, rules::endpoint);
    Some(Endpoints {
        payapp: payapp?.trim_end_matches('/').to_owned(),
        api_mch: api_mch?.trim_end_matches('/').to_owned(),
    })
}

fn read_keys(
    root: &toml::Table,
    base: &Path,
    merchant: Option<&Merchant>,
    p: &mut Problems,
) -> Option<Keys> {
    let s = Section::new(
        root,
        "keys",
        &[
            "apiv2_key_file",
            "apiv2_sign_type",
            "merchant_private_key",
            "merchant_certificate",
            "merchant_serial",
            "wechatpay_public_key",
            "wechatpay_public_key_id",
            "platform_certificates",
            "sub_merchant_serial",
            "sub_merchant_private_key",
        ],
        p,
    );
    let path = |v: String| base.join(v);
    let apiv2_key_file = s.required_string("apiv2_key_file", p).map(path);
    let apiv2_sign_type = match s.string("apiv2_sign_type", p) {
        None => Some(SignType::HmacSha256),
        Some(v) => {
            let t = SignType::parse(&v);
            if t.is_none() {
                p.add("keys.apiv2_sign_type", "must be MD5 or HMAC-SHA256");
            }
            t
        }
    };
    let merchant_private_key = s.required_string("merchant_private_key", p).map(path);
    let merchant_certificate = s.required_string("merchant_certificate", p).map(path);
    let merchant_serial = s.string("merchant_serial", p);
    let merchant_serial = s.check("merchant_serial", merchant_serial, p, rules::serial);
    let wechatpay_public_key = s.string("wechatpay_public_key", p).map(path);
    let public_key_id_given = s.string("wechatpay_public_key_id", p);
    let wechatpay_public_key_id = s.check(
        "wechatpay_public_key_id",
        public_key_id_given.clone(),
        p,
        rules::public_key_id,
    );
    let platform_certificates: Vec<PathBuf> = s
        .string_list("platform_certificates", p)
        .into_iter()
        .map(path)
        .collect();
    match (&wechatpay_public_key, &public_key_id_given) {
        (Some(_), None) => p.add(
            "keys.wechatpay_public_key_id",
            "is required with keys.wechatpay_public_key",
        ),
        (None, Some(_)) => p.add(
            "keys.wechatpay_public_key",
            "is required with keys.wechatpay_public_key_id",
        ),
        _ => {}
    }
    if s.is_present() && wechatpay_public_key.is_none() && platform_certificates.is_empty() {
        p.add(
            "keys.wechatpay_public_key",
            "or keys.platform_certificates is required: without one, no WeChat response can be verified",
        );
    }
    let sub_merchant_serial = s.string("sub_merchant_serial", p);
    let sub_merchant_serial = s.check("sub_merchant_serial", sub_merchant_serial, p, rules::serial);
    let sub_merchant_private_key = s.string("sub_merchant_private_key", p).map(path);
    let service_provider = merchant.is_some_and(|m| m.sub_mch_id.is_some());
    if !service_provider && (sub_merchant_serial.is_some() || sub_merchant_private_key.is_some()) {
        p.add(
            "keys.sub_merchant_serial",
            "is only for service-provider mode (merchant.sub_mch_id)",
        );
    }
    if service_provider && sub_merchant_serial.is_none() {
        p.add(
            "keys.sub_merchant_serial",
            "is required in service-provider mode: WeChat encrypts the real name to that certificate",
        );
    }
    Some(Keys {
        apiv2_key_file: apiv2_key_file?,
        apiv2_sign_type: apiv2_sign_type?,
        merchant_private_key: merchant_private_key?,
        merchant_certificate: merchant_certificate?,
        merchant_serial,
        wechatpay_public_key,
        wechatpay_public_key_id,
        platform_certificates,
        sub_merchant_serial,
        sub_merchant_private_key,
    })
}

fn read_proxy(root: &toml::Table, p: &mut Problems) -> Option<Option<Proxy>> {
    let s = Section::new(root, "proxy", &["url", "username", "password"], p);
    if !s.is_present() {
        return Some(None);
    }
    let url = s.required_string("url", p);
    let url = s.check("url", url, p, rules::proxy_url);
    let username = s.string("username", p);
    let password = s.string("password", p).map(Secret::new);
    if password.is_some() && username.is_none() {
        p.add("proxy.username", "is required when proxy.password is set");
    }
    Some(Some(Proxy {
        url: url?,
        username,
        password,
    }))
}

fn read_timeouts(root: &toml::Table, p: &mut Problems) -> Option<Timeouts> {
    let s = Section::new(
        root,
        "timeouts",
        &["connect_ms", "request_ms", "retries", "facemch_deadline_ms"],
        p,
    );
    let d = Timeouts::default();
    let ms = |v: i64| Duration::from_millis(v as u64);
    let connect = s
        .integer("connect_ms", 100..=60_000, p)
        .map(ms)
        .unwrap_or(d.connect);
    let request = s
        .integer("request_ms", 1_000..=120_000, p)
        .map(ms)
        .unwrap_or(d.request);
    let retries = s
        .integer("retries", 0..=5, p)
        .map(|v| v as u32)
        .unwrap_or(d.retries);
    let facemch_deadline = s
        .integer("facemch_deadline_ms", 1_000..=120_000, p)
        .map(ms)
        .unwrap_or(d.facemch_deadline);
    Some(Timeouts {
        connect,
        request,
        retries,
        facemch_deadline,
    })
}

/// A one-screen summary of the settings for diagnostics: identities and paths, never key
/// material.
#[derive(Debug)]
pub struct Summary<'a>(pub &'a Settings);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.0.wxpay;
        writeln!(f, "appid={} mch_id={}", s.merchant.appid, s.merchant.mch_id)?;
        if let Some(sub) = &s.merchant.sub_mch_id {
            writeln!(
                f,
                "sub_mch_id={sub} sub_appid={}",
                s.merchant.sub_appid.as_deref().unwrap_or("-")
            )?;
        }
        writeln!(f, "store_id={} device_id={}", s.store.store_id, s.device_id)?;
        writeln!(f, "info_type={}", s.facemch.info_type.as_str())?;
        writeln!(
            f,
            "payapp={} api_mch={}",
            s.endpoints.payapp, s.endpoints.api_mch
        )?;
        match &s.proxy {
            Some(proxy) => writeln!(f, "proxy={}", proxy.url),
            None => writeln!(f, "proxy=none"),
        }
    }
}

#[cfg(test)]
mod tests;
