// No console window on Windows release builds: the kiosk is the whole screen.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // First thing, so "ui ready in N ms" counts from as close to exec as Rust can see.
    let started = std::time::Instant::now();
    facekiosk_app::run(started);
}
