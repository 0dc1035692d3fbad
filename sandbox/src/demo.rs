//! The kiosk in demo mode: the sandbox's backends and a simulated terminal in-process, and the
//! real kiosk session over them (the real WeChat client over loopback HTTP, the real bridge
//! protocol over a loopback socket). A persona picker stands in for a face, and a simulated
//! WeChat screen for the patient's confirmation.
//!
//! The kiosk is the production kiosk, started through the one wiring
//! ([`facekiosk_session::start`]); the demo only swaps its parts: the terminal's address (the
//! simulated terminal), the records' location, and where verified patients go (the sandbox's
//! hospital by default, over FHIR; a hospital's own `[his]` to rehearse it).
//!
//! Used by the Tauri shell's demo mode, `facekiosk-cli demo`, the session tests and the
//! session benchmark.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use facekiosk_his::HisSettings;
use facekiosk_pii::WechatId;
use facekiosk_session::{HandOver, Kiosk, KioskSettings, Parts, PatientRef, Records, Settings};
use facekiosk_terminal::{Pairing, TerminalSettings, TerminalTarget};
use facekiosk_wxpay::settings::Timeouts;

use crate::face_app::{FaceAppOptions, PatientAction};
use crate::kiosk::{SandboxAdapter, his_settings};
use crate::material::ids;
use crate::options::Options;
use crate::server::{Sandbox, SandboxHandle, SimTerminal, StartOptions};
use crate::staff;

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
    /// How the screens behave (shorter timeouts for tests, the language); the defaults
    /// when absent.
    pub kiosk: Option<KioskSettings>,
    /// The terminal's call timeouts (its address is the simulated terminal's, always).
    pub terminal: Option<TerminalSettings>,
    /// The WeChat client's timeouts and retries; the sandbox's kiosk.toml's when absent.
    pub wechat_timeouts: Option<Timeouts>,
    /// The patient records; `demo-records.sqlite` in `data_dir` when absent.
    pub records: Option<PathBuf>,
    /// The sandbox's own options (faults, key mode, latency).
    pub sandbox: Option<Options>,
    /// Key material shared across runs (made in `data_dir` when absent).
    pub keys_dir: Option<PathBuf>,
    /// Which interface of the sandbox's hospital verified patients go to (FHIR by default).
    pub hospital: SandboxAdapter,
    /// A hospital's own `[his]` instead (its test system, to rehearse it with the personas).
    pub his: Option<HisSettings>,
    /// A hand-over of the caller's, in place of any `[his]` (a stand-in in tests).
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
            kiosk: None,
            terminal: None,
            wechat_timeouts: None,
            records: None,
            sandbox: None,
            keys_dir: None,
            hospital: SandboxAdapter::Fhir,
            his: None,
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
    rebuild: Rebuild,
}

/// What the demo swaps into the kiosk its file describes, kept to build it again.
#[derive(Clone)]
struct Rebuild {
    kiosk: Option<KioskSettings>,
    terminal: Option<TerminalSettings>,
    wechat_timeouts: Option<Timeouts>,
    his: HisSettings,
    hand_over: Option<Arc<dyn HandOver>>,
    records: PathBuf,
}

impl std::fmt::Debug for Rebuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rebuild")
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

impl Rebuild {
    fn kiosk(&self, sandbox: &SandboxHandle, terminal: &SimTerminal) -> Result<Kiosk> {
        let path = &sandbox.paths.kiosk_config;
        let mut settings: Settings = facekiosk_config::load(path)
            .map_err(|e| anyhow::anyhow!("the demo's configuration {}: {e}", path.display()))?;
        if let Some(kiosk) = &self.kiosk {
            settings.kiosk = kiosk.clone();
        }
        if let Some(terminal) = &self.terminal {
            settings.terminal = terminal.clone();
        }
        // The kiosk proves the key the simulated terminal's bridge was started with, whatever
        // terminal settings the caller gave.
        let key_file = sandbox.world().material.pairing_key_path();
        let key = sandbox.world().material.pairing_key()?;
        settings.terminal.pairing = Some(Pairing::new(key, key_file.display().to_string()));
        if let Some(timeouts) = &self.wechat_timeouts {
            settings.wxpay.timeouts = *timeouts;
        }
        settings.his = self.his.clone();
        let parts = Parts {
            terminal: Some(TerminalTarget::Direct(terminal.addr)),
            records: Some(self.records.clone()),
            hand_over: self.hand_over.clone(),
            clock: None,
        };
        Ok(facekiosk_session::start(settings, parts)?)
    }
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
        staff::seed_accounts(&sandbox.paths.kiosk_config).context("the demo's staff accounts")?;
        let his = options
            .his
            .clone()
            .unwrap_or_else(|| his_settings(&sandbox.base_url, &options.hospital));
        let rebuild = Rebuild {
            kiosk: options.kiosk,
            terminal: options.terminal,
            wechat_timeouts: options.wechat_timeouts,
            his,
            hand_over: options.hand_over,
            records: options
                .records
                .unwrap_or_else(|| options.data_dir.join("demo-records.sqlite")),
        };
        let kiosk = rebuild.kiosk(&sandbox, &terminal)?;
        seed_registered(&sandbox, kiosk.records()).context("the demo's patient records")?;
        Ok(Demo {
            kiosk,
            terminal,
            sandbox,
            rebuild,
        })
    }

    /// The demo's configuration file: the sandbox's kiosk.toml in `data_dir`, which the staff
    /// mode edits as it edits a hospital's.
    pub fn config_path(data_dir: &Path) -> PathBuf {
        data_dir.join(crate::server::KIOSK_CONFIG)
    }

    /// A new kiosk over the same sandbox and simulated terminal, from the configuration file
    /// as it is now (after the staff mode changed it), with the demo's parts swapped in as at
    /// the start. The caller shuts the running one down first: one kiosk talks to the
    /// terminal at a time.
    pub fn rebuild_kiosk(&self) -> Result<Kiosk> {
        self.rebuild.kiosk(&self.sandbox, &self.terminal)
    }

    pub fn kiosk(&self) -> &Kiosk {
        &self.kiosk
    }

    pub fn sandbox(&self) -> &SandboxHandle {
        &self.sandbox
    }

    /// The patient records the demo's kiosk keeps (not where its file says).
    pub fn records_path(&self) -> &Path {
        &self.rebuild.records
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

/// The personas marked `registered` are already patients of the demo hospital (they
/// registered at its window once, with the number it gave them) and of this kiosk (they
/// registered here before).
fn seed_registered(sandbox: &SandboxHandle, records: &Records) -> Result<()> {
    for p in sandbox.world().personas().iter().filter(|p| p.registered) {
        let openid = WechatId::new(p.openid(ids::MERCHANT_APPID));
        if records.find_patient(&openid)?.is_some() {
            continue;
        }
        let mut registry = sandbox.hospital().registry.lock().expect("registry");
        let number = match registry.find(&p.credential_id).first() {
            Some(known) => known.number.clone(),
            None => {
                let patient = crate::hospital::registry::NewPatient {
                    number: None,
                    name: p.name.clone(),
                    credential_type: crate::hospital::registry::gb_credential(p.credential_type),
                    credential_number: p.credential_id.clone(),
                    sex: None,
                    birth_date: None,
                    phone: p.phone.clone(),
                };
                registry.add(patient, "window").number
            }
        };
        drop(registry);
        records.link_patient(&openid, &PatientRef::new(number))?;
    }
    Ok(())
}
