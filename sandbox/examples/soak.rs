//! The soak: whole patient sessions against the in-process sandbox (the wiring of the session
//! bench and tests: `Demo`, the real kiosk, WeChat client, bridge protocol and records), each
//! under a fault drawn at random from everything the sandbox injects: HTTP faults on payapp's
//! authinfo and api.mch's facemch query, face-app faults on every SDK call, the face app's
//! service dropping, unplugging and replugging the terminal, the sandbox's clock skewed, an
//! expired face_sid. The patient now and then declines or cancels.
//!
//! Reports the sessions per outcome (whatever code the screen shows), the slowest time from a
//! fault to the result screen, panics (caught or not) and the memory after warm-up and at the
//! end. Exits non-zero on a panic or on a session stuck away from a defined screen.
//!
//! `cargo xtask soak [SESSIONS] [--seed N] [--lanes N]`; or
//! `cargo run --release -p facekiosk-sandbox --example soak -- [SESSIONS] [--seed N] [--lanes N]`.
//! Each session's draws come from the seed and its number, so `--seed` replays the same
//! faults; which lane runs a session, and so the timing, may differ.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use facekiosk_pii::identity::WechatId;
use facekiosk_sandbox::demo::{Demo, DemoOptions};
use facekiosk_sandbox::material::ids;
use facekiosk_sandbox::personas::DEFAULT_PERSONA;
use facekiosk_sandbox::{FaultKind, FaultRule, Target};
use facekiosk_session::{Intent, Kiosk, KioskSettings, Screen};
use facekiosk_terminal::TerminalSettings;
use facekiosk_wxpay::settings::Timeouts;

/// A session not on a defined screen by then is stuck.
const STUCK_AFTER: Duration = Duration::from_secs(120);
/// Memory is first measured once this many sessions are done.
const WARM_UP_SESSIONS: u64 = 500;

const USAGE: &str = "usage: soak [SESSIONS] [--seed N] [--lanes N]  (default 10000 sessions, \
                     a random seed, 16 lanes: kiosks side by side, each with its own sandbox)";

#[derive(Debug)]
pub struct Args {
    pub sessions: u64,
    pub seed: u64,
    pub lanes: u64,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        sessions: 10_000,
        seed: random_seed(),
        lanes: 16,
    };
    let number = |name: &str, v: Option<&String>| -> Result<u64, String> {
        v.and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| format!("{name} needs a whole number"))
    };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                parsed.seed = number("--seed", args.get(i + 1))?;
                i += 1;
            }
            "--lanes" => {
                parsed.lanes = number("--lanes", args.get(i + 1))?;
                i += 1;
            }
            "-h" | "--help" => return Err(String::new()),
            n => parsed.sessions = number("SESSIONS", Some(&n.to_owned()))?,
        }
        i += 1;
    }
    if parsed.sessions == 0 || !(1..=256).contains(&parsed.lanes) {
        return Err("SESSIONS must be at least 1 and --lanes in 1..=256".into());
    }
    Ok(parsed)
}

fn random_seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    Draw(t ^ u64::from(std::process::id())).next() % 1_000_000_000
}

/// splitmix64: small, and the same draws for a seed on every machine and every version of
/// any crate.
struct Draw(u64);

