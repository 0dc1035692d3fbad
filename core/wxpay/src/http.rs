//! One HTTPS client for every WeChat endpoint: rustls, the configured proxy, timeouts,
//! bounded retries with jittered backoff where a retry is safe, a User-Agent naming us, the
//! clock offset from each `Date` header, and a tracing span per call with no personal data.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use tracing::{Instrument, field};

use super::clock::ClockOffset;
use super::error::{Endpoint, WxpayError};
use crate::settings::{Proxy, Timeouts};

pub const USER_AGENT: &str = concat!(
    "facekiosk/",
    env!("CARGO_PKG_VERSION"),
    " (WeChat face real-name kiosk)"
);

/// The longest `Retry-After` we wait out; beyond it the patient is better served by an error.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(2);

/// The most of a response body read. WeChat's answers are a few KiB; a body without end (a
/// broken or hostile proxy) ends with an error instead of filling memory.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What came back: status, headers and the raw body (signatures cover the raw bytes).
pub struct Exchange {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The body may be the patient's encrypted identity and the headers may echo anything: only
/// their sizes are shown.
impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange")
            .field("status", &self.status)
            .field("headers", &format_args!("[{} headers]", self.headers.len()))
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// When a failed attempt is tried again, beyond connection failures, 429 and 5xx.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Also after a timeout: only for a request that is safe to repeat even if the first
    /// copy reached WeChat (a GET).
    pub on_timeout: bool,
    /// All attempts and the waits between them end by then; each attempt's timeout is cut
    /// to what is left.
    pub deadline: Option<Duration>,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn request_id(&self) -> Option<String> {
        self.header("Request-ID").map(str::to_owned)
    }
}

#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    retries: u32,
    request_timeout: Duration,
    clock: Arc<ClockOffset>,
}

