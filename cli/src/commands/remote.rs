use std::path::PathBuf;
use std::process::ExitCode;

use facekiosk_wxpay::{InfoType, WxpayClient};

use super::runtime;

#[derive(Debug, clap::Args)]
pub struct Authinfo {
    #[arg(long)]
    config: PathBuf,
    /// The terminal's rawdata (getWxpayfaceRawdata). WeChat rejects a made-up one, which
    /// still proves the network path, the proxy and the APIv2 signature.
    #[arg(long, default_value = "facekiosk-cli-probe")]
    rawdata: String,
}

impl Authinfo {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let client = WxpayClient::from_settings(facekiosk_config::load(&self.config)?.wxpay)?;
        let auth = runtime()?.block_on(client.get_authinfo(&self.rawdata))?;
        // The token itself is a credential for this device; its shape is enough here.
        println!(
            "authinfo ok: {} characters, expires_in={}",
            auth.authinfo.expose().len(),
            auth.expires_in
        );
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(Debug, clap::Args)]
pub struct Query {
    #[arg(long)]
    config: PathBuf,
    #[arg(long)]
    face_sid: String,
    /// Overrides facemch.info_type of the configuration.
    #[arg(long, value_parser = ["ASK_REAL_NAME", "ASK_UNIONID", "ASK_REAL_NAME_TEL"])]
    info_type: Option<String>,
}

impl Query {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let client = WxpayClient::from_settings(facekiosk_config::load(&self.config)?.wxpay)?;
        let info_type = match &self.info_type {
            Some(t) => InfoType::parse(t).expect("clap checked the value"),
            None => client.settings().facemch.info_type,
        };
        let identity = runtime()?.block_on(client.query_user_as(&self.face_sid, info_type))?;
        let mut parts = Vec::new();
        if let Some(info) = &identity.real_name {
            parts.push(format!("name={}", info.name));
            parts.push(format!("credential_type={}", info.credential_type.code()));
            parts.push(format!("credential={}", info.credential_number));
        }
        if let Some(phone) = &identity.phone {
            parts.push(format!("phone={phone}"));
        }
        if let Some(id) = &identity.openid {
            parts.push(format!("openid={id}"));
        }
        if let Some(id) = &identity.union_id {
            parts.push(format!("union_id={id}"));
        }
        println!("verified: {}", parts.join(" "));
        Ok(ExitCode::SUCCESS)
    }
}
