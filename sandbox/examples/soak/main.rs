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

mod draw;
mod lane;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use draw::Draw;
use lane::{Lane, Outcome};

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
    Draw::for_session(t, u64::from(std::process::id())).next() % 1_000_000_000
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
        lanes.push(Lane::start(&dir.path().join(format!("lane-{i}")), &keys).await?);
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
                    return lane;
                }
                let mut draw = Draw::for_session(seed, index);
                let result = lane.session(&mut draw).await;
                report
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .add(index, result);
                let finished = done.fetch_add(1, Ordering::SeqCst) + 1;
                if finished == WARM_UP_SESSIONS.min(total) {
                    *warm.lock().unwrap_or_else(|p| p.into_inner()) = memory_kb();
                }
                if finished % 1000 == 0 {
                    // The memory as it goes, to tell a plateau (caches filling) from a leak.
                    let memory = memory_kb().map(|(what, kb)| format!(", {what} {}", mib(kb)));
                    println!(
                        "soak: {finished}/{total} sessions, {:.0} s{}",
                        began.elapsed().as_secs_f64(),
                        memory.unwrap_or_default()
                    );
                }
            }
        }));
    }
    let mut finished_lanes = Vec::new();
    for t in tasks {
        finished_lanes.push(t.await?);
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
