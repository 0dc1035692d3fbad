//! One kiosk with its own sandbox and simulated terminal, and the sessions it runs.

use std::path::Path;
use std::time::{Duration, Instant};

use facekiosk_pii::identity::WechatId;
use facekiosk_sandbox::demo::{Demo, DemoOptions};
use facekiosk_sandbox::material::ids;
use facekiosk_sandbox::personas::DEFAULT_PERSONA;
use facekiosk_session::{Intent, Kiosk, KioskSettings, Screen};
use facekiosk_terminal::TerminalSettings;
use facekiosk_wxpay::settings::Timeouts;

use super::STUCK_AFTER;
use super::draw::{Draw, Fault, Patient, draw_fault, draw_patient};

/// One finished session.
pub(super) struct Outcome {
    pub(super) label: String,
    pub(super) fault_class: String,
    /// From the fault's injection (or the session's start under it) to the result screen.
    pub(super) to_result: Duration,
    /// Not one of the drawn sessions (the patient after a clock skew).
    pub(super) extra: bool,
}

fn is_result(name: &str) -> bool {
    matches!(name, "success" | "welcomeBack" | "refusal" | "failed")
}

/// The screen as the report names it: whatever code or reason it shows, so new codes need no
/// change here.
fn label(screen: &Screen) -> String {
    let v = serde_json::to_value(screen).unwrap_or_default();
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("?").to_owned();
    match screen.name() {
        "success" => "verified".into(),
        "welcomeBack" => "welcome back".into(),
        "refusal" => format!("refused ({})", field("reason")),
        "failed" => format!("failed {}", field("code")),
        "idle" => "cancelled (back to idle)".into(),
        other => other.to_owned(),
    }
}

/// Waits until the screen satisfies `done`, up to `within`; the last screen if it never does.
async fn wait_for(
    kiosk: &Kiosk,
    within: Duration,
    done: impl Fn(&Screen) -> bool,
) -> Result<Screen, Screen> {
    let mut rx = kiosk.subscribe();
    let found = tokio::time::timeout(within, async {
        loop {
            let screen = rx.borrow_and_update().screen.clone();
            if done(&screen) {
                return Some(screen);
            }
            if rx.changed().await.is_err() {
                return None;
            }
        }
    })
    .await;
    match found {
        Ok(Some(s)) => Ok(s),
        _ => Err(kiosk.view().screen),
    }
}

pub(super) struct Lane {
    pub(super) demo: Demo,
    personas: Vec<(String, bool)>,
}

impl Lane {
    pub(super) async fn start(data_dir: &Path, keys: &Path) -> anyhow::Result<Lane> {
        std::fs::create_dir_all(data_dir)?;
        let secs = Duration::from_secs;
        let mut options = DemoOptions::new(data_dir);
        options.interactive = false;
        options.keys_dir = Some(keys.to_owned());
        // Short waits so that a hang costs seconds, not minutes; the result screens wait for
        // "done" so the soak always sees them.
        options.kiosk = Some(KioskSettings {
            idle_timeout: secs(20),
            warning: secs(5),
            result_timeout: secs(60),
            ..KioskSettings::with_records(data_dir)
        });
        options.terminal = Some(TerminalSettings {
            face_scan_timeout: secs(3),
            confirm_timeout: secs(3),
            call_timeout: secs(3),
            ..TerminalSettings::default()
        });
        options.wechat_timeouts = Some(Timeouts {
            request: Duration::from_millis(1500),
            retries: 1,
            ..Timeouts::default()
        });
        let demo = Demo::start(options).await?;
        let _ = demo.kiosk().warm_up().await;
        let personas = demo
            .sandbox()
            .world()
            .personas()
            .into_iter()
            .map(|p| (p.id, p.registered))
            .collect();
        Ok(Lane { demo, personas })
    }

    /// One drawn session; after a clock-skew session, the next patient's too, once the clock
    /// is right again: the kiosk must take its bad reading again before it turns anyone away
    /// (a warm kiosk may not talk to WeChat for an hour), so a CLOCK_SKEW there fails the soak.
    pub(super) async fn session(&mut self, d: &mut Draw) -> Result<Vec<Outcome>, String> {
        let (persona, registered) = d.pick(&self.personas).clone();
        let fault = draw_fault(d);
        let patient = draw_patient(d);
        let skewed = matches!(fault, Fault::ClockSkew(_));
        let mut outcomes = vec![self.run(d, &persona, registered, fault, patient).await?];
        if skewed {
            let mut next = self
                .run(d, DEFAULT_PERSONA, false, Fault::None, Patient::Agrees)
                .await?;
            next.label = format!("next patient, clock corrected: {}", next.label);
            next.fault_class = "next patient after a clock skew".into();
            next.extra = true;
            if next.label.contains("CLOCK_SKEW") {
                return Err(format!(
                    "the patient after the clock was put right: {}",
                    next.label
                ));
            }
            outcomes.push(next);
        }
        Ok(outcomes)
    }

