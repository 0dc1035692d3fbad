//! The hand-off's own cost per adapter: `find_or_register` of one verified patient against the
//! sandbox's hospital over loopback HTTP, as the session calls it (the message built, sent,
//! the answer read and checked), with the hospital answering at once. Two cases each: a new
//! patient (query and create: the first visit) and a patient the hospital knows (the query
//! alone: a second visit, or a retry). Reports p50 and p99.
//!
//! `cargo bench -p facekiosk-sandbox --bench handoff` (CALLS=N to change the count per case).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use facekiosk_his::settings::SoapVersion;
use facekiosk_his::{HisPatient, Hospital};
use facekiosk_pii::identity::{
    CredentialNumber, CredentialType, Identity, RealName, RealNameInfo, WechatId,
};
use facekiosk_sandbox::kiosk::{SandboxAdapter, his_settings};
use facekiosk_sandbox::{Sandbox, StartOptions};

/// A patient with a resident ID number of its own (`n` picks the number, check digit right).
fn patient(n: u32) -> Identity {
    let body = format!(
        "1101051988{:02}{:02}{:03}",
        1 + n % 12,
        1 + n % 28,
        n % 1000
    );
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let number = format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char);
    Identity {
        openid: Some(WechatId::new(format!("o-bench-{n}"))),
        sub_openid: None,
        union_id: None,
        real_name: Some(RealNameInfo {
            name: RealName::parse("𠮷雅婷".into()).unwrap(),
            credential_type: CredentialType::ResidentId,
            credential_number: CredentialNumber::parse(CredentialType::ResidentId, number).unwrap(),
        }),
        phone: None,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn measure(hospital: &Arc<dyn Hospital>, identities: &[Identity]) -> Vec<Duration> {
    let mut times = Vec::with_capacity(identities.len());
    for identity in identities {
        let patient = HisPatient::from_identity(identity).unwrap();
        let t = Instant::now();
        hospital.find_or_register(&patient).await.unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    times
}

fn main() {
    let calls: u32 = std::env::var("CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let profiles = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/his-profiles");
    let adapters = [
        ("fhir", SandboxAdapter::Fhir),
        (
            "wst846 (SOAP 1.2)",
            SandboxAdapter::Wst846 {
                soap: SoapVersion::V1_2,
            },
        ),
        (
            "http tianrui (JSON)",
            SandboxAdapter::Vendor {
                site: "tianrui".into(),
                profile: profiles.join("tianrui.toml"),
            },
        ),
        (
            "http zzj (XML)",
            SandboxAdapter::Vendor {
                site: "zzj".into(),
                profile: profiles.join("zzj.toml"),
            },
        ),
    ];
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let keys = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sandbox-keys");
        let sandbox = Sandbox::start(StartOptions::new(dir.path()).keys_dir(keys))
            .await
            .unwrap();
        println!("hand-off per call, against the sandbox's hospital over loopback ({calls} calls per case)");
        for (name, adapter) in adapters {
            sandbox.hospital().reset();
            let settings = his_settings(&sandbox.base_url, &adapter);
            let hospital = facekiosk_his::connect(&settings).unwrap().unwrap();
            let identities: Vec<Identity> = (0..calls).map(patient).collect();
            // Warm the connection pool as a running kiosk has it.
            measure(&hospital, &[patient(calls + 1)]).await;
            let new = measure(&hospital, &identities).await;
            let known = measure(&hospital, &identities).await;
            for (case, times) in [("new patient", new), ("known patient", known)] {
                println!(
                    "{name:<20} {case:<14} p50 {:>8.2?}  p99 {:>8.2?}",
                    percentile(&times, 0.50),
                    percentile(&times, 0.99)
                );
            }
        }
    });
}
