//! The one long-lived thread on which the server calls the [`FaceSdk`]. A JNI implementation
//! attaches it to the JVM once (short-lived attached threads are a known jni 0.22 hazard), and
//! the calls it makes are serialised with no lock in the implementation.

use std::fmt;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc;

use facekiosk_bridge_protocol::{Method, Params};
use tracing::warn;

use crate::sdk::{FaceSdk, SdkCallback, invoke};

type Task = Box<dyn FnOnce(&dyn FaceSdk) + Send>;

/// Handle to the SDK thread; the thread ends when every handle is dropped.
#[derive(Clone)]
pub struct SdkThread {
    tx: mpsc::Sender<Task>,
}

impl fmt::Debug for SdkThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SdkThread")
    }
}

/// The SDK thread is gone (it cannot be, short of a bug).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdkThreadGone;

impl SdkThread {
    /// Starts the thread `facekiosk-sdk`.
    pub fn spawn(sdk: Arc<dyn FaceSdk>) -> io::Result<SdkThread> {
        let (tx, rx) = mpsc::channel::<Task>();
        std::thread::Builder::new()
            .name("facekiosk-sdk".into())
            .spawn(move || {
                for task in rx {
                    if catch_unwind(AssertUnwindSafe(|| task(&*sdk))).is_err() {
                        warn!(
                            "the FaceSdk implementation panicked; the call ends with SDK_EXCEPTION"
                        );
                    }
                }
            })?;
        Ok(SdkThread { tx })
    }

    /// Queues `method` on the SDK thread and returns at once; the outcome comes through
    /// `callback`. If the method panics, the callback is dropped (SDK_EXCEPTION).
    pub fn invoke(
        &self,
        method: Method,
        params: Params,
        callback: SdkCallback,
    ) -> Result<(), SdkThreadGone> {
        self.tx
            .send(Box::new(move |sdk: &dyn FaceSdk| {
                invoke(sdk, method, params, callback)
            }))
            .map_err(|_| SdkThreadGone)
    }
}