    /// One session from idle back to idle.
    async fn run(
        &self,
        d: &mut Draw,
        persona: &str,
        registered: bool,
        fault: Fault,
        patient: Patient,
    ) -> Result<Outcome, String> {
        let kiosk = self.demo.kiosk();
        let sandbox = self.demo.sandbox();
        let world = sandbox.world();
        world
            .set_current_persona(persona)
            .map_err(|e| format!("persona: {e}"))?;
        let what = format!("persona {persona}, {patient:?}, fault {fault:?}");

        match &fault {
            Fault::None | Fault::Unplug { .. } => {}
            Fault::Rule(rule) => world.add_fault(rule.clone())?,
            Fault::Authinfo(rule) => {
                world.add_fault(rule.clone())?;
                world.expire_authinfos();
            }
            Fault::ServiceDrop => self.demo.terminal().sdk.disconnect(),
            Fault::Installing => self.demo.terminal().sdk.set_installing(true),
            Fault::ClockSkew(s) => world.set_clock_skew(*s),
        }
        let cable = self.demo.terminal().cable.control();
        let mut replug = None;
        let unplug = |after_ms: u64, replug_ms: u64| {
            let cable = cable.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(after_ms)).await;
                cable.unplug();
                let at = Instant::now();
                tokio::time::sleep(Duration::from_millis(replug_ms)).await;
                cable.replug();
                at
            })
        };
        if let Fault::Unplug {
            before_start: true,
            replug_ms,
            ..
        } = fault
        {
            replug = Some(unplug(0, replug_ms));
        }

        let started = Instant::now();
        let refused = |e: facekiosk_session::SessionError| format!("{:?}", e.code());
        let result = 'session: {
            if let Err(e) = kiosk.send(Intent::Start).await {
                break 'session Ok(format!("start refused {}", refused(e)));
            }
            let on = wait_for(kiosk, STUCK_AFTER, |s| {
                s.name() == "consent" || is_result(s.name())
            })
            .await;
            let consent = match on {
                Ok(Screen::Consent { consent }) => consent,
                Ok(other) => break 'session Ok(label(&other)),
                Err(s) => break 'session Err(format!("stuck on {} before consent", s.name())),
            };
            let intent = match patient {
                Patient::DeclinesConsent => Intent::Decline,
                _ => Intent::Agree {
                    consent_sha256: consent.sha256,
                },
            };
            if let Err(e) = kiosk.send(intent).await {
                break 'session Ok(format!("agree refused {}", refused(e)));
            }
            if let Fault::Unplug {
                before_start: false,
                after_ms,
                replug_ms,
            } = fault
            {
                replug = Some(unplug(after_ms, replug_ms));
            }
            if patient == Patient::CancelsAfterAgreeing {
                tokio::time::sleep(Duration::from_millis(d.below(100))).await;
                // Refused when the session already ended: the result screen counts then.
                let _ = kiosk.send(Intent::Cancel).await;
            }
            let cancelled = patient == Patient::CancelsAfterAgreeing;
            match wait_for(kiosk, STUCK_AFTER, |s| {
                is_result(s.name()) || (cancelled && s.name() == "idle")
            })
            .await
            {
                Ok(s) => Ok(label(&s)),
                Err(s) => Err(format!("stuck on {}", s.name())),
            }
        };
        let reached = Instant::now();
        // The session started under its fault, except for an unplug during it: from there.
        let mut injected = started;
        if let Some(task) = replug.take()
            && let Ok(at) = task.await
            && at > started
            && at < reached
        {
            injected = at;
        }
        let outcome = result.map_err(|stuck| format!("{stuck}: {what}"))?;
        let to_result = reached.saturating_duration_since(injected);

        // Back to idle, and the world back to normal for the next patient.
        let _ = kiosk.send(Intent::Done).await;
        if let Err(s) = wait_for(kiosk, STUCK_AFTER, |s| s.name() == "idle").await {
            let _ = kiosk.send(Intent::Cancel).await;
            return Err(format!("stuck on {} after {outcome}: {what}", s.name()));
        }
        world.clear_faults(None);
        world.set_clock_skew(0);
        cable.replug();
        let sdk = &self.demo.terminal().sdk;
        sdk.reconnect();
        sdk.set_installing(false);
        if outcome == "verified" && !registered {
            // A new patient each time, as in the bench.
            let openid = WechatId::new(
                world
                    .persona(persona)
                    .map(|p| p.openid(ids::MERCHANT_APPID))
                    .unwrap_or_default(),
            );
            let _ = kiosk.records().forget_patient(&openid);
        }
        // The next patient meets a connected terminal (the unplug's reconnection is this
        // session's, not theirs).
        let mut status = kiosk.terminal_status();
        let _ = tokio::time::timeout(STUCK_AFTER, status.wait_for(|s| s.is_connected())).await;
        Ok(Outcome {
            label: outcome,
            fault_class: fault.class(),
            to_result,
            extra: false,
        })
    }
}
