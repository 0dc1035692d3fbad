//! The face_sid: the ticket `getWxpayfaceCode` returns, which `getWxpayAuth` and the facemch
//! query take. It identifies one patient's face session, so it is handled like personal data.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::identity::mask;

/// A face_sid: wiped on drop, masked in `Debug` and `Display`; the clear value only through
/// [`FaceSid::reveal`].
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct FaceSid(String);

impl FaceSid {
    /// Wraps a face_sid.
    pub fn new(value: impl Into<String>) -> Self {
        FaceSid(value.into())
    }

    /// The clear value, for `getWxpayAuth` and the facemch query only.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// What a diagnostic may show.
    pub fn masked(&self) -> String {
        mask::opaque(&self.0)
    }
}

impl fmt::Debug for FaceSid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FaceSid({})", self.masked())
    }
}

impl fmt::Display for FaceSid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let sid = FaceSid::new("9502ca24-d7e2-48d7-812f-ee6512cfa591_rt1");
        for shown in [format!("{sid:?}"), sid.to_string()] {
            assert!(!shown.contains("d7e2-48d7"), "{shown}");
        }
        assert_eq!(sid.reveal(), "9502ca24-d7e2-48d7-812f-ee6512cfa591_rt1");
    }
}