impl Transport {
    pub fn new(timeouts: &Timeouts, proxy: Option<&Proxy>) -> Result<Self, WxpayError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .user_agent(USER_AGENT)
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            // WeChat never redirects; a 3xx comes from something in between, and following it
            // would send a signed request (and the face_sid in its URL) somewhere else.
            .redirect(reqwest::redirect::Policy::none())
            // The configured proxy, or none: never the environment's, which a kiosk image
            // may carry by accident.
            .no_proxy();
        if let Some(p) = proxy {
            let mut proxy = reqwest::Proxy::all(&p.url)
                .map_err(|e| WxpayError::Setup(format!("proxy.url: {e}")))?;
            if let Some(user) = &p.username {
                let password = p.password.as_ref().map(|s| s.expose()).unwrap_or_default();
                proxy = proxy.basic_auth(user, password);
            }
            builder = builder.proxy(proxy);
        }
        let client = builder
            .build()
            .map_err(|e| WxpayError::Setup(format!("HTTP client: {e}")))?;
        Ok(Self {
            client,
            retries: timeouts.retries,
            request_timeout: timeouts.request,
            clock: Arc::default(),
        })
    }

    pub fn clock(&self) -> &Arc<ClockOffset> {
        &self.clock
    }

    /// Sends the request `build` makes (called again for each attempt, so a signed request is
    /// signed afresh) and retries connection failures, 429 and 5xx. Callers pass only
    /// requests that are safe to repeat.
    pub async fn send(
        &self,
        endpoint: Endpoint,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Exchange, WxpayError> {
        self.send_with(endpoint, RetryPolicy::default(), build)
            .await
    }

    /// [`send`](Self::send), with timeouts retried too if `policy` says so, and everything
    /// within its deadline.
    pub async fn send_with(
        &self,
        endpoint: Endpoint,
        policy: RetryPolicy,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Exchange, WxpayError> {
        let first_started = Instant::now();
        let remaining = || {
            policy
                .deadline
                .map(|d| d.saturating_sub(first_started.elapsed()))
        };
        let span = tracing::info_span!(
            "wechat_call",
            endpoint = endpoint.as_str(),
            attempt = field::Empty,
            status = field::Empty,
            request_id = field::Empty,
            elapsed_ms = field::Empty,
        );
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let timeout = match remaining() {
                Some(left) => self.request_timeout.min(left),
                None => self.request_timeout,
            };
            let outcome = self
                .attempt(endpoint, &build, timeout)
                .instrument(span.clone())
                .await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            span.record("attempt", attempt)
                .record("elapsed_ms", elapsed_ms);
            let retry_in = match &outcome {
                Ok(x) => {
                    span.record("status", x.status);
                    if let Some(id) = x.request_id() {
                        span.record("request_id", id.as_str());
                    }
                    span.in_scope(|| {
                        tracing::info!(status = x.status, elapsed_ms, "WeChat answered")
                    });
                    retry_delay_for_status(x, attempt)
                }
                Err(e) => {
                    span.in_scope(|| {
                        tracing::warn!(code = e.code(), elapsed_ms, "WeChat call failed")
                    });
                    let retryable = match e {
                        WxpayError::Unreachable { .. } => true,
                        WxpayError::Timeout { .. } => policy.on_timeout,
                        _ => false,
                    };
                    retryable.then(|| backoff(attempt))
                }
            };
            // A retry needs time left for its wait and at least a short attempt.
            let in_time =
                |delay: Duration| remaining().is_none_or(|left| left > delay + MIN_ATTEMPT);
            match retry_in {
                Some(delay) if attempt <= self.retries && in_time(delay) => {
                    span.in_scope(|| {
                        tracing::info!(delay_ms = delay.as_millis() as u64, "retrying")
                    });
                    tokio::time::sleep(delay).await;
                }
                _ => return outcome,
            }
        }
    }

    async fn attempt(
        &self,
        endpoint: Endpoint,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<Exchange, WxpayError> {
        let mut response = build(&self.client)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| classify(endpoint, &e.without_url()))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // Every answer, an error or a redirect too, says what time WeChat (or whoever
        // answered) thinks it is.
        if let Some(date) = headers
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
        {
            self.clock.observe_date_header(date, super::unix_now());
        }
        if (300..400).contains(&status) {
            return Err(WxpayError::Redirected { endpoint, status });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| classify(endpoint, &e.without_url()))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(WxpayError::TooLarge {
                    endpoint,
                    cap: MAX_BODY_BYTES,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Exchange {
            status,
            headers,
            body,
        })
    }
}

/// The shortest attempt worth starting when a deadline is near.
const MIN_ATTEMPT: Duration = Duration::from_millis(500);

/// reqwest's messages include the URL, and ours carry the face_sid: the URL is stripped before
/// the error is looked at, and only the kind and the OS's reason are kept.
fn classify(endpoint: Endpoint, e: &reqwest::Error) -> WxpayError {
    if e.is_timeout() {
        return WxpayError::Timeout { endpoint };
    }
    let reason = if e.is_connect() {
        // The innermost cause names the OS error (refused, reset, DNS) without the URL.
        let mut source: &dyn std::error::Error = e;
        while let Some(inner) = source.source() {
            source = inner;
        }
        format!("connection failed: {source}")
    } else if e.is_body() || e.is_decode() {
        "the response was cut off".to_owned()
    } else {
        "the connection failed".to_owned()
    };
    WxpayError::Unreachable { endpoint, reason }
}

fn retry_delay_for_status(x: &Exchange, attempt: u32) -> Option<Duration> {
    if x.status != 429 && !(500..=599).contains(&x.status) {
        return None;
    }
    match x.header(RETRY_AFTER.as_str()).and_then(parse_retry_after) {
        Some(wait) if wait > MAX_RETRY_AFTER => None,
        Some(wait) => Some(wait),
        None => Some(backoff(attempt)),
    }
}

fn parse_retry_after(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.trim().parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// Exponential backoff with "equal jitter": half fixed, half random, capped.
fn backoff(attempt: u32) -> Duration {
    let exp = BACKOFF_BASE
        .saturating_mul(1 << attempt.saturating_sub(1).min(8))
        .min(BACKOFF_CAP);
    let half = exp / 2;
    half + half.mul_f64(rand::random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..20 {
            let d = backoff(attempt);
            let exp = BACKOFF_BASE
                .saturating_mul(1 << (attempt - 1).min(8))
                .min(BACKOFF_CAP);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    fn answer(status: u16, retry_after: &str) -> Exchange {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, retry_after.parse().unwrap());
        Exchange {
            status,
            headers,
            body: Vec::new(),
        }
    }

    #[test]
    fn absurd_retry_after_values_end_the_retries_without_panic() {
        let max = u64::MAX.to_string();
        assert_eq!(parse_retry_after(&max), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(retry_delay_for_status(&answer(503, &max), 1), None);
        assert_eq!(
            retry_delay_for_status(&answer(429, "Fri, 31 Dec 9999 23:59:59 GMT"), 1),
            None
        );
        // Not a number we can hold: treated as absent, so the usual backoff applies.
        let huge = retry_delay_for_status(&answer(503, "99999999999999999999999999"), 1);
        assert!(huge.is_some_and(|d| d <= BACKOFF_CAP));
        assert!(retry_delay_for_status(&answer(503, "-1"), 1).is_some_and(|d| d <= BACKOFF_CAP));
    }

    #[test]
    fn an_exchange_shows_no_body_or_header_values() {
        let x = Exchange {
            status: 200,
            headers: HeaderMap::new(),
            body: b"{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"}".to_vec(),
        };
        let shown = format!("{x:?}");
        assert!(!shown.contains("oUpF8u"), "{shown}");
        assert!(shown.contains("200"), "{shown}");
    }
}
