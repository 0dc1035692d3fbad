//! `facekiosk-cli demo`: the kiosk's whole session, headless, against the in-process sandbox
//! and simulated terminal: the same session, client and bridge as the app's demo mode, with
//! this command playing the patient. Prints each screen; ends with the masked identity.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use facekiosk_sandbox::demo::{Demo, DemoOptions};
use facekiosk_sandbox::personas::Behaviour;
use facekiosk_session::{Intent, Screen, SessionView};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Who looks into the camera (see --list).
    #[arg(long, default_value = "zhang-san")]
    persona: String,
    /// Decline on WeChat's confirmation screen instead of confirming.
    #[arg(long)]
    decline_on_wechat: bool,
    /// List the personas and exit.
    #[arg(long)]
    list: bool,
    /// Where the sandbox keeps its keys (made at the first run; reused after).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// A kiosk configuration whose `[his]`, `[kiosk]` and `[terminal]` sections the demo takes
    /// (its merchant and keys stay the sandbox's): rehearse a hospital's hand-off settings
    /// against its test system with the demo's personas.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

impl DemoArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        super::runtime_multi()?.block_on(self.session())
    }

    async fn session(self) -> anyhow::Result<ExitCode> {
        let data_dir = self
            .data_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("facekiosk-demo"));
        // Fresh patient records every run, so the chosen persona is a new patient (the
        // `registered` persona is seeded as a returning one).
        let records = tempfile::tempdir().context("cannot make a folder for the records")?;
        let mut options = DemoOptions::new(&data_dir);
        options.records = Some(records.path().join("records.sqlite"));
        if let Some(path) = &self.config {
            let sections = facekiosk_config::load_demo_sections(path)
                .with_context(|| format!("{}", path.display()))?;
            options.kiosk = Some(sections.kiosk);
            options.terminal = Some(sections.terminal);
            if let Some(his) = sections.his {
                println!(
                    "demo: verified patients go to [his] adapter {}",
                    his.adapter_name()
                );
                options.his = Some(his);
            }
        }
        let demo = Demo::start(options).await?;
        if self.list {
            for p in demo.personas() {
                println!("{:<14} {}", p.id, p.label);
            }
            return Ok(ExitCode::SUCCESS);
        }
        if !demo.personas().iter().any(|p| p.id == self.persona) {
            bail!("no persona {:?} (see --list)", self.persona);
        }
        println!("demo: sandbox at {} (no real WeChat)", demo.sandbox_url());
        let code = self.play(&demo).await;
        demo.stop().await;
        code
    }

    /// Plays the patient: start, agree, the face, WeChat's screen; prints every screen.
    async fn play(&self, demo: &Demo) -> anyhow::Result<ExitCode> {
        let kiosk = demo.kiosk();
        let mut views = kiosk.subscribe();
        let t0 = Instant::now();
        kiosk.send(Intent::Start).await?;
        let mut last = "";
        loop {
            let view: SessionView = views.borrow_and_update().clone();
            let name = view.screen.name();
            if name != last {
                println!("[{:6.2}s] {}", t0.elapsed().as_secs_f64(), describe(&view));
                last = name;
                match &view.screen {
                    Screen::Consent { consent } => {
                        let agree = Intent::Agree {
                            consent_sha256: consent.sha256.clone(),
                        };
                        kiosk.send(agree).await?;
                    }
                    Screen::FaceScan => {
                        println!("          {} looks into the camera", self.persona);
                        demo.present_face(&self.persona)
                            .await
                            .map_err(anyhow::Error::msg)?;
                    }
                    Screen::WaitingConfirmation => {
                        // Some personas refuse whatever the flag says (`declines`).
                        let refuses = demo
                            .sandbox()
                            .world()
                            .persona(&self.persona)
                            .is_some_and(|p| p.behaviour == Behaviour::DeclinesAtWechat);
                        let yes = !self.decline_on_wechat && !refuses;
                        println!(
                            "          the patient {} on WeChat's screen",
                            if yes { "confirms" } else { "declines" }
                        );
                        demo.wechat_screen(yes).await.map_err(anyhow::Error::msg)?;
                    }
                    Screen::Success { .. }
                    | Screen::WelcomeBack { .. }
                    | Screen::Refusal { .. } => {
                        return Ok(ExitCode::SUCCESS);
                    }
                    Screen::Failed { .. } => return Ok(ExitCode::FAILURE),
                    Screen::Idle if t0.elapsed() > Duration::from_millis(100) => {
                        return Ok(ExitCode::FAILURE);
                    }
                    _ => {}
                }
            }
            tokio::time::timeout(Duration::from_secs(30), views.changed())
                .await
                .context("the session stopped moving for 30 s")??;
        }
    }
}

/// One line per screen: what a patient would read, masked.
fn describe(view: &SessionView) -> String {
    match &view.screen {
        Screen::Consent { consent } => format!(
            "consent: \"{}\" (version {}, {}, sha256 {}…)",
            consent.title,
            consent.version,
            consent.language.tag(),
            &consent.sha256[..12]
        ),
        Screen::Success {
            masked_name,
            masked_credential,
            credential_type,
            patient_ref,
        } => format!(
            "success: {masked_name} {masked_credential} ({}), patient {patient_ref}",
            serde_json::to_value(credential_type)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        ),
        Screen::WelcomeBack { patient_ref } => {
            format!("welcome back: patient {patient_ref}, nothing fetched")
        }
        Screen::Refusal { reason } => format!("refusal: {reason:?}; alternatives offered"),
        Screen::Failed {
            code,
            retry,
            detail,
        } => match detail {
            Some(detail) => format!(
                "failed: {} ({detail}) (retry offered: {retry})",
                code.as_str()
            ),
            None => format!("failed: {} (retry offered: {retry})", code.as_str()),
        },
        other => other.name().to_owned(),
    }
}
