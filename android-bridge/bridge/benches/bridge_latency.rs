//! p50 / p99 of the bridge round trip on loopback (criterion reports means and medians only).
//! Records N = 2000 sequential round trips of each kind, after 200 warm-up ones, against the
//! same server and client as `bridge_roundtrip`, and prints the percentiles.
//!
//! `cargo bench -p facekiosk-bridge --bench bridge_latency [-- N]`. Without `--bench` (as under
//! `cargo test --all-targets`) it runs 20 of each, as a smoke test.

mod support;

use std::time::{Duration, Instant};

const WARM_UP: usize = 200;
const DEFAULT_N: usize = 2000;

fn measure(n: usize, mut round_trip: impl FnMut()) -> Vec<Duration> {
    for _ in 0..WARM_UP.min(n) {
        round_trip();
    }
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            round_trip();
            t0.elapsed()
        })
        .collect();
    times.sort_unstable();
    times
}

/// The nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(what: &str, sorted: &[Duration]) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{what:<40} n={:<5} p50 {:>7.1} µs  p99 {:>7.1} µs  max {:>8.1} µs",
        sorted.len(),
        us(percentile(sorted, 50.0)),
        us(percentile(sorted, 99.0)),
        us(sorted[sorted.len() - 1]),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bench = args.iter().any(|a| a == "--bench");
    let n = args
        .iter()
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(if bench { DEFAULT_N } else { 20 });

    let server = support::Server::start();
    let mut client = support::Client::connect(server.addr);
    let rawdata = measure(n, || {
        std::hint::black_box(client.rawdata());
    });
    let ping = measure(n, || client.ping());
    report("getWxpayfaceRawdata round trip (loopback)", &rawdata);
    report("ping round trip (loopback)", &ping);
}
