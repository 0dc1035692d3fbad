//! The one HTTP client of every adapter: bounded in time and size, no redirects, plain http
//! only on loopback, its secrets from owner-only files, and a retry only for a call the
//! adapter says is safe to repeat.

use std::path::Path;
use std::time::Duration;

use facekiosk_pii::{Secret, secret_file};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Client, RequestBuilder, StatusCode};

use crate::error::HisError;
use crate::settings::{Auth, Connection};

/// The most of an answer read: a patient record is a few KiB.
pub(crate) const MAX_ANSWER: usize = 256 * 1024;

/// Whether a call may be sent again when it may or may not have arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// A query (or a conditional create the server makes idempotent).
    Safe,
    /// A create: sent once.
    Once,
}

/// An answer read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub content_type: Option<String>,
    /// `Location`: where a created resource is (FHIR answers a create with it, and may send
    /// no body).
    pub location: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug)]
pub(crate) struct Transport {
    client: Client,
    /// Named in every error.
    system: &'static str,
    bearer: Option<Secret>,
    retries: u32,
    request_timeout: Duration,
}

impl Transport {
    /// A client for `url` (checked: https, or http on loopback).
    pub fn new(
        system: &'static str,
        url_field: &str,
        url: &str,
        connection: &Connection,
    ) -> Result<Transport, HisError> {
        check_url(url_field, url)?;
        let mut builder = Client::builder()
            .connect_timeout(connection.connect_timeout)
            .timeout(connection.request_timeout)
            // A hospital system does not redirect a registration; a 3xx is a proxy or a
            // wrong URL, and following it could send the patient elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("facekiosk/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &connection.ca_file {
            let pem = read_file("ca_file", ca)?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|_| setup("ca_file", ca, "is not a PEM certificate bundle"))?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let mut bearer = None;
        match &connection.auth {
            Auth::None => {}
            Auth::Bearer { token_file } => {
                let token = read_secret("bearer_token_file", token_file)?;
                let token = String::from_utf8(token.to_vec())
                    .ok()
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic()))
                    .ok_or_else(|| {
                        setup(
                            "bearer_token_file",
                            token_file,
                            "must hold one token of printable ASCII",
                        )
                    })?;
                bearer = Some(Secret::new(token));
            }
            Auth::ClientCertificate { certificate, key } => {
                let mut pem = read_file("client_certificate", certificate)?;
                let key_pem = read_secret("client_key", key)?;
                pem.extend_from_slice(&key_pem);
                let identity = reqwest::Identity::from_pem(&pem).map_err(|_| {
                    setup(
                        "client_certificate",
                        certificate,
                        "and client_key are not a PEM certificate and its private key",
                    )
                })?;
                zeroize::Zeroize::zeroize(&mut pem);
                builder = builder.identity(identity);
            }
        }
        let client = builder
            .build()
            .map_err(|e| HisError::Setup(format!("cannot build the HTTP client: {e}")))?;
        Ok(Transport {
            client,
            system,
            bearer,
            retries: connection.retries,
            request_timeout: connection.request_timeout,
        })
    }

    /// Sends what `build` makes (again, for a retry), reads the answer whole (at most
    /// [`MAX_ANSWER`]). Retries a [`Repeat::Safe`] call after a failure to connect, a timeout
    /// or a 502/503/504.
    pub async fn send(
        &self,
        repeat: Repeat,
        build: impl Fn(&Client) -> RequestBuilder,
    ) -> Result<Answer, HisError> {
        let tries = match repeat {
            Repeat::Safe => 1 + self.retries,
            Repeat::Once => 1,
        };
        let mut last = None;
        for attempt in 0..tries {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
            let mut request = build(&self.client);
            if let Some(token) = &self.bearer {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| HisError::Setup("bearer_token_file: not a header value".into()))?;
                value.set_sensitive(true);
                let mut headers = HeaderMap::new();
                headers.insert(AUTHORIZATION, value);
                request = request.headers(headers);
            }
            match self.once(request).await {
                Ok(answer) if retry_status(answer.status) && attempt + 1 < tries => {
                    last = Some(HisError::Status {
                        system: self.system,
                        status: answer.status.as_u16(),
                    });
                }
                Ok(answer) => return Ok(answer),
                Err(e) if e.is_transient() && attempt + 1 < tries => last = Some(e),
                Err(e) => return Err(e),
            }
            tracing::warn!(
                system = self.system,
                attempt = attempt + 1,
                "the hospital's system did not answer; trying again"
            );
        }
        Err(last.unwrap_or(HisError::Timeout {
            system: self.system,
            ms: self.request_timeout.as_millis() as u64,
        }))
    }

    async fn once(&self, request: RequestBuilder) -> Result<Answer, HisError> {
        let mut response = request.send().await.map_err(|e| self.failure(e))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(HisError::malformed(
                self.system,
                "status",
                format!(
                    "is a redirect ({}): check the URL and any proxy in between",
                    status.as_u16()
                ),
            ));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failure(e))? {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(HisError::malformed(
                    self.system,
                    "body",
                    format!("is longer than {} KiB", MAX_ANSWER / 1024),
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            content_type,
            location,
            body,
        })
    }

    /// A reqwest error in our terms. Never its URL: a query's URL may carry the ID number.
    fn failure(&self, e: reqwest::Error) -> HisError {
        if e.is_timeout() {
            return HisError::Timeout {
                system: self.system,
                ms: self.request_timeout.as_millis() as u64,
            };
        }
        let e = e.without_url();
        let detail = if e.is_connect() {
            "connection failed"
        } else if e.is_body() || e.is_decode() {
            "the answer broke off"
        } else {
            "the request failed"
        };
        // The source chain (refused, reset, TLS) helps the technician and holds no values.
        let mut cause = String::new();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            cause = s.to_string();
            source = s.source();
        }
        HisError::Unreachable {
            system: self.system,
            detail: if cause.is_empty() {
                detail.to_owned()
            } else {
                format!("{detail}: {cause}")
            },
        }
    }
}

