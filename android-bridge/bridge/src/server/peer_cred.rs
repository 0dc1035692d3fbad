//! Who may connect to the abstract socket. Abstract sockets have no file permissions, so any
//! app on the device could connect; like Chromium's DevTools socket, the bridge admits only root
//! (0), the shell (2000, which is what adbd's forward connects as) and its own uid.

use std::os::unix::fs::MetadataExt;

/// uid of root.
pub const ROOT_UID: u32 = 0;
/// uid of Android's `shell` user (adbd's forwards).
pub const SHELL_UID: u32 = 2000;

/// The uids allowed to connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerPolicy {
    allowed: Vec<u32>,
}

impl PeerPolicy {
    /// Root, the shell and this process's own uid.
    pub fn for_this_process() -> Self {
        let mut allowed = vec![ROOT_UID, SHELL_UID];
        if let Some(own) = own_uid() {
            allowed.push(own);
        }
        Self::only(allowed)
    }

    /// Exactly these uids.
    pub fn only(uids: impl IntoIterator<Item = u32>) -> Self {
        let mut allowed: Vec<u32> = uids.into_iter().collect();
        allowed.sort_unstable();
        allowed.dedup();
        PeerPolicy { allowed }
    }

    /// Whether a peer with this uid may connect.
    pub fn allows(&self, uid: u32) -> bool {
        self.allowed.contains(&uid)
    }

    /// The allowed uids, sorted.
    pub fn allowed_uids(&self) -> &[u32] {
        &self.allowed
    }
}

/// The uid this process runs as: the owner of `/proc/self` (no `unsafe` `getuid` needed).
pub fn own_uid() -> Option<u32> {
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_root_shell_and_own_uid_only() {
        let policy = PeerPolicy::only([ROOT_UID, SHELL_UID, 10_123]);
        assert!(policy.allows(0));
        assert!(policy.allows(2000));
        assert!(policy.allows(10_123));
        assert!(!policy.allows(10_124));
        assert!(!policy.allows(1000));
        assert!(!policy.allows(u32::MAX));
    }

    #[test]
    fn this_process_is_allowed_by_default() {
        let own = own_uid().expect("/proc/self readable");
        let policy = PeerPolicy::for_this_process();
        assert!(policy.allows(own) && policy.allows(0) && policy.allows(2000));
        assert!(policy.allowed_uids().len() <= 3);
    }
}
