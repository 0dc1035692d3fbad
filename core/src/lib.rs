//! facekiosk-core
