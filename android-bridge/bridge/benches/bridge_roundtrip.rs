//! The bridge round trip on loopback, as the kiosk sees it: a real `Bridge` on 127.0.0.1:0 over
//! an SDK stand-in that answers at once, and a client speaking the real framing. Sequential
//! `getWxpayfaceRawdata` (queued SDK call, ~1.5 KB result) and `ping` (answered by the
//! connection itself) round trips. p50/p99: `cargo bench -p facekiosk-bridge --bench
//! bridge_latency`.

mod support;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

fn roundtrip(c: &mut Criterion) {
    let server = support::Server::start();
    let mut client = support::Client::connect(server.addr);
    c.bench_function("bridge round trip: getWxpayfaceRawdata (loopback)", |b| {
        b.iter(|| black_box(client.rawdata()))
    });
    c.bench_function("bridge round trip: ping (loopback)", |b| {
        b.iter(|| client.ping())
    });
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
