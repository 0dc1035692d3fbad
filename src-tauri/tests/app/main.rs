//! The app's tests, one binary (a Tauri test binary takes a while to link).

mod acl;
mod bindings;
mod close;
#[cfg(feature = "demo")]
mod demo;
mod instance;
mod misconfigured;
mod mode;
mod security;
#[cfg(feature = "demo")]
mod start;
mod support;
