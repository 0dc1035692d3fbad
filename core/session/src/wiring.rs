//! The one wiring of a kiosk: its settings and its parts in, a running [`Kiosk`] out.
//!
//! Production, the demo, the CLI's demo, the benchmarks and the session tests all start a kiosk
//! here, so the start checks (what the patient's consent names, the records, the keys) hold
//! for every one of them. The demo only swaps parts: the terminal's address (the simulated
//! terminal), the records' location, the hand-over.

use std::path::PathBuf;
use std::sync::Arc;

use facekiosk_terminal::{BridgeTerminal, TerminalTarget};
use facekiosk_wxpay::authinfo_cache::{AuthinfoCache, Scope};
use facekiosk_wxpay::clock::{Clock, SystemClock};
use facekiosk_wxpay::{InfoType, WxpayClient, WxpayError};
use serde::Serialize;

use crate::code::written_code;
use crate::consent::{ConsentError, ConsentErrorCode, ConsentLibrary, Destination};
use crate::handover::{HandOver, HospitalSystem, LocalRegistry};
use crate::records::{Records, RecordsError};
use crate::settings::Settings;
use crate::{Deps, Kiosk};
use facekiosk_his::{HisError, Hospital};

/// Why the kiosk cannot start; each names what to fix, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("keys: {0}")]
    Keys(#[from] WxpayError),
    #[error(transparent)]
    Records(#[from] RecordsError),
    #[error(transparent)]
    Consent(#[from] ConsentError),
    #[error(
        "facemch.info_type {0}: the kiosk registers patients by their real name; use ASK_REAL_NAME"
    )]
    NoRealName(&'static str),
    /// The `[his]` adapter cannot be used (its profile, secrets or URL).
    #[error(transparent)]
    His(HisError),
}

impl StartError {
    pub fn code(&self) -> StartErrorCode {
        match self {
            // Building the WeChat client reads only its keys, certificates and proxy: every
            // failure there is the kind KEY_SETUP.
            StartError::Keys(_) => StartErrorCode::KeySetup,
            StartError::Records(_) => StartErrorCode::RecordsUnavailable,
            StartError::Consent(e) => StartErrorCode::Consent(e.code()),
            StartError::NoRealName(_) => StartErrorCode::InfoTypeUnsuitable,
            StartError::His(_) => StartErrorCode::HisSetup,
        }
    }
}

/// Why the kiosk did not start, for the log and the staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StartErrorCode {
    /// The keys, certificates or proxy (`[keys]`, `[proxy]`) cannot be used.
    KeySetup,
    /// The patient records cannot be opened.
    RecordsUnavailable,
    /// `facemch.info_type` does not fetch the real name.
    InfoTypeUnsuitable,
    /// The `[his]` adapter's profile, secrets or URL cannot be used.
    HisSetup,
    /// The consent texts: written as the consent's own code.
    #[serde(untagged)]
    Consent(ConsentErrorCode),
}

written_code!(StartErrorCode);

/// What a kiosk is built from besides its settings. Production takes every part from the
/// settings ([`Parts::default`]); the demo and the tests swap some.
#[derive(Default)]
pub struct Parts {
    /// Where the face terminal is; `[terminal]`'s target when absent.
    pub terminal: Option<TerminalTarget>,
    /// Where the patient records live; `[kiosk] records` when absent.
    pub records: Option<PathBuf>,
    /// Where a verified patient goes; the `[his]` adapter's hospital (or the kiosk's own
    /// records) when absent.
    pub hand_over: Option<Arc<dyn HandOver>>,
    /// The monotonic clock that ages the cached authinfo; the machine's when absent.
    pub clock: Option<Arc<dyn Clock>>,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts")
            .field("terminal", &self.terminal)
            .field("records", &self.records)
            .field("hand_over", &self.hand_over.as_ref().map(|_| "custom"))
            .field("clock", &self.clock)
            .finish()
    }
}

/// Starts a kiosk (within a tokio runtime): readies the `[his]` adapter and checks what it may
/// fetch and send against the patient's consent before anything is opened, then opens the
/// records, loads the keys, reaches for the terminal and starts the session task, which warms
/// up at once.
pub fn start(settings: Settings, parts: Parts) -> Result<Kiosk, StartError> {
    let info_type = settings.wxpay.facemch.info_type;
    if info_type == InfoType::AskUnionid {
        // Every session would end in IDENTITY_INCOMPLETE: better not to open at all.
        return Err(StartError::NoRealName(info_type.as_str()));
    }
    let hospital: Option<Arc<dyn Hospital>> =
        facekiosk_his::connect(&settings.his).map_err(StartError::His)?;
    let sends = hospital.as_ref().map(|h| h.sends()).unwrap_or_default();
    let destination = match &hospital {
        Some(_) => Destination::Hospital {
            adapter: settings.his.adapter_name(),
            sends: &sends,
        },
        None => Destination::KioskOnly,
    };
    // Nothing is fetched or sent that the patient's consent does not name.
    let consent = ConsentLibrary::for_kiosk(
        settings.kiosk.consent_dir.as_deref(),
        info_type,
        destination,
    )?;
    let records_path = parts
        .records
        .unwrap_or_else(|| settings.kiosk.records.clone());
    let records = Arc::new(Records::open(&records_path)?);
    let wxpay = Arc::new(WxpayClient::from_settings(settings.wxpay)?);
    let terminal = BridgeTerminal::spawn(
        parts.terminal.unwrap_or_else(|| settings.terminal.target()),
        settings.terminal.link_options(),
        settings.terminal.options(),
    );
    let hand_over: Arc<dyn HandOver> = match (parts.hand_over, hospital) {
        (Some(custom), _) => custom,
        (None, Some(hospital)) => Arc::new(HospitalSystem::new(hospital)),
        (None, None) => Arc::new(LocalRegistry::new(records.clone())),
    };
    Ok(Kiosk::spawn(Deps {
        terminal: Arc::new(terminal),
        scope: Scope::of(wxpay.settings()),
        wxpay,
        authinfo: Arc::new(AuthinfoCache::with_clock(
            parts.clock.unwrap_or_else(|| Arc::new(SystemClock)),
        )),
        hand_over,
        records,
        consent,
        settings: settings.kiosk,
        patient_ref_visible: settings.his.patient_number_visible,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_codes_are_written_as_staff_know_them() {
        assert_eq!(
            StartError::NoRealName("ASK_UNIONID").code(),
            "INFO_TYPE_UNSUITABLE"
        );
        assert_eq!(
            StartError::Keys(WxpayError::Setup("no key".into())).code(),
            "KEY_SETUP"
        );
        // A consent problem is written as the consent's own code, on the wire too.
        let mismatch = StartErrorCode::Consent(ConsentErrorCode::ConsentMismatch);
        assert_eq!(mismatch, "CONSENT_MISMATCH");
        assert_eq!(
            serde_json::to_value(mismatch).unwrap(),
            serde_json::json!("CONSENT_MISMATCH")
        );
    }
}
