//! The `Authorization` header of APIv3, both ways: we write it, the sandbox (and technicians
//! checking a captured request) read it. Its five fields may come in any order.

use std::fmt;

use thiserror::Error;

pub const SCHEMA: &str = "WECHATPAY2-SHA256-RSA2048";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub mchid: String,
    pub nonce_str: String,
    pub signature: String,
    pub timestamp: String,
    pub serial_no: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthorizationError {
    #[error("does not start with `{SCHEMA} `")]
    Schema,
    #[error("item {0} is not of the form name=\"value\"")]
    Item(usize),
    #[error("has an unknown field `{0}`")]
    UnknownField(String),
    #[error("has `{0}` twice")]
    Duplicate(&'static str),
    #[error("lacks `{0}`")]
    Missing(&'static str),
    #[error("has an empty `{0}`")]
    Empty(&'static str),
    #[error("has a timestamp that is not in whole seconds")]
    Timestamp,
}

const FIELDS: [&str; 5] = ["mchid", "nonce_str", "signature", "timestamp", "serial_no"];

impl Authorization {
    pub fn parse(header: &str) -> Result<Self, AuthorizationError> {
        let rest = header
            .strip_prefix(SCHEMA)
            .and_then(|r| r.strip_prefix(' '))
            .ok_or(AuthorizationError::Schema)?;
        let mut values: [Option<String>; 5] = Default::default();
        for (i, item) in rest.split(',').enumerate() {
            let (name, value) = item
                .trim()
                .split_once('=')
                .and_then(|(n, v)| Some((n, v.strip_prefix('"')?.strip_suffix('"')?)))
                .ok_or(AuthorizationError::Item(i + 1))?;
            let slot = FIELDS
                .iter()
                .position(|f| *f == name)
                .ok_or_else(|| AuthorizationError::UnknownField(name.chars().take(32).collect()))?;
            if values[slot].replace(value.to_owned()).is_some() {
                return Err(AuthorizationError::Duplicate(FIELDS[slot]));
            }
        }
        let mut take = |slot: usize| -> Result<String, AuthorizationError> {
            let v = values[slot]
                .take()
                .ok_or(AuthorizationError::Missing(FIELDS[slot]))?;
            if v.is_empty() {
                return Err(AuthorizationError::Empty(FIELDS[slot]));
            }
            Ok(v)
        };
        let auth = Self {
            mchid: take(0)?,
            nonce_str: take(1)?,
            signature: take(2)?,
            timestamp: take(3)?,
            serial_no: take(4)?,
        };
        if !auth.timestamp.bytes().all(|b| b.is_ascii_digit()) || auth.timestamp.len() > 10 {
            return Err(AuthorizationError::Timestamp);
        }
        Ok(auth)
    }
}

/// In the order of WeChat's own documentation example.
impl fmt::Display for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SCHEMA} mchid=\"{}\",nonce_str=\"{}\",signature=\"{}\",timestamp=\"{}\",serial_no=\"{}\"",
            self.mchid, self.nonce_str, self.signature, self.timestamp, self.serial_no
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_order_and_round_trips() {
        let a = Authorization::parse(
            r#"WECHATPAY2-SHA256-RSA2048 serial_no="ABC", signature="c2ln", timestamp="1624523846",mchid="1900000109",nonce_str="N1""#,
        )
        .unwrap();
        assert_eq!(a.mchid, "1900000109");
        assert_eq!(a.serial_no, "ABC");
        assert_eq!(Authorization::parse(&a.to_string()).unwrap(), a);
    }

    #[test]
    fn names_what_is_wrong() {
        use AuthorizationError::*;
        let ok = r#"mchid="1",nonce_str="n",signature="s",timestamp="1",serial_no="x""#;
        assert_eq!(Authorization::parse(ok), Err(Schema));
        let p = |s: &str| Authorization::parse(&format!("{SCHEMA} {s}"));
        assert!(p(ok).is_ok());
        assert_eq!(
            p(r#"mchid="1",nonce_str="n",signature="s",timestamp="1""#),
            Err(Missing("serial_no"))
        );
        assert_eq!(p(&format!(r#"{ok},mchid="2""#)), Err(Duplicate("mchid")));
        assert_eq!(p(&format!(r#"{ok},x="2""#)), Err(UnknownField("x".into())));
        assert_eq!(p(r#"mchid=1"#), Err(Item(1)));
        assert_eq!(
            p(r#"mchid="",nonce_str="n",signature="s",timestamp="1",serial_no="x""#),
            Err(Empty("mchid"))
        );
        assert_eq!(
            p(r#"mchid="1",nonce_str="n",signature="s",timestamp="1624523846000",serial_no="x""#),
            Err(Timestamp)
        );
    }
}
