//! What WeChat answers has been accepted, remembered for as long as the answer could still
//! pass its checks. A signed answer stays valid for WeChat's 300-second window (APIv3) or an
//! authinfo's lifetime (APIv2), so a TLS-inspecting proxy could serve it again; the second
//! copy is refused. Only a digest is kept, never the answer.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Enough for hundreds of answers a minute over the longest window; genuine answers are a
/// few per patient, and forged ones never get here (they fail their signature first).
pub const MAX_REMEMBERED: usize = 4096;

pub struct ReplayGuard {
    seen: Mutex<HashMap<[u8; 32], Instant>>,
    cap: usize,
}

/// Thousands of digests say nothing to a reader of a client's `Debug`: their count does.
impl std::fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplayGuard")
            .field("remembered", &self.len())
            .field("cap", &self.cap)
            .finish()
    }
}

impl Default for ReplayGuard {
    fn default() -> Self {
        Self::with_capacity(MAX_REMEMBERED)
    }
}

impl ReplayGuard {
    pub fn with_capacity(cap: usize) -> Self {
        Self {
            seen: Mutex::default(),
            cap: cap.max(1),
        }
    }

    /// The digest an answer is remembered by: its parts, length-prefixed so that no two
    /// different lists of parts give the same bytes.
    pub fn digest(parts: &[&[u8]]) -> [u8; 32] {
        let mut h = Sha256::new();
        for part in parts {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.finalize().into()
    }

    /// True the first time `digest` is seen within `ttl` of `now`, false for a repeat.
    pub fn first_seen(&self, digest: [u8; 32], ttl: Duration, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.get(&digest).is_some_and(|until| now < *until) {
            return false;
        }
        if seen.len() >= self.cap {
            seen.retain(|_, until| now < *until);
        }
        if seen.len() >= self.cap
            && let Some(oldest) = seen
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(d, _)| *d)
        {
            // Full of live entries: the one closest to expiry goes, so memory stays bounded.
            seen.remove(&oldest);
        }
        let until = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(Duration::from_secs(86_400)))
            .unwrap_or(now);
        seen.insert(digest, until);
        true
    }

    pub fn len(&self) -> usize {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TTL: Duration = Duration::from_secs(600);

    #[test]
    fn a_repeat_is_refused_until_the_window_ends() {
        let guard = ReplayGuard::default();
        let t0 = Instant::now();
        let d = ReplayGuard::digest(&[b"1700000000", b"nonce", b"sig"]);
        assert!(guard.first_seen(d, TTL, t0));
        assert!(!guard.first_seen(d, TTL, t0 + Duration::from_secs(599)));
        assert!(guard.first_seen(d, TTL, t0 + TTL));
    }

    #[test]
    fn parts_do_not_run_into_each_other() {
        assert_ne!(
            ReplayGuard::digest(&[b"ab", b"c"]),
            ReplayGuard::digest(&[b"a", b"bc"])
        );
    }

    #[test]
    fn memory_is_bounded() {
        let guard = ReplayGuard::with_capacity(8);
        let t0 = Instant::now();
        for i in 0u32..100 {
            let d = ReplayGuard::digest(&[&i.to_be_bytes()]);
            assert!(guard.first_seen(d, TTL, t0 + Duration::from_millis(i.into())));
            assert!(guard.len() <= 8);
        }
        // The most recent answers are still remembered.
        let last = ReplayGuard::digest(&[&99u32.to_be_bytes()]);
        assert!(!guard.first_seen(last, TTL, t0 + Duration::from_millis(100)));
    }

    #[test]
    fn an_absurd_ttl_does_not_panic() {
        let guard = ReplayGuard::default();
        assert!(guard.first_seen([0; 32], Duration::MAX, Instant::now()));
    }
}
