//! A short soak in every test run: the soak runner (`examples/soak/`, whole sessions under
//! random faults) over 200 sessions with a fixed seed. Every session must end on a defined
//! screen and nothing may panic; `cargo xtask soak` runs the long one.

#[path = "../examples/soak/main.rs"]
#[allow(dead_code)]
mod runner;

#[test]
fn two_hundred_sessions_under_random_faults_end_on_defined_screens_without_a_panic() {
    runner::count_panics();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let args = runner::Args {
        sessions: 200,
        seed: 20_261_202,
        lanes: 8,
    };
    assert!(
        runtime.block_on(runner::soak(&args)).unwrap(),
        "a session got stuck or something panicked (the report is above)"
    );
}
