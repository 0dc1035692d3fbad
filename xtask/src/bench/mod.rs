//! `cargo xtask bench --compare`: the kiosk against its peers and its floors, in one process
//! tree and one sitting, printed as one table (and written to target/bench-compare.md).
//!
//! Everything is built first (release), then measured: the facemch query against the Python
//! SDK wechatpayv3 (both against one release sandbox), a new patient's session against its
//! cryptographic floor and `openssl speed`, cold start and idle memory against a bare Tauri
//! window (bench/bare-window), and the bridge's round trip.

mod parse;
mod sandbox;
mod table;

use std::process::ExitCode;

use crate::runner::{self, Ctx};
use parse::Results;

const VENV_PYTHON: &str = "target/py-venv/bin/python";
const REQUIREMENTS: &str = "bench/compare/requirements.txt";
const OUT: &str = "target/bench-compare.md";

/// How much is measured: the full run, or `--quick` (a smoke test of the whole chain).
#[derive(Debug, Clone, Copy)]
struct Sizes {
    rounds: u32,
    calls: u32,
    sessions: u32,
    startup_runs: u32,
    bridge_n: u32,
}

const FULL: Sizes = Sizes {
    rounds: 10,
    calls: 50,
    sessions: 300,
    startup_runs: 5,
    bridge_n: 2000,
};
const QUICK: Sizes = Sizes {
    rounds: 2,
    calls: 10,
    sessions: 20,
    startup_runs: 1,
    bridge_n: 200,
};

pub fn run(ctx: &Ctx, args: &[String]) -> ExitCode {
    let sizes = match args {
        [] => FULL,
        [quick] if quick == "--quick" => QUICK,
        _ => {
            eprintln!("error: usage: cargo xtask bench --compare [--quick]");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    match compare(ctx, sizes) {
        Ok(results) => {
            let text = table::render(&results, started.elapsed());
            println!("\n{text}");
            match std::fs::write(ctx.root.join(OUT), &text) {
                Ok(()) => println!("(written to {OUT})"),
                Err(e) => eprintln!("error: writing {OUT}: {e}"),
            }
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn step(what: &str, cmd: &mut std::process::Command) -> Result<String, String> {
    runner::header(what);
    let captured = runner::run_tee(cmd).map_err(|e| format!("{what}: cannot start: {e}"))?;
    if !captured.status.success() {
        return Err(format!("{what}: {}", captured.status));
    }
    Ok(captured.output)
}

fn compare(ctx: &Ctx, s: Sizes) -> Result<Results, String> {
    let python = ctx.root.join(VENV_PYTHON);
    if !python.exists() {
        return Err(format!("no {VENV_PYTHON}: run `cargo xtask setup` first"));
    }
    let pip = ["-m", "pip", "install", "-q", "--disable-pip-version-check"];
    step(
        &format!("pip install -r {REQUIREMENTS}"),
        ctx.cmd(&python, &pip).args(["-r", REQUIREMENTS]),
    )?;
    // Every build first, so that nothing is compiled while something is measured.
    step(
        "build (release): the sandbox and the kiosk's bench clients",
        &mut ctx.cargo(&[
            "build",
            "--release",
            "-p",
            "facekiosk-sandbox",
            "--bin",
            "facekiosk-sandbox",
            "--example",
            "bench_facemch",
            "--example",
            "bench_session",
        ]),
    )?;
    step(
        "build (release): the UI, the kiosk app (demo and production) and the bare window",
        &mut ctx.cmd(
            "scripts/measure-startup.sh",
            &["--bare", "--production", "--build-only"],
        ),
    )?;
    let bridge = [
        "bench",
        "-p",
        "facekiosk-bridge",
        "--bench",
        "bridge_latency",
    ];
    step(
        "build (bench): the bridge's latency bench",
        ctx.cargo(&bridge).arg("--no-run"),
    )?;

    let mut results = Results::default();
    let release = ctx.root.join("target/release");
    let sb = sandbox::Sandbox::start(ctx, &release.join("facekiosk-sandbox"))?;
    let (config, pid) = (sb.kiosk_config.display().to_string(), sb.pid());
    let measured = (|| -> Result<(), String> {
        let out = step(
            "facemch: the kiosk's client against wechatpayv3, alternating batches",
            ctx.cmd(&python, &["bench/compare/facemch.py"]).args([
                "--sandbox",
                &sb.base_url,
                "--client",
                &release.join("examples/bench_facemch").display().to_string(),
                "--config",
                &config,
                "--rounds",
                &s.rounds.to_string(),
                "--calls",
                &s.calls.to_string(),
                "--sandbox-pid",
                &pid,
            ]),
        )?;
        results.read(&out);
        let out = step(
            "session: new patients, the kiosk's CPU time; its cryptographic floor",
            ctx.cmd(release.join("examples/bench_session"), &[]).args([
                "--config",
                &config,
                "--sandbox",
                &sb.base_url,
                "--sessions",
                &s.sessions.to_string(),
                "--sandbox-pid",
                &pid,
            ]),
        )?;
        results.read(&out);
        // The production kiosk starts on the sandbox's kiosk.toml: it stays up for this.
        let out = step(
            "cold start and idle memory: the kiosk (production, demo) against the bare window, \
             alternating",
            &mut ctx.cmd(
                "scripts/measure-startup.sh",
                &[
                    "--bare",
                    "--production",
                    "--no-build",
                    "--config",
                    &config,
                    "--runs",
                    &s.startup_runs.to_string(),
                ],
            ),
        )?;
        results.read(&out);
        Ok(())
    })();
    sb.stop();
    measured?;

    let out = step(
        "openssl speed -seconds 2 rsa2048",
        &mut ctx.cmd("openssl", &["speed", "-seconds", "2", "rsa2048"]),
    )?;
    parse::openssl(&out, &mut results)?;
    // OpenSSL 3.0's `speed rsa2048` has no private decryption; OpenSSL's own, timed through
    // `cryptography` (bench/compare/facemch.py), stands in.
    if results.get("openssl_decrypt_us").is_none()
        && let Some(us) = results.get("cryptography_decrypt_us")
    {
        results.set("openssl_decrypt_us", us);
        results.set("openssl_decrypt_via_cryptography", 1.0);
    }
    let out = step(
        "bridge round trip on loopback",
        ctx.cargo(&bridge)
            .args(["--", "--bench", &s.bridge_n.to_string()]),
    )?;
    parse::bridge(&out, &mut results)?;
    Ok(results)
}
