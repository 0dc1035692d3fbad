//! The authinfo cache. An authinfo is reusable for `expires_in` seconds on the same device
//! with the same appid, mch_id, sub ids and store_id, so a warm patient session costs no
//! call to payapp at all. Refreshed early, once for any number of waiting sessions, and a
//! failed refresh keeps serving the token it was meant to replace while that is still valid.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use std::time::Instant;

use tokio::sync::Mutex;

use crate::WxpayError;
use crate::authinfo::{Authinfo, MAX_EXPIRES_IN};
use crate::clock::{Clock, SystemClock};
use crate::settings::WxpaySettings;

/// A failed fetch, as the cache logs it: by code, since a message may quote a response.
pub trait FetchError {
    fn code(&self) -> &'static str;
}

impl FetchError for WxpayError {
    fn code(&self) -> &'static str {
        WxpayError::code(self)
    }
}

/// What an authinfo is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    pub device_id: String,
    pub appid: String,
    pub mch_id: String,
    pub sub_appid: Option<String>,
    pub sub_mch_id: Option<String>,
    pub store_id: String,
}

impl Scope {
    pub fn of(config: &WxpaySettings) -> Self {
        Self {
            device_id: config.device_id.clone(),
            appid: config.merchant.appid.clone(),
            mch_id: config.merchant.mch_id.clone(),
            sub_appid: config.merchant.sub_appid.clone(),
            sub_mch_id: config.merchant.sub_mch_id.clone(),
            store_id: config.store.store_id.clone(),
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    authinfo: Authinfo,
    fetched: Instant,
    expires: Instant,
}

impl Entry {
    fn is_valid(&self, now: Instant) -> bool {
        now < self.expires
    }

    /// Fresh enough not to refresh: before the last `margin` of its life.
    fn is_fresh(&self, now: Instant, margin: Duration) -> bool {
        now.checked_add(margin).is_some_and(|t| t < self.expires)
    }
}

/// How early to refresh: a tenth of the lifetime, at least 60 s, at most 5 min.
fn margin_for(expires_in: Duration) -> Duration {
    (expires_in / 10)
        .clamp(Duration::from_secs(60), Duration::from_secs(300))
        .min(expires_in / 2)
}

#[derive(Debug)]
pub struct AuthinfoCache {
    slots: std::sync::Mutex<HashMap<Scope, Arc<Mutex<Option<Entry>>>>>,
    clock: Arc<dyn Clock>,
}

impl Default for AuthinfoCache {
    fn default() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }
}

/// Where the token came from, for diagnostics and for counting round trips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Cache,
    Fetched,
    /// The refresh failed; the previous token is still valid and was served.
    StaleAfterFailedRefresh,
}

impl AuthinfoCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// A cache whose tokens age by `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        AuthinfoCache {
            slots: Default::default(),
            clock,
        }
    }

    fn slot(&self, scope: &Scope) -> Arc<Mutex<Option<Entry>>> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(scope.clone()).or_default().clone()
    }

    /// The cached authinfo for `scope`, or a new one from `fetch`. Concurrent callers for
    /// the same scope wait for one fetch instead of each making their own.
    pub async fn get<F, Fut, E>(&self, scope: &Scope, fetch: F) -> Result<(Authinfo, Source), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Authinfo, E>>,
        E: FetchError,
    {
        let slot = self.slot(scope);
        // Holding the slot's lock across the fetch is what makes it single-flight.
        let mut entry = slot.lock().await;
        let now = self.clock.now();
        if let Some(e) = entry.as_ref() {
            let lifetime = e.expires - e.fetched;
            if e.is_fresh(now, margin_for(lifetime)) {
                return Ok((e.authinfo.clone(), Source::Cache));
            }
        }
        match fetch().await {
            Ok(authinfo) => {
                let fetched = self.clock.now();
                // `expires_in` came from outside: bounded, and added without overflow.
                let lifetime = Duration::from_secs(authinfo.expires_in.min(MAX_EXPIRES_IN));
                let expires = fetched.checked_add(lifetime).unwrap_or(fetched);
                *entry = Some(Entry {
                    authinfo: authinfo.clone(),
                    fetched,
                    expires,
                });
                Ok((authinfo, Source::Fetched))
            }
            Err(err) => match entry.as_ref() {
                Some(e) if e.is_valid(self.clock.now()) => {
                    tracing::warn!(
                        code = err.code(),
                        "authinfo refresh failed; serving the still-valid token"
                    );
                    Ok((e.authinfo.clone(), Source::StaleAfterFailedRefresh))
                }
                _ => Err(err),
            },
        }
    }

    /// Forgets the token for `scope` (the face SDK said it is no longer accepted).
    pub async fn invalidate(&self, scope: &Scope) {
        *self.slot(scope).lock().await = None;
    }
}

#[cfg(test)]
mod tests;
