//! Wire protocol v1 of the facekiosk bridge (see android-bridge/README.md).
