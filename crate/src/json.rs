//! Reading offsign's JSON formats member by member from a parsed [`serde_json::Value`].
//!
//! Every format offsign reads (JWS headers, records, certificates, revocation lists, receipts,
//! keys, sealed keys) is parsed by one generic parser into a `Value`, then taken apart by the
//! [`FromJson`] impl of its type. A serde-derived deserializer per type would be monomorphized
//! for each input format: in WebAssembly those were a quarter of the download. The types still
//! implement `serde::Deserialize` (through [`deserialize_from_json!`]), so the server and the
//! IndexedDB rows read them as before, and each type's rules live in one place.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::Cell;

/// A type read from a parsed JSON value; the error is a message for a developer.
pub(crate) trait FromJson: Sized {
    /// Reads `value`, or says what is wrong with it.
    fn from_json(value: Value) -> Result<Self, String>;
}

/// Implements `serde::Deserialize` for types with a [`FromJson`] impl: any input format is
/// read into a `Value` first.
macro_rules! deserialize_from_json {
    ($($ty:ty),+ $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                <$ty as $crate::json::FromJson>::from_json(value).map_err(<D::Error as serde::de::Error>::custom)
            }
        }
    )+};
}
pub(crate) use deserialize_from_json;

/// Parses JSON text as `T`. An object that repeats a member is refused: parsers differ on
/// which of the two they keep (`serde_json::Value` and `JSON.parse` the last, others the first
/// or neither), and a signed record must not say two things. (Not through
/// `serde::Deserialize`: there `serde_json` would rebuild each error message, which costs the
/// wasm a string search.)
pub(crate) fn parse<T: FromJson>(text: &[u8]) -> Result<T, String> {
    T::from_json(parse_value(text)?)
}

/// The untyped half of [`parse`], out of line so that its thirty instances stay small.
#[inline(never)]
pub(crate) fn parse_value(text: &[u8]) -> Result<Value, String> {
    let repeated = Cell::new(false);
    let mut parser = serde_json::Deserializer::from_slice(text);
    let value = StrictValue(&repeated).deserialize(&mut parser).and_then(|v| parser.end().map(|()| v));
    match value {
        Err(e) => Err(e.to_string()),
        Ok(_) if repeated.get() => Err("an object repeats a member".into()),
        Ok(value) => Ok(value),
    }
}

/// `value` as JSON text. What offsign writes is plain data, which always serializes; were it
/// ever not, that is a bug, reported without formatting serde's error (whose `Debug` would
/// cost the wasm its share of formatting code).
pub(crate) fn to_vec<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| unreachable!("plain data serializes to JSON"))
}

/// [`to_vec`] as a string.
pub(crate) fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| unreachable!("plain data serializes to JSON"))
}

/// Reads any JSON value like `serde_json::Value` does, and notes in the cell when an object
/// repeats a member (without an error of its own, which would cost the wasm as above).
#[derive(Clone, Copy)]
struct StrictValue<'a>(&'a Cell<bool>);

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            if members.insert(key, value).is_some() {
                self.0.set(true);
            }
        }
        Ok(Value::Object(members))
    }
}

/// The members of a JSON object, taken out one by one.
/// (A list rather than the map itself: taking members out of a list needs far less code in
/// the wasm than removing them from a B-tree.)
#[derive(Debug)]
pub(crate) struct Members(Vec<(String, Value)>);

impl Members {
    /// The members of `value`, which must be an object (`what` names it in the error).
    pub fn of(value: Value, what: &str) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(Members(map.into_iter().collect())),
            other => Err(format!("{what} must be a JSON object, not {}", kind(&other))),
        }
    }

    /// Member `key`, if present and not `null`.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.remove(key).filter(|v| !v.is_null())
    }

    /// Member `key`, `null` included, if present.
    fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(i).1)
    }

    /// The required member `key`, read as `T`.
    #[inline(never)]
    pub fn required<T: FromJson>(&mut self, key: &str) -> Result<T, String> {
        let value = self.take(key).ok_or_else(|| missing(key))?;
        T::from_json(value).map_err(|e| in_member(key, e))
    }

    /// The member `key`, which must be present, read as `T`; `None` when it is `null`.
    #[inline(never)]
    pub fn nullable<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, String> {
        match self.remove(key).ok_or_else(|| missing(key))? {
            Value::Null => Ok(None),
            value => T::from_json(value).map(Some).map_err(|e| in_member(key, e)),
        }
    }

    /// The member `key` read as `T`, `None` when absent or `null`.
    #[inline(never)]
    pub fn optional<T: FromJson>(&mut self, key: &str) -> Result<Option<T>, String> {
        match self.take(key) {
            Some(value) => T::from_json(value).map(Some).map_err(|e| in_member(key, e)),
            None => Ok(None),
        }
    }

    /// Refuses members nobody took (for formats that allow no others).
    pub fn deny_unknown(self) -> Result<(), String> {
        match self.0.first() {
            Some((key, _)) => Err(format!("unknown field `{key:.40}`")),
            None => Ok(()),
        }
    }
}

