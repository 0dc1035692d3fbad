//! How a code enum is written: once, by its serde attributes, for the screens (JSON), the
//! TypeScript bindings (ts-rs reads the same attributes) and the logs alike.

use serde::Serialize;

/// The name serde writes for a code (a unit variant, possibly inside an untagged one):
/// `TERMINAL_LOST` for [`crate::FailureCode::TerminalLost`], without allocating. Each code is thus
/// spelled once, by its enum's serde attributes, for the screens (JSON), the TypeScript
/// bindings (ts-rs reads the same attributes) and the logs alike. `""` for a value that is not
/// a code (a struct, a number): no code enum has one.
pub fn code_str<T: Serialize + ?Sized>(code: &T) -> &'static str {
    code.serialize(VariantName).unwrap_or("")
}

/// `as_str` (the code as written), `Display` and `== "CODE"` for a code enum (`Serialize`,
/// unit variants and untagged newtypes of code enums).
macro_rules! written_code {
    ($($code:ty),* $(,)?) => {$(
        impl $code {
            /// The code as it is written (its serde name, e.g. `TERMINAL_LOST`).
            pub fn as_str(self) -> &'static str {
                $crate::code::code_str(&self)
            }
        }

        impl ::std::fmt::Display for $code {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Compares with the code as written (`code == "TERMINAL_LOST"`).
        impl PartialEq<&str> for $code {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    )*};
}
pub(crate) use written_code;

/// A serializer that takes a unit variant's name and refuses everything else.
struct VariantName;

#[derive(Debug)]
struct NotACode;

impl std::fmt::Display for NotACode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a code")
    }
}

impl std::error::Error for NotACode {}

impl serde::ser::Error for NotACode {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        NotACode
    }
}

macro_rules! not_a_code {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<&'static str, NotACode> {
            Err(NotACode)
        }
    )*};
}

impl serde::Serializer for VariantName {
    type Ok = &'static str;
    type Error = NotACode;
    type SerializeSeq = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeTuple = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeTupleStruct = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeTupleVariant = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeMap = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeStruct = serde::ser::Impossible<&'static str, NotACode>;
    type SerializeStructVariant = serde::ser::Impossible<&'static str, NotACode>;

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotACode> {
        Ok(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<&'static str, NotACode> {
        value.serialize(self)
    }

    not_a_code! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<&'static str, NotACode> {
        Err(NotACode)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotACode> {
        Err(NotACode)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotACode> {
        Err(NotACode)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotACode> {
        Err(NotACode)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotACode> {
        Err(NotACode)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotACode> {
        Err(NotACode)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotACode> {
        Err(NotACode)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotACode> {
        Err(NotACode)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotACode> {
        Err(NotACode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_code_is_written_as_nothing() {
        // Rather than a made-up string.
        assert_eq!(code_str(&3), "");
        assert_eq!(code_str("TERMINAL_LOST"), "");
    }
}
