//! The app's tests, one binary (a Tauri test binary takes a while to link).

mod acl;
mod bindings;
mod close;
mod demo;
mod instance;
mod misconfigured;
mod mode;
mod security;
mod start;
mod support;