impl Draw {
    fn for_session(seed: u64, index: u64) -> Draw {
        let mut d = Draw(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
        d.next();
        d
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

/// What goes wrong in one session.
#[derive(Debug, Clone)]
enum Fault {
    None,
    /// Set before the session starts.
    Rule(FaultRule),
    /// An authinfo fault, with every authinfo the sandbox issued expired so the kiosk must
    /// fetch a new one.
    Authinfo(FaultRule),
    /// The cable pulled `after_ms` after agreeing (or before the session), plugged back in
    /// `replug_ms` later.
    Unplug {
        before_start: bool,
        after_ms: u64,
        replug_ms: u64,
    },
    /// The face app's service drops (the AAR reconnects by itself).
    ServiceDrop,
    /// The face app is being updated.
    Installing,
    ClockSkew(i64),
}

impl Fault {
    /// The class the report groups the slowest times by.
    fn class(&self) -> String {
        match self {
            Fault::None => "none".into(),
            Fault::Rule(r) | Fault::Authinfo(r) => format!("{} {}", r.target, r.kind.name()),
            Fault::Unplug { .. } => "unplug/replug".into(),
            Fault::ServiceDrop => "face app service drop".into(),
            Fault::Installing => "face app installing".into(),
            Fault::ClockSkew(_) => "clock skew".into(),
        }
    }
}

fn http_kind(d: &mut Draw, target: Target) -> FaultKind {
    let status = || FaultKind::Status {
        status: 500,
        retry_after: None,
    };
    let mut kinds = vec![
        status(),
        FaultKind::Status {
            status: 503,
            retry_after: Some("0".into()),
        },
        FaultKind::Status {
            status: 429,
            retry_after: Some("1".into()),
        },
        FaultKind::Reset,
        FaultKind::Hang,
        FaultKind::Latency { ms: d.below(1500) },
        FaultKind::BadSignature,
        FaultKind::MissingSignature,
    ];
    match target {
        Target::Facemch => kinds.extend([
            FaultKind::GarbageCiphertext,
            FaultKind::WrongPadding,
            FaultKind::ExpiredFaceSid,
        ]),
        _ => kinds.push(FaultKind::ExpiredAuthinfo),
    }
    d.pick(&kinds).clone()
}

const FACE_APP: [Target; 5] = [
    Target::InitWxpayface,
    Target::GetWxpayfaceRawdata,
    Target::GetWxpayfaceCode,
    Target::GetWxpayAuth,
    Target::StopWxpayface,
];

fn face_app_kind(d: &mut Draw, target: Target) -> FaultKind {
    let mut kinds = vec![
        FaultKind::Latency { ms: d.below(1500) },
        FaultKind::Hang,
        FaultKind::ErrCode {
            err_code: *d.pick(&[271_378_620, 271_378_621, 271_378_622, -1, i64::MAX]),
        },
        FaultKind::ReturnCode {
            return_code: d
                .pick(&[
                    "SYSTEMERROR",
                    "FACEPAY_NOT_AUTH",
                    "USER_CANCEL",
                    "PARAM_ERROR",
                ])
                .to_string(),
        },
    ];
    if FaultKind::ExpiredAuthinfo.applies_to(target) {
        kinds.push(FaultKind::ExpiredAuthinfo);
    }
    if FaultKind::ExpiredFaceSid.applies_to(target) {
        kinds.push(FaultKind::ExpiredFaceSid);
    }
    if FaultKind::ForeignOpenid.applies_to(target) {
        kinds.push(FaultKind::ForeignOpenid);
    }
    d.pick(&kinds).clone()
}

fn times(d: &mut Draw, rule: FaultRule) -> FaultRule {
    match d.below(4) {
        0 => rule,
        n => rule.times(n as u32),
    }
}

fn draw_fault(d: &mut Draw) -> Fault {
    match d.below(100) {
        0..=24 => Fault::None,
        25..=44 => {
            let kind = http_kind(d, Target::Facemch);
            Fault::Rule(times(d, FaultRule::new(Target::Facemch, kind)))
        }
        45..=54 => {
            let kind = http_kind(d, Target::Authinfo);
            Fault::Authinfo(times(d, FaultRule::new(Target::Authinfo, kind)))
        }
        55..=79 => {
            let target = *d.pick(&FACE_APP);
            let kind = face_app_kind(d, target);
            Fault::Rule(times(d, FaultRule::new(target, kind)))
        }
        80..=87 => Fault::Unplug {
            before_start: d.percent(25),
            after_ms: d.below(200),
            replug_ms: d.below(3000),
        },
        88..=90 => Fault::ServiceDrop,
        91..=92 => Fault::Installing,
        _ => Fault::ClockSkew(*d.pick(&[-86_400, -400, -200, 200, 400, 86_400])),
    }
}

/// What the patient does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Patient {
    Agrees,
    DeclinesConsent,
    CancelsAfterAgreeing,
}

fn draw_patient(d: &mut Draw) -> Patient {
    match d.below(100) {
        0..=2 => Patient::DeclinesConsent,
        3..=5 => Patient::CancelsAfterAgreeing,
        _ => Patient::Agrees,
    }
}

/// One finished session.
struct Outcome {
    label: String,
    fault_class: String,
    /// From the fault's injection (or the session's start under it) to the result screen.
    to_result: Duration,
    /// Not one of the drawn sessions (the patient after a clock skew).
    extra: bool,
}

#[derive(Default)]
struct Report {
    outcomes: BTreeMap<String, u64>,
    slowest: BTreeMap<String, Duration>,
    stuck: Vec<String>,
    /// Sessions run beside the drawn ones (the next patient after a clock skew).
    extra: u64,
}

impl Report {
    fn add(&mut self, index: u64, result: Result<Vec<Outcome>, String>) {
        match result {
            Ok(outcomes) => {
                for o in outcomes {
                    if o.extra {
                        self.extra += 1;
                    }
                    *self.outcomes.entry(o.label).or_default() += 1;
                    let slowest = self.slowest.entry(o.fault_class).or_default();
                    *slowest = (*slowest).max(o.to_result);
                }
            }
            Err(stuck) => {
                eprintln!("soak: session {index} STUCK: {stuck}");
                *self.outcomes.entry("STUCK".into()).or_default() += 1;
                self.stuck.push(format!("session {index}: {stuck}"));
            }
        }
    }
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

struct Lane {
    demo: Demo,
    personas: Vec<(String, bool)>,
    dir: PathBuf,
    keys: PathBuf,
    restarts: u32,
}

impl Lane {
    async fn start(dir: PathBuf, keys: PathBuf, restarts: u32) -> anyhow::Result<Lane> {
        let data_dir = dir.join(format!("kiosk-{restarts}"));
        std::fs::create_dir_all(&data_dir)?;
        let data_dir = data_dir.as_path();
        let secs = Duration::from_secs;
        let mut options = DemoOptions::new(data_dir);
        options.interactive = false;
        options.keys_dir = Some(keys.clone());
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
        Ok(Lane {
            demo,
            personas,
            dir,
            keys,
            restarts,
        })
    }

    /// A fresh kiosk (and sandbox) in place of this one.
    async fn restart(&mut self) -> Result<(), String> {
        let fresh = Lane::start(self.dir.clone(), self.keys.clone(), self.restarts + 1)
            .await
            .map_err(|e| format!("restarting the kiosk: {e:#}"))?;
        std::mem::replace(self, fresh).demo.stop().await;
        Ok(())
    }

    /// One drawn session; after a clock-skew session, the next patient's too, once the clock
    /// is right again. The kiosk keeps the offset it measured until it next talks to WeChat,
    /// which a warm kiosk may not do for an hour: the soak reports what that next patient
    /// sees, then starts a fresh kiosk so the lane's later sessions measure their own faults.
    async fn session(&mut self, d: &mut Draw) -> Result<Vec<Outcome>, String> {
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
            outcomes.push(next);
            self.restart().await?;
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

/// Proportional set size (kB) from smaps_rollup, else the resident set from status.
fn memory_kb() -> Option<(&'static str, u64)> {
    let field = |file: &str, name: &str| -> Option<u64> {
        let text = std::fs::read_to_string(file).ok()?;
        let line = text.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    field("/proc/self/smaps_rollup", "Pss:")
        .map(|kb| ("PSS", kb))
        .or_else(|| field("/proc/self/status", "VmRSS:").map(|kb| ("RSS", kb)))
}

fn mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

static PANICS: AtomicU64 = AtomicU64::new(0);

/// Counts every panic, caught by the kiosk's tasks or not. Only the place is printed: a
/// panic's message may hold anything.
pub fn count_panics() {
    std::panic::set_hook(Box::new(|info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "?".into());
        eprintln!("soak: PANIC at {at}");
    }));
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("error: {why}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    count_panics();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: no tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(soak(&args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the soak and prints its report; `Ok(false)` on a panic or a stuck session.
pub async fn soak(args: &Args) -> anyhow::Result<bool> {
    println!(
        "soak: {} sessions, {} lanes, seed {} (--seed {} replays the same faults)",
        args.sessions, args.lanes, args.seed, args.seed
    );
    let dir = tempfile::tempdir()?;
    let keys = dir.path().join("keys");
    let mut lanes = Vec::new();
    for i in 0..args.lanes {
        lanes.push(Lane::start(dir.path().join(format!("lane-{i}")), keys.clone(), 0).await?);
    }
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let report = Arc::new(Mutex::new(Report::default()));
    let warm_memory = Arc::new(Mutex::new(None));
    let began = Instant::now();
    let mut tasks = Vec::new();
    for mut lane in lanes {
        let (next, done, report, warm) = (
            next.clone(),
            done.clone(),
            report.clone(),
            warm_memory.clone(),
        );
        let (seed, total) = (args.seed, args.sessions);
        tasks.push(tokio::spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                if index >= total {
                    return Some(lane);
                }
                let mut draw = Draw::for_session(seed, index);
                let result = lane.session(&mut draw).await;
                let failed_restart = result.as_ref().is_err_and(|e| e.starts_with("restarting"));
                report
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .add(index, result);
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                if finished == WARM_UP_SESSIONS.min(total) {
                    *warm.lock().unwrap_or_else(|p| p.into_inner()) = memory_kb();
                }
                if finished % 1000 == 0 {
                    println!(
                        "soak: {finished}/{total} sessions, {:.0} s",
                        began.elapsed().as_secs_f64()
                    );
                }
                if failed_restart {
                    return None;
                }
            }
        }));
    }
    let mut finished_lanes = Vec::new();
    for t in tasks {
        finished_lanes.extend(t.await?);
    }
    let elapsed = began.elapsed();
    let end_memory = memory_kb();
    let panics = PANICS.load(Ordering::SeqCst);
    let r = std::mem::take(&mut *report.lock().unwrap_or_else(|p| p.into_inner()));
    let warm = *warm_memory.lock().unwrap_or_else(|p| p.into_inner());

    println!("\n| outcome | sessions |\n|---|---:|");
    for (label, n) in &r.outcomes {
        println!("| {label} | {n} |");
    }
    println!("\n| fault | slowest to its result screen |\n|---|---:|");
    for (class, t) in &r.slowest {
        println!("| {class} | {:.2} s |", t.as_secs_f64());
    }
    let overall = r.slowest.values().max().copied().unwrap_or_default();
    println!("\n| measure | value |\n|---|---:|");
    println!(
        "| sessions | {} drawn, {} more (the next patient after each clock skew) |",
        args.sessions, r.extra
    );
    println!("| seed | {} |", args.seed);
    println!("| lanes (kiosks side by side) | {} |", args.lanes);
    println!("| wall time | {:.0} s |", elapsed.as_secs_f64());
    println!(
        "| slowest fault to result screen | {:.2} s |",
        overall.as_secs_f64()
    );
    println!(
        "| stuck sessions (> {} s) | {} |",
        STUCK_AFTER.as_secs(),
        r.stuck.len()
    );
    println!("| panics | {panics} |");
    match (warm, end_memory) {
        (Some((kind, w)), Some((_, e))) => {
            println!(
                "| memory ({kind}) after {} sessions | {} |",
                WARM_UP_SESSIONS.min(args.sessions),
                mib(w)
            );
            println!("| memory ({kind}) at the end | {} |", mib(e));
            println!("| growth | {:+.1} MiB |", (e as f64 - w as f64) / 1024.0);
        }
        _ => println!("| memory | not measurable here (no /proc) |"),
    }
    for s in &r.stuck {
        eprintln!("soak: stuck: {s}");
    }
    let ok = panics == 0 && r.stuck.is_empty();
    println!(
        "\nsoak: {} (seed {})",
        if ok { "ok" } else { "FAILED" },
        args.seed
    );
    for lane in finished_lanes {
        lane.demo.stop().await;
    }
    Ok(ok)
}
