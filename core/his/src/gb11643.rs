//! What a resident ID number (GB 11643-1999) says of its holder: the date of birth (digits 7 to
//! 14) and the sex (digit 17: odd for male, even for female), read only from a number whose
//! check character is right.

use facekiosk_pii::identity::validate;

use crate::demographics::{BirthDate, Sex};

/// What the number says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub birth_date: BirthDate,
    pub sex: Sex,
}

/// Why nothing can be read from a number; says what, never the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("is not 17 digits and a check character")]
    Shape,
    #[error("has a wrong check character")]
    CheckCharacter,
    #[error("holds no real date of birth")]
    BirthDate,
}

/// Reads an 18-character resident ID number (`x` taken as `X`).
pub fn read(number: &str) -> Result<Facts, Unreadable> {
    validate::resident_id(number).map_err(|e| match e {
        validate::Invalid::ResidentIdCheckDigit => Unreadable::CheckCharacter,
        _ => Unreadable::Shape,
    })?;
    let digits = &number.as_bytes()[..17];
    let value = |range: std::ops::Range<usize>| {
        digits[range]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let birth_date = BirthDate::new(
        value(6..10) as u16,
        value(10..12) as u8,
        value(12..14) as u8,
    )
    .ok_or(Unreadable::BirthDate)?;
    let sex = if value(16..17) % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    Ok(Facts { birth_date, sex })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The check character GB 11643 puts after `body` (17 digits).
    fn with_check(body: &str) -> String {
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = body
            .bytes()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
    }

    #[test]
    fn the_standards_samples() {
        let f = read("11010519491231002X").unwrap();
        assert_eq!(
            (f.birth_date.iso(), f.sex),
            ("1949-12-31".into(), Sex::Female)
        );
        let m = read("440524188001010014").unwrap();
        assert_eq!(
            (m.birth_date.iso(), m.sex),
            ("1880-01-01".into(), Sex::Male)
        );
        assert_eq!(read("11010519491231002x").unwrap(), f);
    }

    #[test]
    fn a_wrong_number_says_why() {
        assert_eq!(read("110105194912310021"), Err(Unreadable::CheckCharacter));
        assert_eq!(read("1101051949123100"), Err(Unreadable::Shape));
        assert_eq!(
            read(&with_check("11010519491331002")),
            Err(Unreadable::BirthDate)
        );
        assert_eq!(
            read(&with_check("11010520230229002")),
            Err(Unreadable::BirthDate)
        );
    }

    proptest! {
        #[test]
        fn any_valid_number_reads_back_its_date_and_sex(
            area in 110000u32..660000, year in 1900u16..2030, month in 1u8..=12,
            day in 1u8..=28, seq in 0u32..1000,
        ) {
            let body = format!("{area:06}{year:04}{month:02}{day:02}{seq:03}");
            let f = read(&with_check(&body)).unwrap();
            prop_assert_eq!(f.birth_date.compact(), body[6..14].to_owned());
            prop_assert_eq!(f.sex, if seq % 2 == 1 { Sex::Male } else { Sex::Female });
        }

        #[test]
        fn no_string_panics(s in "\\PC{0,24}") {
            let _ = read(&s);
        }
    }
}
