//! facekiosk-session: the patient session: idle -> consent -> preparing -> face scan ->
//! welcome back, or WeChat's confirmation -> facemch -> verified; refusal and failure on the
//! way; back to idle.
//!
//! - [`Kiosk`]: the handle the shell (and the CLI demo) hold: send [`Intent`]s, watch
//!   [`SessionView`]s. One session task behind it ([`engine`]), one patient at a time.
//! - [`view`]: what the screens are sent; [`intent`]: what they send back.
//! - [`flow`]: the steps of one attempt; [`failure`]: the staff codes; [`code`]: how every code
//!   enum is written.
//! - [`records`]: the openid link and the consent receipts (SQLite); [`handover`]: where a
//!   verified identity goes; [`consent`]: the versioned consent texts.
//! - [`settings`]: what a kiosk is built from; [`wiring`]: the one function that builds it
//!   ([`start`]), for production, the demo and the tests alike.

pub mod code;
pub mod consent;
mod engine;
pub mod failure;
mod flow;
pub mod handover;
pub mod intent;
mod publisher;
pub mod records;
pub mod settings;
pub mod view;
pub mod wiring;

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

pub use consent::{ConsentError, ConsentErrorCode, ConsentLibrary, Destination};
pub use failure::{Failure, FailureCode};
pub use handover::{HandOver, HandOverError, HospitalSystem, LocalRegistry, VerifiedPatient};
pub use intent::{Intent, SessionError, SessionErrorCode};
pub use publisher::Prefs;
pub use records::{ConsentReceipt, Decision, PatientRef, Records, RecordsError};
pub use settings::{KioskSettings, Settings};
pub use view::{
    ConsentDocument, ConsentSection, Countdown, CredentialKind, Language, RefusalReason, Screen,
    SessionView,
};
pub use wiring::{Parts, StartError, StartErrorCode, start};

use engine::{Command, Engine};
use facekiosk_terminal::{FaceTerminal, LinkStatus};
use facekiosk_wxpay::WxpayClient;
use facekiosk_wxpay::authinfo_cache::{AuthinfoCache, Scope};
use publisher::Publisher;

/// Everything a session drives ([`wiring::start`] builds it).
struct Deps {
    terminal: Arc<dyn FaceTerminal>,
    wxpay: Arc<WxpayClient>,
    authinfo: Arc<AuthinfoCache>,
    /// The authinfo's scope (from the settings the wxpay client holds).
    scope: Scope,
    records: Arc<Records>,
    hand_over: Arc<dyn HandOver>,
    consent: ConsentLibrary,
    settings: KioskSettings,
    /// How many of the patient number's last characters the screens show (`[his]
    /// patient_number_visible`); all when `None`.
    patient_ref_visible: Option<usize>,
}

impl std::fmt::Debug for Deps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deps")
            .field("consent", &self.consent.version())
            .finish_non_exhaustive()
    }
}

/// How a session ended (the receipt's outcome).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ending {
    Verified,
    WelcomeBack,
    Refused(RefusalReason),
    Failed(Failure),
    Cancelled,
    TimedOut,
    Shutdown,
}

impl Ending {
    fn outcome(&self) -> String {
        match self {
            Ending::Verified => "verified".into(),
            Ending::WelcomeBack => "welcome_back".into(),
            Ending::Refused(_) => "refused".into(),
            // The detail as the failure screen shows it to staff: a hand-over's own code,
            // WeChat's Request-ID, a measured clock offset, what did not match. Our own words
            // and numbers, never the patient's data; what a technician asks about afterwards.
            Ending::Failed(Failure {
                code,
                detail: Some(detail),
            }) => format!("failed:{}:{detail}", code.as_str()),
            Ending::Failed(failure) => format!("failed:{}", failure.code.as_str()),
            Ending::Cancelled => "cancelled".into(),
            Ending::TimedOut => "timed_out".into(),
            Ending::Shutdown => "shutdown".into(),
        }
    }
}

/// The kiosk: one session task, driven by intents, watched through views.
#[derive(Debug)]
pub struct Kiosk {
    commands: mpsc::Sender<Command>,
    view: watch::Receiver<SessionView>,
    deps: Arc<Deps>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Kiosk {
    /// Starts the session task (within a tokio runtime) and warms up: SDK init and an
    /// authinfo ahead of the first patient.
    fn spawn(deps: Deps) -> Kiosk {
        let defaults = Prefs {
            language: deps.settings.language,
            elder: deps.settings.elder_mode,
        };
        let deps = Arc::new(deps);
        let (out, view) = Publisher::new(defaults);
        let (commands, rx) = mpsc::channel(16);
        let engine = Engine {
            deps: deps.clone(),
            out,
            defaults,
        };
        let task = tokio::spawn(engine.run(rx));
        Kiosk {
            commands,
            view,
            deps,
            task: Mutex::new(Some(task)),
        }
    }

    /// Sends the patient's intent; refused with a reason when it makes no sense now.
    pub async fn send(&self, intent: Intent) -> Result<(), SessionError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Intent(intent, reply))
            .await
            .map_err(|_| SessionError::Stopped)?;
        answer.await.map_err(|_| SessionError::Stopped)?
    }

    /// The current view.
    pub fn view(&self) -> SessionView {
        self.view.borrow().clone()
    }

    /// Every view from now on.
    pub fn subscribe(&self) -> watch::Receiver<SessionView> {
        self.view.clone()
    }

    /// The face terminal's link status.
    pub fn terminal_status(&self) -> watch::Receiver<LinkStatus> {
        self.deps.terminal.status()
    }

    /// SDK init and an authinfo now (from the cache when warm): what the first session step
    /// does, for a technician's check and for benchmarks that want a warm kiosk.
    pub async fn warm_up(&self) -> Result<facekiosk_wxpay::authinfo_cache::Source, FailureCode> {
        flow::prepare(&self.deps).await.map(|(_, source)| source)
    }

    /// The patient records (for diagnostics and tests).
    pub fn records(&self) -> &Arc<Records> {
        &self.deps.records
    }

    /// Ends the session task (a running session ends as `shutdown`; its face UI is closed).
    pub async fn shutdown(&self) {
        let _ = self.commands.send(Command::Shutdown).await;
        if let Some(task) = self.task.lock().await.take() {
            let _ = task.await;
        }
    }
}
