//! Plaintext validation. A PKCS#1 v1.5 decryption with the wrong key or padding can, in some
//! libraries, "succeed" with random bytes; nothing decrypted is believed until it looks like
//! what WeChat sends.

use thiserror::Error;

/// What was wrong with a decrypted field. Carries no part of the value itself.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Invalid {
    #[error("is not valid UTF-8")]
    NotUtf8,
    #[error("is empty")]
    Empty,
    #[error("is {0} characters long, more than the {1} allowed")]
    TooLong(usize, usize),
    #[error("contains a control character")]
    ControlCharacter,
    #[error("is not 18 characters (17 digits and a check digit)")]
    ResidentIdShape,
    #[error("fails the GB 11643 check digit")]
    ResidentIdCheckDigit,
    #[error("has characters other than ASCII letters and digits")]
    CredentialCharacters,
    #[error("is not an 11-digit mainland mobile number")]
    Phone,
}

const NAME_MAX_CHARS: usize = 64;
const CREDENTIAL_MAX_CHARS: usize = 32;

pub fn utf8(bytes: Vec<u8>) -> Result<String, Invalid> {
    String::from_utf8(bytes).map_err(|e| {
        // The bytes may be a real name: wipe them before they leave with the error.
        let mut bytes = e.into_bytes();
        zeroize::Zeroize::zeroize(&mut bytes);
        Invalid::NotUtf8
    })
}

/// Names are free text (Han, rare characters outside the BMP, `·` in minority names, Latin
/// letters for foreigners), so only the shape is checked.
pub fn name(name: &str) -> Result<(), Invalid> {
    if name.trim().is_empty() {
        return Err(Invalid::Empty);
    }
    let len = name.chars().count();
    if len > NAME_MAX_CHARS {
        return Err(Invalid::TooLong(len, NAME_MAX_CHARS));
    }
    if name.chars().any(char::is_control) {
        return Err(Invalid::ControlCharacter);
    }
    Ok(())
}

/// GB 11643-1999: 17 digits, then a check character over them (`X` stands for 10).
/// A lowercase `x` is accepted; callers normalise it.
pub fn resident_id(id: &str) -> Result<(), Invalid> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = id.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return Err(Invalid::ResidentIdShape);
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    if bytes[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize] {
        Ok(())
    } else if bytes[17].is_ascii_digit() || bytes[17].eq_ignore_ascii_case(&b'x') {
        Err(Invalid::ResidentIdCheckDigit)
    } else {
        Err(Invalid::ResidentIdShape)
    }
}

/// Passports, travel permits and the like: letters and digits.
pub fn other_credential(id: &str) -> Result<(), Invalid> {
    if id.is_empty() {
        return Err(Invalid::Empty);
    }
    let len = id.chars().count();
    if len > CREDENTIAL_MAX_CHARS {
        return Err(Invalid::TooLong(len, CREDENTIAL_MAX_CHARS));
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Invalid::CredentialCharacters);
    }
    Ok(())
}

pub fn phone(phone: &str) -> Result<(), Invalid> {
    let b = phone.as_bytes();
    if b.len() == 11 && b[0] == b'1' && b.iter().all(u8::is_ascii_digit) {
        Ok(())
    } else {
        Err(Invalid::Phone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids() {
        assert_eq!(resident_id("11010519491231002X"), Ok(()));
        assert_eq!(resident_id("11010519491231002x"), Ok(()));
        assert_eq!(resident_id("440524188001010014"), Ok(()));
        assert_eq!(
            resident_id("440524188001010015"),
            Err(Invalid::ResidentIdCheckDigit)
        );
        assert_eq!(
            resident_id("11010519491231002"),
            Err(Invalid::ResidentIdShape)
        );
        assert_eq!(
            resident_id("1101051949123100AX"),
            Err(Invalid::ResidentIdShape)
        );
        assert_eq!(
            resident_id("11010519491231002Y"),
            Err(Invalid::ResidentIdShape)
        );
        assert_eq!(
            resident_id("１１０１０５１９４９１２３１００２X"),
            Err(Invalid::ResidentIdShape)
        );
    }

    #[test]
    fn names_and_phones() {
        assert_eq!(name("𠮷野家"), Ok(()));
        assert_eq!(name("阿卜杜·买买提"), Ok(()));
        assert_eq!(name("  "), Err(Invalid::Empty));
        assert_eq!(name("张\u{0}三"), Err(Invalid::ControlCharacter));
        assert_eq!(phone("13800001234"), Ok(()));
        assert_eq!(phone("23800001234"), Err(Invalid::Phone));
        assert_eq!(phone("1380000123"), Err(Invalid::Phone));
        assert_eq!(other_credential("E12345678"), Ok(()));
        assert_eq!(
            other_credential("E1234 5678"),
            Err(Invalid::CredentialCharacters)
        );
        assert_eq!(utf8(vec![0xff, 0xfe]), Err(Invalid::NotUtf8));
    }
}
