//! Sex and date of birth: what the hospital's systems ask beside the name, read from a
//! resident ID number ([`crate::gb11643`]).

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Sex as GB/T 2261.1 codes it (the standard's codes; an adapter maps them to a site's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// 0: not known (an ID document that does not say).
    Unknown,
    /// 1
    Male,
    /// 2
    Female,
}

impl Sex {
    /// The GB/T 2261.1 code.
    pub fn gb_code(self) -> &'static str {
        match self {
            Sex::Unknown => "0",
            Sex::Male => "1",
            Sex::Female => "2",
        }
    }

    /// The GB/T 2261.1 name (the `displayName` HL7 V3 carries).
    pub fn gb_name(self) -> &'static str {
        match self {
            Sex::Unknown => "未知的性别",
            Sex::Male => "男性",
            Sex::Female => "女性",
        }
    }
}

/// A date of birth: personal data, wiped on drop, masked in `Debug`.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct BirthDate {
    year: u16,
    month: u8,
    day: u8,
}

impl BirthDate {
    /// A real calendar date (1800-01-01 at the earliest), or `None`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<BirthDate> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1800 && (1..=days).contains(&day)).then_some(BirthDate { year, month, day })
    }

    /// `yyyyMMdd` (HL7 V3 `birthTime`).
    pub fn compact(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// `yyyy-MM-dd` (FHIR `birthDate`, most JSON interfaces).
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    pub fn year(&self) -> u16 {
        self.year
    }
}

impl fmt::Debug for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BirthDate(****-**-**)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_are_real_dates() {
        assert!(BirthDate::new(2000, 2, 29).is_some());
        assert!(BirthDate::new(1900, 2, 29).is_none());
        assert!(BirthDate::new(2024, 4, 31).is_none());
        assert!(BirthDate::new(2024, 13, 1).is_none());
        assert!(BirthDate::new(1799, 12, 31).is_none());
        assert_eq!(BirthDate::new(1880, 1, 1).unwrap().iso(), "1880-01-01");
    }
}
