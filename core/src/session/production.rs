//! The kiosk wired from its configuration: the configured WeChat endpoints and keys, the
//! face terminal found through adb (or a bridge address), the records on disk.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, TerminalSettings};
use crate::terminal::link::{AdbProgram, AdbTarget};
use crate::terminal::{BridgeTerminal, CallTimeouts, LinkOptions, TerminalOptions, TerminalTarget};
use crate::wxpay::{InfoType, WxpayClient};

use super::{ConsentError, ConsentLibrary, Deps, Kiosk, Records, RecordsError};

/// Why the kiosk cannot start; each names what to fix, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("keys: {0}")]
    Keys(#[from] crate::wxpay::WxpayError),
    #[error(transparent)]
    Records(#[from] RecordsError),
    #[error(transparent)]
    Consent(#[from] ConsentError),
    #[error(
        "facemch.info_type {0}: the kiosk registers patients by their real name; use ASK_REAL_NAME"
    )]
    NoRealName(&'static str),
}

impl StartError {
    pub fn code(&self) -> &'static str {
        match self {
            StartError::Keys(e) => e.code(),
            StartError::Records(_) => "RECORDS_UNAVAILABLE",
            StartError::Consent(e) => e.code(),
            StartError::NoRealName(_) => "INFO_TYPE_UNSUITABLE",
        }
    }
}

/// Starts the kiosk for `config` (within a tokio runtime).
pub fn start(config: Config) -> Result<Kiosk, StartError> {
    let info_type = config.facemch.info_type;
    if info_type == InfoType::AskUnionid {
        // Every session would end in IDENTITY_INCOMPLETE: better not to open at all.
        return Err(StartError::NoRealName(info_type.as_str()));
    }
    // Nothing is fetched that the patient's consent does not name.
    let consent = ConsentLibrary::for_kiosk(config.kiosk.consent_dir.as_deref(), info_type)?;
    let records = Arc::new(Records::open(&config.kiosk.records)?);
    let terminal = BridgeTerminal::spawn(
        target(&config.terminal),
        LinkOptions::default(),
        terminal_options(&config.terminal),
    );
    let settings = config.kiosk.clone();
    let wxpay = Arc::new(WxpayClient::from_config(config)?);
    let deps = Deps::new(Arc::new(terminal), wxpay, records, settings, consent);
    Ok(Kiosk::spawn(deps))
}

/// Where the terminal is: a bridge address, or the device adb finds.
pub fn target(t: &TerminalSettings) -> TerminalTarget {
    match t.direct {
        Some(addr) => TerminalTarget::Direct(addr),
        None => TerminalTarget::Adb(AdbTarget {
            server: std::net::SocketAddr::from(([127, 0, 0, 1], t.adb_port)),
            serial: t.serial.clone(),
            program: t.adb.clone().map_or(AdbProgram::Auto, AdbProgram::Path),
            ..AdbTarget::new()
        }),
    }
}

/// The SDK call timeouts from `[terminal]`.
pub fn terminal_options(t: &TerminalSettings) -> TerminalOptions {
    TerminalOptions {
        timeouts: CallTimeouts {
            init: t.call_timeout,
            rawdata: t.call_timeout,
            face_code: t.face_scan_timeout,
            authorise: t.confirm_timeout,
            quit: t.call_timeout,
            stop: Duration::from_secs(5),
        },
        ..TerminalOptions::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kiosk_asking_for_what_it_may_not_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[merchant]\nappid = \"wxd930ea5d5a258f4f\"\nmch_id = \"1900000109\"\n\
             [store]\nstore_id = \"HOSP-001\"\nstore_name = \"门诊一楼\"\n\
             [device]\ndevice_id = \"KIOSK-07\"\n\
             [keys]\napiv2_key_file = \"apiv2.key\"\nmerchant_private_key = \"k.pem\"\n\
             merchant_certificate = \"c.pem\"\nwechatpay_public_key = \"p.pem\"\n\
             wechatpay_public_key_id = \"PUB_KEY_ID_0114232134912410000000000000\"\n\
             [facemch]\ninfo_type = \"ASK_UNIONID\"\n[kiosk]\nrecords = \"{}/r.sqlite\"\n",
            dir.path().display()
        );
        let unionid = Config::parse(&config, dir.path()).unwrap();
        let tel = config.replace("ASK_UNIONID", "ASK_REAL_NAME_TEL");
        let tel = Config::parse(&tel, dir.path()).unwrap();
        let err = start(unionid).unwrap_err();
        assert_eq!(err.code(), "INFO_TYPE_UNSUITABLE");
        assert!(err.to_string().contains("facemch.info_type"), "{err}");
        // The built-in consent texts name no phone number.
        let err = start(tel).unwrap_err();
        assert_eq!(err.code(), "CONSENT_MISMATCH");
        assert!(err.to_string().contains("facemch.info_type"), "{err}");
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "nothing opened"
        );
    }
}
