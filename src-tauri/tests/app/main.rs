//! The app's tests, one binary (a Tauri test binary takes a while to link).

mod acl;
mod bindings;
mod demo;
mod misconfigured;
mod mode;
mod support;
