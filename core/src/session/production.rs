//! The kiosk wired from its configuration: the configured WeChat endpoints and keys, the
//! face terminal found through adb (or a bridge address), the records on disk.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, TerminalSettings};
use crate::terminal::link::{AdbProgram, AdbTarget};
use crate::terminal::{BridgeTerminal, CallTimeouts, LinkOptions, TerminalOptions, TerminalTarget};
use crate::wxpay::WxpayClient;

use super::{ConsentError, Deps, Kiosk, Records, RecordsError};

/// Why the kiosk cannot start; each names what to fix, never a secret.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("keys: {0}")]
    Keys(#[from] crate::wxpay::WxpayError),
    #[error(transparent)]
    Records(#[from] RecordsError),
    #[error(transparent)]
    Consent(#[from] ConsentError),
}

impl StartError {
    pub fn code(&self) -> &'static str {
        match self {
            StartError::Keys(e) => e.code(),
            StartError::Records(_) => "RECORDS_UNAVAILABLE",
            StartError::Consent(_) => "CONSENT_TEXT_INVALID",
        }
    }
}

/// Starts the kiosk for `config` (within a tokio runtime).
pub fn start(config: Config) -> Result<Kiosk, StartError> {
    let records = Arc::new(Records::open(&config.kiosk.records)?);
    let terminal = BridgeTerminal::spawn(
        target(&config.terminal),
        LinkOptions::default(),
        terminal_options(&config.terminal),
    );
    let settings = config.kiosk.clone();
    let wxpay = Arc::new(WxpayClient::from_config(config)?);
    let deps = Deps::new(Arc::new(terminal), wxpay, records, settings)?;
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
