use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::clock::Clock;
use facekiosk_pii::Secret;

/// A clock that moves only when told to (tests of lifetimes measured in hours).
#[derive(Debug)]
struct ManualClock {
    start: Instant,
    elapsed: std::sync::Mutex<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock {
            start: Instant::now(),
            elapsed: std::sync::Mutex::new(Duration::ZERO),
        }
    }
}

impl ManualClock {
    fn advance(&self, by: Duration) {
        *self.elapsed.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A cache on a clock the test moves.
fn cache_on(clock: &Arc<ManualClock>) -> AuthinfoCache {
    AuthinfoCache::with_clock(clock.clone())
}

fn scope() -> Scope {
    Scope {
        device_id: "KIOSK-07".into(),
        appid: "wxd930ea5d5a258f4f".into(),
        mch_id: "1900000109".into(),
        sub_appid: None,
        sub_mch_id: None,
        store_id: "HOSP-001".into(),
    }
}

fn token(n: usize) -> Authinfo {
    Authinfo {
        authinfo: Secret::new(format!("token-{n}")),
        expires_in: 3600,
    }
}

#[tokio::test]
async fn ten_concurrent_sessions_cause_one_fetch() {
    let cache = Arc::new(AuthinfoCache::new());
    let calls = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (cache, calls) = (cache.clone(), calls.clone());
            tokio::spawn(async move {
                cache
                    .get(&scope(), || async {
                        let n = calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        Ok::<_, WxpayError>(token(n))
                    })
                    .await
                    .unwrap()
            })
        })
        .collect();
    for t in tasks {
        let (auth, _) = t.await.unwrap();
        assert_eq!(auth.authinfo.expose(), "token-0");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn refreshes_before_expiry_and_scopes_are_separate() {
    let clock = Arc::new(ManualClock::default());
    let cache = cache_on(&clock);
    let fetch = |n| move || async move { Ok::<_, WxpayError>(token(n)) };
    assert_eq!(
        cache.get(&scope(), fetch(1)).await.unwrap().1,
        Source::Fetched
    );
    clock.advance(Duration::from_secs(3000));
    let (a, src) = cache.get(&scope(), fetch(2)).await.unwrap();
    assert_eq!((a.authinfo.expose(), src), ("token-1", Source::Cache));
    // 3600 s lifetime: refreshed in its last 300 s.
    clock.advance(Duration::from_secs(301));
    let (a, src) = cache.get(&scope(), fetch(3)).await.unwrap();
    assert_eq!((a.authinfo.expose(), src), ("token-3", Source::Fetched));
    let other = Scope {
        store_id: "HOSP-002".into(),
        ..scope()
    };
    assert_eq!(
        cache.get(&other, fetch(4)).await.unwrap().1,
        Source::Fetched
    );
}

#[tokio::test]
async fn failed_refresh_keeps_a_valid_token_but_not_an_expired_one() {
    let clock = Arc::new(ManualClock::default());
    let cache = cache_on(&clock);
    cache
        .get(&scope(), || async { Ok::<_, WxpayError>(token(1)) })
        .await
        .unwrap();
    let fail = || async {
        Err(WxpayError::Timeout {
            endpoint: crate::error::Endpoint::Authinfo,
        })
    };
    clock.advance(Duration::from_secs(3400));
    let (a, src) = cache.get(&scope(), fail).await.unwrap();
    assert_eq!(
        (a.authinfo.expose(), src),
        ("token-1", Source::StaleAfterFailedRefresh)
    );
    clock.advance(Duration::from_secs(200));
    let err = cache.get(&scope(), fail).await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_TIMEOUT");
}

#[tokio::test]
async fn invalidate_forces_a_fetch() {
    let cache = AuthinfoCache::new();
    cache
        .get(&scope(), || async { Ok::<_, WxpayError>(token(1)) })
        .await
        .unwrap();
    cache.invalidate(&scope()).await;
    let (a, src) = cache
        .get(&scope(), || async { Ok::<_, WxpayError>(token(2)) })
        .await
        .unwrap();
    assert_eq!((a.authinfo.expose(), src), ("token-2", Source::Fetched));
}

#[tokio::test]
async fn an_absurd_lifetime_neither_panics_nor_outlives_a_day() {
    let clock = Arc::new(ManualClock::default());
    let cache = cache_on(&clock);
    let forever = || async {
        Ok::<_, WxpayError>(Authinfo {
            authinfo: Secret::new("forever"),
            expires_in: u64::MAX,
        })
    };
    cache.get(&scope(), forever).await.unwrap();
    clock.advance(Duration::from_secs(MAX_EXPIRES_IN));
    let (a, src) = cache
        .get(&scope(), || async { Ok::<_, WxpayError>(token(2)) })
        .await
        .unwrap();
    assert_eq!((a.authinfo.expose(), src), ("token-2", Source::Fetched));
}
