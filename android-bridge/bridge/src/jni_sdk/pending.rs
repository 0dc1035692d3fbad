//! Calls waiting for their Java callback, by handle (the `long` a `NativeCallback` carries).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::sdk::SdkCallback;

static NEXT: AtomicI64 = AtomicI64::new(1);
static PENDING: Mutex<Option<HashMap<i64, SdkCallback>>> = Mutex::new(None);

fn table() -> MutexGuard<'static, Option<HashMap<i64, SdkCallback>>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Registers a call before it is made (the SDK may answer synchronously). Also forgets calls
/// nobody waits for any more (timed out while the SDK stayed silent).
pub(crate) fn register(callback: SdkCallback) -> i64 {
    let handle = NEXT.fetch_add(1, Ordering::Relaxed);
    let mut table = table();
    let table = table.get_or_insert_with(HashMap::new);
    table.retain(|_, cb| !cb.is_abandoned());
    table.insert(handle, callback);
    handle
}

/// Removes and returns the call's callback (once).
pub(crate) fn take(handle: i64) -> Option<SdkCallback> {
    table().as_mut()?.remove(&handle)
}
