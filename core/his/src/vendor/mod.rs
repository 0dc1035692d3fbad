//! (being built)

use crate::error::HisError;
use crate::patient::{HisPatient, PatientNumber, Sent};
use crate::settings::{Connection, VendorSettings};
use crate::{BoxFuture, Hospital};

#[derive(Debug)]
pub struct VendorHospital;

impl VendorHospital {
    pub fn new(_settings: &VendorSettings, _connection: &Connection) -> Result<VendorHospital, HisError> {
        Err(HisError::Setup("adapter not built yet".into()))
    }
}

impl Hospital for VendorHospital {
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
