//! The kiosk's side of `cargo xtask bench --compare`'s facemch row: the real WeChat client
//! (`WxpayClient`, built from a kiosk.toml as the kiosk builds it) querying
//! `/v3/facemch/users/{face_sid}` (sign, HTTP, verify the response signature, decrypt the name
//! and the ID number, validate), timed per call.
//!
//! `bench_facemch --config KIOSK_TOML`, then on stdin one line per batch, `FACE_SID N`: N
//! queries of that (authorised) face_sid, answered on stdout by one line of N times in
//! microseconds, then `|` and this process's CPU time for the whole batch (microseconds). The driver (bench/compare/facemch.py) alternates these batches with the
//! Python SDK's against the same sandbox. Stops at the end of stdin.

#[path = "bench_session/cpu.rs"]
mod cpu;

use std::io::{BufRead, Write};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use facekiosk_wxpay::{InfoType, WxpayClient};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match args.as_slice() {
        [flag, path] if flag == "--config" => path,
        _ => bail!("usage: bench_facemch --config KIOSK_TOML"),
    };
    let settings = facekiosk_config::load(config.as_ref())
        .map_err(|e| anyhow!("{config}: {e}"))?
        .wxpay;
    // As the kiosk runs: a multi-threaded runtime, one client kept for every query.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let client = runtime.block_on(async { WxpayClient::from_settings(settings) })?;
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let Some((face_sid, n)) = line.split_once(' ') else {
            bail!("stdin: want `FACE_SID N`");
        };
        let n: usize = n.trim().parse().context("stdin: N")?;
        let mut times = Vec::with_capacity(n);
        let before = cpu::of("self")?;
        for _ in 0..n {
            let t = Instant::now();
            let identity = runtime
                .block_on(client.query_user_as(face_sid, InfoType::AskRealName))
                .map_err(|e| anyhow!("facemch: {e}"))?;
            times.push(t.elapsed().as_micros().to_string());
            // Decrypted and validated inside the call; a real name must have come out.
            if identity.real_name.is_none() {
                bail!("facemch: no real_name_info");
            }
        }
        let cpu = (cpu::of("self")? - before).as_micros();
        writeln!(out, "{} | {cpu}", times.join(" "))?;
        out.flush()?;
    }
    Ok(())
}
