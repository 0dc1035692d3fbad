//! (being built)

use crate::error::HisError;
use crate::patient::{HisPatient, PatientNumber, Sent};
use crate::settings::{Connection, FhirSettings};
use crate::{BoxFuture, Hospital};

#[derive(Debug)]
pub struct FhirHospital;

impl FhirHospital {
    pub fn new(_settings: &FhirSettings, _connection: &Connection) -> Result<FhirHospital, HisError> {
        Err(HisError::Setup("adapter not built yet".into()))
    }
}

impl Hospital for FhirHospital {
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
