//! Sample values for fields and parameters (`Field::sample`, `Parameter::sample`): the value the
//! document itself gives (`example`, then `default`), or else one its constraints imply (a
//! `format`, bounds, lengths, the first `enum` value). The conformance driver sends these, since a
//! value built from the Rust type alone (`"conformance"`, `1`) breaks `format: uri` or
//! `minimum: 10`. Only scalars and arrays of scalars are kept: an object example is often partial.

mod pattern;

use crate::ir::ArrayBounds;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::{json, Value};

/// The component schema a `$ref` names, following alias chains (bounded), or `None`.
pub fn component<'a>(
    components: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
    reference: &str,
) -> Option<&'a Schema> {
    let mut current = reference;
    for _ in 0..32 {
        let key = current
            .strip_prefix("#/components/schemas/")?
            .replace("~1", "/")
            .replace("~0", "~");
        match components.get(&key)? {
            ReferenceOr::Item(schema) => return Some(schema),
            ReferenceOr::Reference { reference } => current = reference,
        }
    }
    None
}

/// The sample of a schema: its scalar `example` or `default`, else one its constraints imply.
pub fn schema_sample(schema: &Schema) -> Option<Value> {
    let data = &schema.schema_data;
    for given in [&data.example, &data.default].into_iter().flatten() {
        if is_scalar(given) && !given.is_null() {
            return Some(given.clone());
        }
    }
    implied_sample(&schema.schema_kind)
}

/// What an array schema asks of its item count and uniqueness, when it asks anything.
pub fn array_bounds(schema: &Schema) -> Option<ArrayBounds> {
    let (min_items, max_items, unique_items) = match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => {
            (array.min_items, array.max_items, array.unique_items)
        }
        SchemaKind::Any(any)
            if (any.items.is_some() && any.typ.is_none())
                || any.typ.as_deref() == Some("array") =>
        {
            (
                any.min_items,
                any.max_items,
                any.unique_items.unwrap_or(false),
            )
        }
        _ => return None,
    };
    let bounds = ArrayBounds {
        min_items: min_items.unwrap_or(0),
        max_items,
        unique_items,
    };
    (bounds != ArrayBounds::default()).then_some(bounds)
}

/// A given example value (a parameter's `example`, say), when it is a scalar.
pub fn given_sample(value: Option<&Value>) -> Option<Value> {
    value
        .filter(|value| is_scalar(value) && !value.is_null())
        .cloned()
}

/// A scalar, or an array of scalars (an array field's example).
fn is_scalar(value: &Value) -> bool {
    match value {
        Value::Object(_) => false,
        Value::Array(items) => {
            !items.is_empty()
                && items
                    .iter()
                    .all(|item| !matches!(item, Value::Array(_) | Value::Object(_) | Value::Null))
        }
        _ => true,
    }
}

