//! The kiosk's side of `cargo xtask bench --compare`'s session row: whole new-patient sessions
//! (start, agree, face, WeChat's confirmation, the facemch query, hand-over to the hospital,
//! done) of a real kiosk (`facekiosk_session::start` on a kiosk.toml) against a sandbox running
//! in another process (`facekiosk-sandbox serve --terminal`), so that this process's CPU time
//! is the kiosk's own cost. Then, in the same process, the session's cryptographic floor with
//! the crate's own functions (floor.rs).
//!
//! `bench_session --config KIOSK_TOML --sandbox URL [--sessions N] [--sandbox-pid PID]`. Prints `RESULT key value`
//! lines (times in microseconds) for the driver to read.

mod cpu;
mod floor;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use facekiosk_pii::identity::WechatId;
use facekiosk_sandbox::kiosk::{SandboxAdapter, his_settings};
use facekiosk_session::{Intent, Kiosk, Parts, Screen, Settings};

const WARM_UP: usize = 20;

struct Args {
    config: PathBuf,
    sandbox: String,
    sessions: usize,
    /// The sandbox's process, whose CPU time per session is shown beside the kiosk's.
    sandbox_pid: Option<String>,
}

fn args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let (mut config, mut sandbox, mut sessions, mut sandbox_pid) = (None, None, 300, None);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| anyhow!("{flag}: no value"))?;
        match flag.as_str() {
            "--config" => config = Some(PathBuf::from(value)),
            "--sandbox" => sandbox = Some(value),
            "--sessions" => sessions = value.parse().context("--sessions")?,
            "--sandbox-pid" => sandbox_pid = Some(value),
            _ => bail!("unknown flag {flag}"),
        }
    }
    Ok(Args {
        config: config.ok_or_else(|| anyhow!("--config is required"))?,
        sandbox: sandbox.ok_or_else(|| anyhow!("--sandbox is required"))?,
        sessions,
        sandbox_pid,
    })
}

async fn until(kiosk: &Kiosk, screen: &str) -> Result<()> {
    let mut rx = kiosk.subscribe();
    while rx.borrow_and_update().screen.name() != screen {
        rx.changed().await.context("the kiosk stopped")?;
    }
    Ok(())
}

/// One session from idle back to idle; the time from "start" to the success screen.
async fn session(kiosk: &Kiosk) -> Result<Duration> {
    let t = Instant::now();
    kiosk.send(Intent::Start).await?;
    until(kiosk, "consent").await?;
    let Screen::Consent { consent } = kiosk.view().screen else {
        bail!("no consent screen");
    };
    kiosk
        .send(Intent::Agree {
            consent_sha256: consent.sha256,
        })
        .await?;
    until(kiosk, "success").await?;
    let elapsed = t.elapsed();
    kiosk.send(Intent::Done).await?;
    until(kiosk, "idle").await?;
    Ok(elapsed)
}

fn percentile(sorted: &[Duration], p: f64) -> u128 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize].as_micros()
}

/// What a run of sessions cost.
struct Cost {
    times: Vec<Duration>,
    cpu: Duration,
    sandbox_cpu: Duration,
}

/// `WARM_UP` sessions, then `a.sessions` measured ones, of a kiosk started on `settings`.
async fn sessions(a: &Args, settings: Settings, openid: &WechatId) -> Result<Cost> {
    let dir = std::env::temp_dir().join(format!("bench-session-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let parts = Parts {
        records: Some(dir.join("records.sqlite")),
        ..Parts::default()
    };
    let kiosk = facekiosk_session::start(settings, parts)?;
    kiosk
        .warm_up()
        .await
        .map_err(|e| anyhow!("warm-up: {e:?}"))?;
    let mut cost = Cost {
        times: Vec::with_capacity(a.sessions),
        cpu: Duration::ZERO,
        sandbox_cpu: Duration::ZERO,
    };
    let sandbox_cpu = || a.sandbox_pid.as_deref().map(cpu::of).transpose();
    for i in 0..WARM_UP + a.sessions {
        let (before, sandbox_before) = (cpu::of("self")?, sandbox_cpu()?);
        let t = session(&kiosk).await?;
        let spent = cpu::of("self")? - before;
        let sandbox_spent = sandbox_cpu()?
            .zip(sandbox_before)
            .map_or(Duration::ZERO, |(after, before)| after - before);
        // A new patient every time: the link she got is forgotten (outside the measure).
        kiosk.records().forget_patient(openid)?;
        if i >= WARM_UP {
            cost.times.push(t);
            cost.cpu += spent;
            cost.sandbox_cpu += sandbox_spent;
        }
    }
    kiosk.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    cost.times.sort();
    Ok(cost)
}

async fn run(a: Args) -> Result<()> {
    let settings =
        facekiosk_config::load(&a.config).map_err(|e| anyhow!("{}: {e}", a.config.display()))?;
    let admin = floor::Admin::new(&a.sandbox)?;
    let openid = WechatId::new(admin.authorized_session().await?.openid);
    let cost = sessions(&a, settings.clone(), &openid).await?;
    let n = cost.times.len() as u128;
    println!("RESULT sessions {n}");
    println!("RESULT wall_p50_us {}", percentile(&cost.times, 0.50));
    println!("RESULT wall_p99_us {}", percentile(&cost.times, 0.99));
    println!("RESULT kiosk_cpu_us {}", cost.cpu.as_micros() / n);
    if a.sandbox_pid.is_some() {
        println!(
            "RESULT session_sandbox_cpu_us {}",
            cost.sandbox_cpu.as_micros() / n
        );
    }
    // The same sessions with the kiosk's own registry in place of the hospital's FHIR server:
    // the difference is what the hand-over costs the kiosk.
    let mut local = settings.clone();
    local.his = his_settings(&a.sandbox, &SandboxAdapter::Local);
    let cost = sessions(&a, local, &openid).await?;
    println!("RESULT kiosk_cpu_local_his_us {}", cost.cpu.as_micros() / n);
    floor::measure(&settings.wxpay, &admin).await
}

fn main() -> Result<()> {
    let a = args()?;
    // As the kiosk runs its session task.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(run(a))
}