// Out of line, so that the many instances of `required` and `optional` stay small.
#[inline(never)]
fn missing(key: &str) -> String {
    format!("missing field `{key}`")
}

#[inline(never)]
fn in_member(key: &str, e: String) -> String {
    format!("`{key}`: {e}")
}

/// The JSON type of `value`, for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expected(what: &str, value: &Value) -> String {
    format!("expected {what}, found {}", kind(value))
}

impl FromJson for Value {
    fn from_json(value: Value) -> Result<Self, String> {
        Ok(value)
    }
}

/// `null` is `None`.
impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(expected("a string", &other)),
        }
    }
}

impl FromJson for Map<String, Value> {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(map),
            other => Err(expected("an object", &other)),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::Array(items) => items.into_iter().map(T::from_json).collect(),
            other => Err(expected("an array", &other)),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<Self, String> {
        value.as_bool().ok_or_else(|| expected("true or false", &value))
    }
}

impl FromJson for f64 {
    fn from_json(value: Value) -> Result<Self, String> {
        value.as_f64().ok_or_else(|| expected("a number", &value))
    }
}

/// Integers: a JSON number without fraction or exponent that fits the type.
macro_rules! integer_from_json {
    ($($ty:ty),+) => {$(
        impl FromJson for $ty {
            fn from_json(value: Value) -> Result<Self, String> {
                let n = value.as_i64().map(i128::from).or_else(|| value.as_u64().map(i128::from));
                n.and_then(|n| <$ty>::try_from(n).ok())
                    .ok_or_else(|| expected(concat!("an integer (", stringify!($ty), ")"), &value))
            }
        }
    )+};
}
integer_from_json!(u32, u64, i64, usize);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_are_typed_counted_and_named_in_errors() {
        let mut m = Members::of(json!({"a": "x", "n": 7, "z": null, "extra": true}), "thing").unwrap();
        assert_eq!(m.required::<String>("a").unwrap(), "x");
        assert_eq!(m.optional::<u32>("z").unwrap(), None, "null reads as absent");
        assert_eq!(m.optional::<u64>("missing").unwrap(), None);
        assert_eq!(m.required::<String>("missing").unwrap_err(), "missing field `missing`");
        assert!(m.required::<String>("n").unwrap_err().contains("`n`: expected a string"));
        assert_eq!(m.deny_unknown().unwrap_err(), "unknown field `extra`");
        assert!(Members::of(json!([1]), "thing").unwrap_err().contains("thing must be a JSON object"));
    }

    #[test]
    fn parses_like_serde_json_but_refuses_a_repeated_member() {
        let text = br#"{"a":[1,-2,3.5,"x\u00e9",null,true,{"b":{}}],"c":18446744073709551615}"#;
        assert_eq!(parse::<Value>(text).unwrap(), serde_json::from_slice::<Value>(text).unwrap());
        for repeated in [&br#"{"a":1,"a":2}"#[..], br#"{"doc":{"sha256":"A","sha256":"B"}}"#, br#"[{"x":1,"x":1}]"#] {
            assert_eq!(parse::<Value>(repeated).unwrap_err(), "an object repeats a member");
        }
        for bad in [&b"{"[..], b"{} {}", b"[1,]", b"\"\\ud800\"", b"NaN"] {
            assert!(parse::<Value>(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn integers_must_fit_and_have_no_fraction() {
        assert_eq!(u32::from_json(json!(7)).unwrap(), 7);
        assert_eq!(i64::from_json(json!(-7)).unwrap(), -7);
        assert_eq!(u64::from_json(json!(u64::MAX)).unwrap(), u64::MAX);
        for bad in [json!(-1), json!(1.5), json!(1e3), json!("7"), json!(u64::from(u32::MAX) + 1)] {
            assert!(u32::from_json(bad.clone()).is_err(), "{bad}");
        }
    }
}