fn implied_sample(kind: &SchemaKind) -> Option<Value> {
    match kind {
        SchemaKind::Type(Type::String(string)) => {
            if let Some(first) = string.enumeration.iter().flatten().next() {
                return Some(json!(first));
            }
            let by_format = match &string.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Byte) => {
                    Some("Y29uZm9ybWFuY2U=")
                }
                VariantOrUnknownOrEmpty::Unknown(format) => match format.as_str() {
                    "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => {
                        Some("https://example.com/conformance")
                    }
                    "email" | "idn-email" => Some("conformance@example.com"),
                    "uuid" => Some("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
                    "ipv4" => Some("192.0.2.1"),
                    "ipv6" => Some("2001:db8::1"),
                    "hostname" | "idn-hostname" => Some("example.com"),
                    "time" => Some("03:04:05Z"),
                    "duration" => Some("P1D"),
                    _ => None,
                },
                _ => None,
            };
            if let Some(text) = by_format {
                return Some(json!(text));
            }
            if let Some(pattern) = &string.pattern {
                return pattern::pattern_sample(
                    pattern,
                    string.min_length.unwrap_or(0),
                    string.max_length,
                )
                .map(|text| json!(text));
            }
            let minimum = string.min_length.unwrap_or(0);
            let maximum = string.max_length.unwrap_or(usize::MAX);
            if minimum > maximum {
                // No string matches (and `clamp` would panic).
                return None;
            }
            let length = "conformance".len().clamp(minimum.max(1), maximum.max(1));
            // A `minLength` of 10^15 is valid OpenAPI; a sample that long is no value anyone sends
            // (and allocating it aborts the generator): such a string has no sample.
            if length == "conformance".len() || length > MAX_SAMPLE_TEXT_LENGTH {
                return None;
            }
            Some(json!("conformance".repeat(length / 11 + 1)[..length]))
        }
        SchemaKind::Type(Type::Integer(integer)) => {
            if let Some(first) = integer.enumeration.iter().flatten().next() {
                return Some(json!(first));
            }
            // Bounds at the ends of i64 (`minimum: i64::MAX` with `exclusiveMinimum`) leave no
            // value, or none that is a multiple of the step: then there is no sample, never an
            // overflow.
            let low = match integer.minimum {
                Some(minimum) => Some(minimum.checked_add(i64::from(integer.exclusive_minimum))?),
                None => None,
            };
            let high = match integer.maximum {
                Some(maximum) => Some(maximum.checked_sub(i64::from(integer.exclusive_maximum))?),
                None => None,
            };
            let step = integer.multiple_of.filter(|step| *step > 0).unwrap_or(1);
            let mut value = low.unwrap_or(1.min(high.unwrap_or(1)));
            if value % step != 0 {
                value = value.checked_add(step - value.rem_euclid(step))?;
            }
            (low.is_some() || high.is_some() || step != 1).then(|| json!(value))
        }
        SchemaKind::Type(Type::Number(number)) => {
            if let Some(first) = number.enumeration.iter().flatten().next() {
                return Some(json!(first));
            }
            let low = number.minimum;
            let high = number.maximum;
            if low.is_none() && high.is_none() && number.multiple_of.is_none() {
                return None;
            }
            let value = match (low, high) {
                // `(low + high) / 2` is infinite for bounds near `f64::MAX`: then halved first.
                (Some(low), Some(high)) => Some((low + high) / 2.0)
                    .filter(|middle| middle.is_finite())
                    .unwrap_or(low / 2.0 + high / 2.0),
                (Some(low), None) => low + 1.0,
                (None, Some(high)) => high - 1.0,
                (None, None) => 1.0,
            };
            let value = match number.multiple_of.filter(|step| *step > 0.0) {
                Some(step) => (value / step).ceil() * step,
                None => value,
            };
            // An infinite or NaN sample (a tiny `multipleOf` of a huge bound) is no JSON number.
            value.is_finite().then(|| json!(value))
        }
        _ => None,
    }
}

/// The longest text a sample is: a `minLength` past it gives no sample.
const MAX_SAMPLE_TEXT_LENGTH: usize = 4096;

#[cfg(test)]
mod tests {
    use super::schema_sample;
    use serde_json::json;

    fn sample(schema: serde_json::Value) -> Option<serde_json::Value> {
        schema_sample(&serde_json::from_value(schema).expect("a schema"))
    }

    #[test]
    fn constraints_at_the_edges_of_their_types_give_no_sample_rather_than_a_wrong_or_huge_one() {
        assert_eq!(
            sample(json!({"type": "string", "minLength": 1_000_000_000_000_000u64})),
            None
        );
        assert_eq!(
            sample(json!({"type": "string", "minLength": 20, "maxLength": 5})),
            None
        );
        assert_eq!(
            sample(json!({"type": "string", "minLength": 12})),
            Some(json!("conformancec"))
        );
        assert_eq!(
            sample(json!({"type": "integer", "minimum": i64::MAX, "exclusiveMinimum": true})),
            None
        );
        assert_eq!(
            sample(json!({"type": "integer", "maximum": i64::MIN, "exclusiveMaximum": true})),
            None
        );
        assert_eq!(
            sample(json!({"type": "integer", "minimum": i64::MAX - 7, "multipleOf": 1000})),
            None
        );
        assert_eq!(
            sample(json!({"type": "integer", "minimum": i64::MAX - 1, "exclusiveMinimum": true})),
            Some(json!(i64::MAX))
        );
        assert_eq!(
            sample(json!({"type": "number", "minimum": -1.7e308, "maximum": 1.7e308})),
            Some(json!(0.0))
        );
        assert_eq!(
            sample(json!({"type": "number", "minimum": 1e308, "multipleOf": 1e-308})),
            None
        );
    }
}
