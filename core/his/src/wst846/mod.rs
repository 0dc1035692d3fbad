//! (being built)

use crate::error::HisError;
use crate::patient::{HisPatient, PatientNumber, Sent};
use crate::settings::{Connection, Wst846Settings};
use crate::{BoxFuture, Hospital};

#[derive(Debug)]
pub struct Wst846Hospital;

impl Wst846Hospital {
    pub fn new(_settings: &Wst846Settings, _connection: &Connection) -> Result<Wst846Hospital, HisError> {
        Err(HisError::Setup("adapter not built yet".into()))
    }
}

impl Hospital for Wst846Hospital {
    fn find_or_register<'a>(
        &'a self,
        _patient: &'a HisPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientNumber, HisError>> {
        Box::pin(async { Err(HisError::Setup("adapter not built yet".into())) })
    }

    fn sends(&self) -> Vec<Sent> {
        Vec::new()
    }
}
