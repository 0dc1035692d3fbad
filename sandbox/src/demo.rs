//! The kiosk in demo mode: the sandbox's backends and a simulated terminal in-process, and the
//! real kiosk session over them (the real WeChat client over loopback HTTP, the real bridge
//! protocol over a loopback socket). A persona picker stands in for a face, and a simulated
//! WeChat screen for the patient's confirmation.
//!
//! Used by the Tauri shell's demo mode, `facekiosk-cli demo`, the session tests and the
//! session benchmark.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use facekiosk_core::Config;
use facekiosk_core::identity::WechatId;
use facekiosk_core::session::production::terminal_options;
use facekiosk_core::session::{ConsentLibrary, Deps, HandOver, Kiosk, PatientRef, Records};
use facekiosk_core::terminal::{BridgeTerminal, LinkOptions, TerminalTarget};
use facekiosk_core::wxpay::WxpayClient;

use crate::face_app::{FaceAppOptions, PatientAction};
use crate::material::ids;
use crate::options::Options;
use crate::server::{Sandbox, SandboxHandle, SimTerminal, StartOptions};

/// How to start a demo.
#[derive(Clone)]
pub struct DemoOptions {
    /// Keys, the sandbox's files and the demo's patient records live here.
    pub data_dir: PathBuf,
    /// The sandbox's address (its admin API included); any free port when absent.
    pub listen: Option<SocketAddr>,
    /// The terminal waits for a persona and for an answer on WeChat's screen (the demo), or
    /// answers at once with the current persona (tests, benchmarks).
    pub interactive: bool,
    /// Extra `[kiosk]` / `[terminal]` TOML for the kiosk's configuration (shorter timeouts
    /// for tests); checked like any configuration.
    pub kiosk_toml: Option<String>,
    /// The sandbox's own options (faults, key mode, latency).
    pub sandbox: Option<Options>,
    /// Key material shared across runs (made in `data_dir` when absent).
    pub keys_dir: Option<PathBuf>,
    /// Where verified patients go instead of the kiosk's own records (a hospital system's
    /// stand-in in tests).
    pub hand_over: Option<Arc<dyn HandOver>>,
}

impl std::fmt::Debug for DemoOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoOptions")
            .field("data_dir", &self.data_dir)
            .field("listen", &self.listen)
            .field("interactive", &self.interactive)
            .field("hand_over", &self.hand_over.as_ref().map(|_| "custom"))
            .finish_non_exhaustive()
    }
}

impl DemoOptions {
    pub fn new(data_dir: impl Into<PathBuf>) -> DemoOptions {
        DemoOptions {
            data_dir: data_dir.into(),
            listen: None,
            interactive: true,
            kiosk_toml: None,
            sandbox: None,
            keys_dir: None,
            hand_over: None,
        }
    }
}

/// A persona, as the demo's picker shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPersona {
    pub id: String,
    pub label: String,
}

/// A running demo. Stops when dropped.
#[derive(Debug)]
pub struct Demo {
    kiosk: Kiosk,
    terminal: SimTerminal,
    sandbox: SandboxHandle,
}

impl Demo {
    /// Starts the sandbox, the simulated terminal and the kiosk (within a tokio runtime).
    pub async fn start(options: DemoOptions) -> Result<Demo> {
        let mut start = StartOptions::new(&options.data_dir);
        if let Some(listen) = options.listen {
            start = start.listen(listen);
        }
        if let Some(dir) = &options.keys_dir {
            start = start.keys_dir(dir);
        }
        if let Some(o) = options.sandbox.clone() {
            start = start.options(o);
        }
        let sandbox = Sandbox::start(start).await?;
        let terminal = sandbox
            .start_terminal(FaceAppOptions {
                interactive: options.interactive,
                ..FaceAppOptions::default()
            })
            .await?;
        let config = demo_config(&sandbox, options.kiosk_toml.as_deref())?;
        let consent = ConsentLibrary::for_kiosk(
            config.kiosk.consent_dir.as_deref(),
            config.facemch.info_type,
        )?;
        let records =
            Arc::new(Records::open(&config.kiosk.records).context("the demo's patient records")?);
        seed_registered(&sandbox, &records)?;
        let terminal_client = BridgeTerminal::spawn(
            TerminalTarget::Direct(terminal.addr),
            LinkOptions::default(),
            terminal_options(&config.terminal),
        );
        let settings = config.kiosk.clone();
        let wxpay = Arc::new(WxpayClient::from_config(config)?);
        let mut deps = Deps::new(Arc::new(terminal_client), wxpay, records, settings, consent);
        if let Some(hand_over) = options.hand_over {
            deps.hand_over = hand_over;
        }
        Ok(Demo {
            kiosk: Kiosk::spawn(deps),
            terminal,
            sandbox,
        })
    }

    pub fn kiosk(&self) -> &Kiosk {
        &self.kiosk
    }

    pub fn sandbox(&self) -> &SandboxHandle {
        &self.sandbox
    }

    pub fn terminal(&self) -> &SimTerminal {
        &self.terminal
    }

    /// The sandbox's base URL (its admin API is under `/sandbox/`).
    pub fn sandbox_url(&self) -> &str {
        &self.sandbox.base_url
    }

    /// The personas the picker offers.
    pub fn personas(&self) -> Vec<DemoPersona> {
        self.sandbox
            .world()
            .personas()
            .into_iter()
            .map(|p| DemoPersona {
                id: p.id,
                label: p.label,
            })
            .collect()
    }

    /// This persona looks into the camera. The face scan screen shows a moment before the
    /// terminal's call arrives: this waits for it (up to 5 s), as a patient would.
    pub async fn present_face(&self, persona: &str) -> Result<(), String> {
        self.patient_turn(PatientAction::Face).await?;
        self.terminal.sdk.present_face(persona)
    }

    /// The patient's answer on WeChat's confirmation screen (waits for it as above).
    pub async fn wechat_screen(&self, confirm: bool) -> Result<(), String> {
        self.patient_turn(PatientAction::Confirmation).await?;
        self.terminal.sdk.answer_wechat_screen(confirm)
    }

    async fn patient_turn(&self, action: PatientAction) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.terminal.sdk.waiting_for() != Some(action) {
            if tokio::time::Instant::now() >= deadline {
                return Err(format!("the terminal is not waiting for {action:?}"));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(())
    }

    /// Ends the session task, then the terminal and the sandbox.
    pub async fn stop(self) {
        self.kiosk.shutdown().await;
    }
}

/// The sandbox's kiosk configuration, with the demo's records and `extra` appended.
fn demo_config(sandbox: &SandboxHandle, extra: Option<&str>) -> Result<Config> {
    let path = &sandbox.paths.kiosk_config;
    let mut text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let extra = extra.unwrap_or_default();
    if !extra.contains("[kiosk]") {
        text.push_str("\n[kiosk]\nrecords = \"demo-records.sqlite\"\n");
    }
    text.push('\n');
    text.push_str(extra);
    let base = path.parent().unwrap_or(sandbox.paths.data_dir.as_path());
    Config::parse(&text, base).map_err(|e| anyhow::anyhow!("the demo's configuration: {e}"))
}

/// The personas marked `registered` are already patients of the demo hospital.
fn seed_registered(sandbox: &SandboxHandle, records: &Records) -> Result<()> {
    for p in sandbox.world().personas().iter().filter(|p| p.registered) {
        let openid = WechatId::new(p.openid(ids::MERCHANT_APPID));
        if records.find_patient(&openid)?.is_none() {
            records.link_patient(&openid, &PatientRef::generate())?;
        }
    }
    Ok(())
}
