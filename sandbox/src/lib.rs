//! facekiosk-sandbox: a faithful local copy of the two WeChat backends the face real-name flow
//! calls (payapp's `get_wxpayface_authinfo` and api.mch's facemch query and certificates),
//! with fault injection, an admin API, the personas, and a simulated face app behind the
//! bridge's `FaceSdk` trait.
//!
//! Every protocol primitive (APIv2 signing and XML, the APIv3 Authorization header and
//! messages, RSA, certificates) is `facekiosk-wxpay`'s: the sandbox and the kiosk share one
//! implementation, and the sandbox's tests are where the two meet over real HTTP.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use facekiosk_sandbox::{Sandbox, StartOptions};
//! let sandbox = Sandbox::start(StartOptions::new("/tmp/facekiosk-sandbox")).await?;
//! let session = sandbox.authorized_session("zhang-san").map_err(anyhow::Error::msg)?;
//! println!("{} serves {}", sandbox.base_url, sandbox.paths.kiosk_config.display());
//! # let _ = session; Ok(()) }
//! ```

// Handlers return the axum `Response` to send as their error: one per request, never hot.
#![allow(clippy::result_large_err)]

pub mod admin;
pub mod apimch;
pub mod cable;
pub mod demo;
pub mod face_app;
pub mod faults;
pub mod front;
pub mod hospital;
pub mod kiosk;
pub mod material;
pub mod options;
pub mod payapp;
pub mod personas;
pub mod rawdata;
pub mod server;
pub mod staff;
pub mod world;

pub use face_app::{FaceAppOptions, PatientAction, SimFaceSdk};
pub use faults::{FaultKind, FaultRule, Target};
pub use options::{FieldPadding, KeyMode, Options, SidShape};
pub use personas::Persona;
pub use server::{Paths, Sandbox, SandboxHandle, SimTerminal, StartOptions};
pub use world::World;
