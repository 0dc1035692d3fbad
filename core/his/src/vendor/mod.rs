//! `adapter = "http"`: a hospital's own vendor self-service interface (one endpoint, a trade
//! code, a JSON or XML payload), driven by a site profile, because each vendor names the fields
//! and codes sex its own way (天瑞 0 = male, others 1 = male).
//!
//! Query before create when the site has a query trade; a site without one must answer a
//! repeated create with the same patient (`create_is_idempotent`), which the profile says.

mod answer;
mod profile;
mod request;
#[cfg(test)]
mod tests;

use std::path::Path;

use crate::error::HisError;
use crate::patient::{HisPatient, PatientNumber, Sent};
use crate::settings::{Connection, VendorSettings};
use crate::transport::{Repeat, Transport};
use crate::{BoxFuture, Hospital};

pub use answer::{Outcome, read_answer};
pub use profile::{Problem, Profile, parse as parse_profile};
pub use request::{Request, Trade, build as build_request};

#[derive(Debug)]
pub struct VendorHospital {
    profile: Profile,
    url: String,
    transport: Transport,
}

impl VendorHospital {
    /// Reads and checks the profile `settings.profile` names, and the URL.
    pub fn new(
        settings: &VendorSettings,
        connection: &Connection,
    ) -> Result<VendorHospital, HisError> {
        let profile = read_profile(&settings.profile)?;
        let transport = Transport::new(profile::SYSTEM, "url", &settings.url, connection)?;
        Ok(VendorHospital {
            profile,
            url: settings.url.clone(),
            transport,
        })
    }

    async fn call(&self, trade: Trade, patient: &HisPatient<'_>) -> Result<Outcome, HisError> {
        let request = build_request(&self.profile, trade, patient)?;
        let repeat = match trade {
            Trade::Query => Repeat::Safe,
            Trade::Create if self.profile.trades.create_is_idempotent => Repeat::Safe,
            Trade::Create => Repeat::Once,
        };
        let answer = self
            .transport
            .send(repeat, |client| {
                let mut builder = client
                    .post(&self.url)
                    .header(reqwest::header::CONTENT_TYPE, request.content_type)
                    .body(request.body.to_vec());
                if let Some((name, value)) = &request.header {
                    builder = builder.header(name.as_str(), value.as_str());
                }
                builder
            })
            .await?;
        if !answer.status.is_success() {
            return Err(HisError::Status {
                system: profile::SYSTEM,
                status: answer.status.as_u16(),
            });
        }
        read_answer(&self.profile, trade, &answer.body)
    }
}

/// The profile file, or every problem it has, each naming its key.
pub fn read_profile(path: &Path) -> Result<Profile, HisError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        HisError::Setup(format!("profile {}: cannot be read ({e})", path.display()))
    })?;
    parse_profile(&text).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        HisError::Setup(format!("profile {}: {}", path.display(), list.join("; ")))
    })
}

impl Hospital for VendorHospital {
    fn find_or_register<'a>(
        &'a self,
        patient: &'a HisPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientNumber, HisError>> {
        Box::pin(async move {
            if self.profile.trades.query.is_some()
                && let Outcome::Number(number) = self.call(Trade::Query, patient).await?
            {
                return Ok(number);
            }
            match self.call(Trade::Create, patient).await? {
                Outcome::Number(number) => Ok(number),
                // The reader answers NotFound only to a query.
                Outcome::NotFound => Err(HisError::malformed(
                    profile::SYSTEM,
                    "answer.code",
                    "says not found to a create",
                )),
            }
        })
    }

    fn sends(&self) -> Vec<Sent> {
        self.profile.sends()
    }
}
