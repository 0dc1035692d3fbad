//! The bridge server.
