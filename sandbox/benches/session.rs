//! Session overhead: whole patient sessions (start, agree, face, WeChat's confirmation, the
//! facemch query, hand-over, done) against the in-process sandbox and simulated terminal with
//! zero latency, a warm authinfo and the real protocols over loopback. Reports the time per
//! session as the kiosk sees it (p50, p99) and WeChat round trips per session.
//!
//! `cargo bench -p facekiosk-sandbox --bench session` (SESSIONS=N to change the count).

use std::time::{Duration, Instant};

use facekiosk_pii::identity::WechatId;
use facekiosk_sandbox::Target;
use facekiosk_sandbox::demo::{Demo, DemoOptions};
use facekiosk_sandbox::material::ids;
use facekiosk_session::{Intent, Kiosk, Screen};

async fn until(kiosk: &Kiosk, screen: &str) {
    let mut rx = kiosk.subscribe();
    while rx.borrow_and_update().screen.name() != screen {
        rx.changed().await.expect("the kiosk stopped");
    }
}

/// One session from idle back to idle; the time from "start" to the result screen.
async fn session(demo: &Demo, result: &str) -> Duration {
    let kiosk = demo.kiosk();
    let t = Instant::now();
    kiosk.send(Intent::Start).await.unwrap();
    until(kiosk, "consent").await;
    let Screen::Consent { consent } = kiosk.view().screen else {
        panic!("no consent screen");
    };
    kiosk
        .send(Intent::Agree {
            consent_sha256: consent.sha256,
        })
        .await
        .unwrap();
    until(kiosk, result).await;
    let elapsed = t.elapsed();
    kiosk.send(Intent::Done).await.unwrap();
    until(kiosk, "idle").await;
    elapsed
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(name: &str, mut times: Vec<Duration>, wechat_calls: u64) {
    times.sort();
    let n = times.len();
    println!(
        "{name:<22} sessions {n:>5}  p50 {:>8.2?}  p99 {:>8.2?}  max {:>8.2?}  WeChat round trips/session {:.2}",
        percentile(&times, 0.50),
        percentile(&times, 0.99),
        times[n - 1],
        wechat_calls as f64 / n as f64
    );
}

fn wechat_calls(demo: &Demo) -> u64 {
    let s = demo.sandbox();
    s.hits(Target::Authinfo) + s.hits(Target::Facemch) + s.hits(Target::Certificates)
}

fn main() {
    let sessions: usize = std::env::var("SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut options = DemoOptions::new(dir.path());
        options.interactive = false;
        options.records = Some(dir.path().join("bench.sqlite"));
        let demo = Demo::start(options).await.unwrap();
        demo.kiosk().warm_up().await.unwrap();
        let openid = WechatId::new(
            demo.sandbox()
                .world()
                .persona("zhang-san")
                .unwrap()
                .openid(ids::MERCHANT_APPID),
        );
        // Warm-up sessions, not counted.
        for _ in 0..20 {
            session(&demo, "success").await;
            demo.kiosk().records().forget_patient(&openid).unwrap();
        }
        let before = wechat_calls(&demo);
        let mut times = Vec::with_capacity(sessions);
        for _ in 0..sessions {
            times.push(session(&demo, "success").await);
            // A new patient every time: the link she got is forgotten.
            demo.kiosk().records().forget_patient(&openid).unwrap();
        }
        report("new patient", times, wechat_calls(&demo) - before);

        demo.sandbox()
            .world()
            .set_current_persona("registered")
            .unwrap();
        let before = wechat_calls(&demo);
        let mut times = Vec::with_capacity(sessions);
        for _ in 0..sessions {
            times.push(session(&demo, "welcomeBack").await);
        }
        report("returning patient", times, wechat_calls(&demo) - before);
        demo.stop().await;
    });
}
