//! How personal data is shown when it must be shown at all: on the patient's own success
//! screen and in `Debug`/`Display`. Masks keep just enough for the patient to recognise
//! themselves and never enough to identify them.

/// `张三` -> `张*`, `张小三` -> `张*三`, `欧阳娜娜` -> `欧**娜`.
pub fn name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut out = String::new();
            out.push(chars[0]);
            out.extend(std::iter::repeat_n('*', n - 2));
            out.push(chars[n - 1]);
            out
        }
    }
}

/// Keeps `head` leading and `tail` trailing characters, stars in between; values too short to
/// keep anything hidden are starred whole.
pub fn middle(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// `110101199003071234` -> `1101**********1234`.
pub fn credential_id(id: &str) -> String {
    middle(id, 4, 4)
}

/// `13800001234` -> `138****1234`.
pub fn phone(phone: &str) -> String {
    middle(phone, 3, 4)
}

/// Opaque WeChat identifiers (openid, union_id): enough to tell two apart in a support call.
pub fn opaque(id: &str) -> String {
    middle(id, 4, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name("张小三"), "张*三");
        assert_eq!(name("张三"), "张*");
        assert_eq!(name("欧阳娜娜"), "欧**娜");
        assert_eq!(name("阿卜杜·买买提"), "阿*****提");
        assert_eq!(name("𠮷野家"), "𠮷*家");
        assert_eq!(name("王"), "*");
    }

    #[test]
    fn numbers() {
        assert_eq!(credential_id("11010119900307123X"), "1101**********123X");
        assert_eq!(credential_id("E12345678"), "E123*5678");
        assert_eq!(credential_id("1234"), "****");
        assert_eq!(phone("13800001234"), "138****1234");
        assert_eq!(
            opaque("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
            "oUpF************************"
        );
    }
}