fn retry_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}

/// https, or http to this machine (the sandbox); no credentials in it.
pub(crate) fn check_url(field: &str, url: &str) -> Result<(), HisError> {
    let bad = |problem: &str| HisError::Setup(format!("{field} {problem}"));
    let parsed = url::Url::parse(url).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(bad("has no host")),
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(bad(
                "must use https: the patient's name and ID number travel in it (plain http is \
                 allowed only on loopback, for the sandbox)",
            ));
        }
        other => return Err(bad(&format!("must be an https URL, not {other}"))),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad(
            "must not carry credentials; use bearer_token_file or client_certificate",
        ));
    }
    Ok(())
}

fn setup(field: &str, path: &Path, problem: &str) -> HisError {
    HisError::Setup(format!("{field} {}: {problem}", path.display()))
}

fn read_file(field: &str, path: &Path) -> Result<Vec<u8>, HisError> {
    std::fs::read(path).map_err(|e| setup(field, path, &format!("cannot be read ({e})")))
}

/// A secret's file: refused when anyone but its owner may read it.
fn read_secret(field: &str, path: &Path) -> Result<zeroize::Zeroizing<Vec<u8>>, HisError> {
    match secret_file::exposed(path) {
        Ok(Some(exposure)) => {
            return Err(setup(
                field,
                path,
                &format!(
                    "may be read by others ({exposure}); run `{}`",
                    exposure.fix(path)
                ),
            ));
        }
        Ok(None) => {}
        Err(e) => return Err(setup(field, path, &format!("cannot be read ({e})"))),
    }
    read_file(field, path).map(zeroize::Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_off_this_machine_must_be_https() {
        assert!(check_url("url", "https://his.example.cn/api").is_ok());
        assert!(check_url("url", "http://127.0.0.1:8080/fhir").is_ok());
        let err = check_url("url", "http://his.example.cn/api").unwrap_err();
        assert!(
            err.to_string().contains("[his] url must use https"),
            "{err}"
        );
        let err = check_url("base_url", "https://u:p@his.example.cn").unwrap_err();
        assert!(err.to_string().contains("credentials"), "{err}");
        assert!(check_url("url", "ftp://his").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_token_file_others_may_read_is_refused_naming_the_field() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "abc\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let connection = Connection {
            auth: Auth::Bearer {
                token_file: file.clone(),
            },
            ..Connection::default()
        };
        let err = Transport::new("FHIR server", "base_url", "http://127.0.0.1:1", &connection)
            .unwrap_err();
        assert!(
            err.to_string().contains("bearer_token_file") && err.to_string().contains("644"),
            "{err}"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        Transport::new("FHIR server", "base_url", "http://127.0.0.1:1", &connection).unwrap();
    }
}
