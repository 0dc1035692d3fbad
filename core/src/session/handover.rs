//! The hand-over of a verified identity to whoever registers the patient: the hospital's
//! system (an adapter to come), or the kiosk's own records by default.

use std::sync::Arc;

use crate::identity::{Identity, WechatId};
use crate::terminal::BoxFuture;

use super::records::{PatientRef, Records};

/// A patient WeChat verified, for the moment of the hand-over. Borrowed: the session owns the
/// identity and wipes it as soon as the hand-over returns.
#[derive(Debug, Clone, Copy)]
pub struct VerifiedPatient<'a> {
    pub identity: &'a Identity,
    /// The openid the face scan returned (the link key for a returning patient).
    pub openid: &'a WechatId,
}

/// Why a hand-over failed; its text never holds the identity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hand-over failed: {0}")]
pub struct HandOverError(pub String);

/// Registers a verified patient and answers their reference.
pub trait HandOver: Send + Sync {
    fn hand_over<'a>(
        &'a self,
        patient: VerifiedPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientRef, HandOverError>>;
}

/// The embedded default: the patient gets a new reference in the kiosk's records. Nothing of
/// the identity is stored (the records keep the openid link only, which the session writes).
#[derive(Debug, Clone)]
pub struct LocalRegistry {
    records: Arc<Records>,
}

impl LocalRegistry {
    pub fn new(records: Arc<Records>) -> LocalRegistry {
        LocalRegistry { records }
    }
}

impl HandOver for LocalRegistry {
    fn hand_over<'a>(
        &'a self,
        patient: VerifiedPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientRef, HandOverError>> {
        Box::pin(async move {
            // A patient linked meanwhile (another kiosk on the same records) keeps their ref.
            match self.records.find_patient(patient.openid) {
                Ok(Some(existing)) => Ok(existing),
                Ok(None) => Ok(PatientRef::generate()),
                Err(e) => Err(HandOverError(e.to_string())),
            }
        })
    }
}
