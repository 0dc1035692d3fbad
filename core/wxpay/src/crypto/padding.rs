//! The RSA encryption paddings the facemch fields may come in (its own module: both the
//! operations and the AWS-LC keys under them name it).

/// How the facemch fields are padded. WeChat uses PKCS#1 v1.5 for this API (unlike the rest of
/// APIv3, which uses OAEP); OAEP-SHA1 is kept as a configurable fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Padding {
    #[default]
    Pkcs1v15,
    OaepSha1,
}

impl Padding {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pkcs1" => Some(Self::Pkcs1v15),
            "oaep" => Some(Self::OaepSha1),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Pkcs1v15 => "pkcs1",
            Self::OaepSha1 => "oaep",
        }
    }
}
