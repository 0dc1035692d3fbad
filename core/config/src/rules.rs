//! The rules each field must follow. Each returns the sentence a staff member reads.

pub fn max_chars(max: usize) -> impl Fn(&str) -> Result<(), String> {
    move |v| {
        let n = v.chars().count();
        if n > max {
            return Err(format!("must be at most {max} characters (it has {n})"));
        }
        no_four_byte(v)
    }
}

/// WeChat's APIv2 refuses 4-byte UTF-8 characters (emoji, rare CJK extensions).
pub fn no_four_byte(v: &str) -> Result<(), String> {
    if v.chars().any(|c| c.len_utf8() == 4) {
        return Err(
            "must not contain emoji or other 4-byte UTF-8 characters (WeChat refuses them)".into(),
        );
    }
    if v.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(())
}

pub fn appid(v: &str) -> Result<(), String> {
    let ok = v.starts_with("wx") && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err("must be a WeChat appid: `wx` then letters and digits".into())
    }
}

pub fn mch_id(v: &str) -> Result<(), String> {
    if !v.is_empty() && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("must be a merchant number: digits only, at most 32".into())
    }
}

pub fn serial(v: &str) -> Result<(), String> {
    if !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err("must be a certificate serial in hex, as the merchant platform shows it".into())
    }
}

pub fn public_key_id(v: &str) -> Result<(), String> {
    if v.starts_with("PUB_KEY_ID_") && v.len() <= 64 {
        Ok(())
    } else {
        Err("must be the WeChat Pay public key id, which starts with PUB_KEY_ID_".into())
    }
}

pub fn endpoint(v: &str) -> Result<(), String> {
    let url = url::Url::parse(v).map_err(|e| format!("is not a URL ({e})"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err("has no host".into()),
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => {
            Err("must use https (plain http is allowed only on loopback, for the sandbox)".into())
        }
        other => Err(format!("must be an https URL, not {other}")),
    }?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".into());
    }
    Ok(())
}

pub fn proxy_url(v: &str) -> Result<(), String> {
    let url = url::Url::parse(v).map_err(|e| format!("is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https" | "socks5" | "socks5h") {
        return Err("must start with http://, https://, socks5:// or socks5h://".into());
    }
    if url.host().is_none() {
        return Err("has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "must not carry credentials; put them in proxy.username and proxy.password".into(),
        );
    }
    Ok(())
}
