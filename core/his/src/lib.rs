//! facekiosk-his: the hand-off of a patient WeChat verified to the hospital's own system (the
//! HIS or the hospital information platform), whose patient number is what the patient leaves
//! with.
//!
//! One trait, [`Hospital`]: find the patient by their ID document, register them when the
//! system does not know them yet (query before create, so a retry or a second visit never makes
//! a duplicate), answer the hospital's patient number. Three adapters, chosen by `[his]
//! adapter`:
//! - [`fhir`]: FHIR R4 `Patient` by conditional create;
//! - [`wst846`]: the hospital information platform's patient services (WS/T 846.2, HL7 V3 in
//!   the SOAP `HIPMessageServer(action, message)` convention);
//! - [`vendor`]: the vendor self-service interface, driven by a site profile (a file).
//!
//! The fourth choice, `local`, is not here: it is the kiosk's own registry (the session's
//! records), for a kiosk that has no hospital system yet.
//!
//! What crosses this crate's edge is personal data ([`HisPatient`] borrows the verified
//! identity and never copies it out of zeroizing types); what comes back is a
//! [`PatientNumber`] or a [`HisError`] whose message names a field or a code, never a value
//! the hospital's system echoed.

pub mod codes;
mod demographics;
mod error;
pub mod fhir;
pub mod gb11643;
mod patient;
pub mod settings;
mod transport;
pub mod vendor;
pub mod wst846;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use demographics::{BirthDate, Sex};
pub use error::{HisError, HisErrorCode};
pub use patient::{HisPatient, PatientNumber, Sent};
pub use settings::{AdapterSettings, HisSettings};

/// A boxed future that may cross threads (the same shape as the terminal's).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A hospital system the kiosk hands verified patients to.
///
/// The session stops waiting after its hand-over timeout and drops the future (so does a
/// cancel): an adapter must take the same patient twice without harm, which query before
/// create gives.
pub trait Hospital: Send + Sync + std::fmt::Debug {
    /// The hospital's patient number of `patient`: found by their ID document, or registered.
    fn find_or_register<'a>(
        &'a self,
        patient: &'a HisPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientNumber, HisError>>;

    /// What this adapter sends the hospital's system, as configured: the consent texts must
    /// name each (the kiosk does not start otherwise).
    fn sends(&self) -> Vec<Sent>;
}

/// The adapter `settings` choose, ready to use (its secrets read, its profile parsed), or
/// `None` for `local`.
pub fn connect(settings: &HisSettings) -> Result<Option<Arc<dyn Hospital>>, HisError> {
    Ok(match &settings.adapter {
        AdapterSettings::Local => None,
        AdapterSettings::Fhir(s) => {
            Some(Arc::new(fhir::FhirHospital::new(s, &settings.connection)?))
        }
        AdapterSettings::Wst846(s) => Some(Arc::new(wst846::Wst846Hospital::new(
            s,
            &settings.connection,
        )?)),
        AdapterSettings::Http(s) => Some(Arc::new(vendor::VendorHospital::new(
            s,
            &settings.connection,
        )?)),
    })
}
