//! Media types beyond JSON, forms and text: binary bodies, multipart, and the delimited and
//! `deepObject` query styles (Cargo feature `media`).

use super::*;

/// Raw bytes: a binary request or response body, or a `format: binary` field (a file part in multipart).
///
/// `Debug` prints only the length. In JSON it reads a string (as UTF-8 bytes) or an array of bytes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Takes the bytes out.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Binary({} bytes)", self.0.len())
    }
}

impl std::ops::Deref for Binary {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary(bytes)
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Binary(bytes.to_vec())
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Self {
        Binary(text.into_bytes())
    }
}

impl From<&str> for Binary {
    fn from(text: &str) -> Self {
        Binary(text.as_bytes().to_vec())
    }
}

impl serde::Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BinaryVisitor;

        impl<'de> serde::de::Visitor<'de> for BinaryVisitor {
            type Value = Binary;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string or an array of bytes")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Binary, E> {
                Ok(Binary(value.as_bytes().to_vec()))
            }

            fn visit_bytes<E: serde::de::Error>(self, value: &[u8]) -> Result<Binary, E> {
                Ok(Binary(value.to_vec()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut sequence: A,
            ) -> Result<Binary, A::Error> {
                let mut bytes = Vec::new();
                while let Some(byte) = sequence.next_element::<u8>()? {
                    bytes.push(byte);
                }
                Ok(Binary(bytes))
            }
        }

        deserializer.deserialize_any(BinaryVisitor)
    }
}

impl RawResponse {
    /// The body as raw bytes (binary media types, `*/*`), moved out rather than copied.
    #[doc(hidden)]
    pub fn binary(&mut self) -> Binary {
        Binary(Vec::from(std::mem::take(&mut self.body)))
    }
}

/// A `multipart/form-data` body: one part per field of `body`; the fields named in `binary_fields`
/// are file parts with their raw bytes, arrays give one part per item, objects are sent as JSON,
/// and absent (null) fields are left out. Returns the `Content-Type` (with its boundary) and the bytes.
#[doc(hidden)]
pub fn multipart_body<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    body: &T,
    binary_fields: &[&str],
) -> Result<(String, Vec<u8>), CallFailure> {
    let value = serde_json::to_value(body).map_err(|error| {
        CallFailure::invalid_request(
            operation,
            format!("cannot encode the multipart body: {error}"),
        )
    })?;
    let mut parts: Vec<(String, bool, Vec<u8>)> = Vec::new();
    let fields = match value {
        serde_json::Value::Object(fields) => fields,
        serde_json::Value::Null => serde_json::Map::new(),
        _ => {
            return Err(CallFailure::invalid_request(
                operation,
                "a multipart body must be an object",
            ))
        }
    };
    for (name, field) in fields {
        let is_binary = binary_fields.contains(&name.as_str());
        let items = match field {
            serde_json::Value::Null => continue,
            // One file: an array of byte values; several files: an array of those.
            serde_json::Value::Array(items)
                if !(is_binary && items.iter().all(serde_json::Value::is_number)) =>
            {
                items
            }
            other => vec![other],
        };
        for item in items {
            let bytes = match item {
                serde_json::Value::Null => continue,
                serde_json::Value::String(text) => text.into_bytes(),
                serde_json::Value::Array(values) if is_binary => values
                    .iter()
                    .filter_map(|value| value.as_u64().and_then(|byte| u8::try_from(byte).ok()))
                    .collect(),
                serde_json::Value::Number(number) => number.to_string().into_bytes(),
                serde_json::Value::Bool(flag) => flag.to_string().into_bytes(),
                other => other.to_string().into_bytes(),
            };
            parts.push((name.clone(), is_binary, bytes));
        }
    }
    let mut boundary = String::from("auth-clients-boundary");
    let mut counter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    // The boundary must not occur in any part.
    while parts.iter().any(|(_, _, bytes)| {
        bytes
            .windows(boundary.len())
            .any(|window| window == boundary.as_bytes())
    }) {
        counter = counter
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        boundary = format!("auth-clients-boundary-{counter:x}");
    }
    let mut encoded = Vec::new();
    for (name, is_binary, bytes) in parts {
        let escaped = name
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace(['\r', '\n'], " ");
        encoded.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        if is_binary {
            encoded.extend_from_slice(format!("Content-Disposition: form-data; name=\"{escaped}\"; filename=\"{escaped}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        } else {
            encoded.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{escaped}\"\r\n\r\n").as_bytes(),
            );
        }
        encoded.extend_from_slice(&bytes);
        encoded.extend_from_slice(b"\r\n");
    }
    encoded.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((format!("multipart/form-data; boundary={boundary}"), encoded))
}

/// Adds a `spaceDelimited` or `pipeDelimited` query parameter: array items joined by `delimiter`.
#[doc(hidden)]
pub fn append_query_delimited<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    delimiter: &str,
) -> Result<(), CallFailure> {
    let json = serde_json::to_value(value).map_err(|error| {
        CallFailure::invalid_request(operation, format!("parameter `{name}`: {error}"))
    })?;
    match json {
        serde_json::Value::Null => Ok(()),
        serde_json::Value::Array(items) => {
            let mut texts = Vec::with_capacity(items.len());
            for item in items {
                texts.push(scalar_text(operation, name, item)?);
            }
            pairs.push((name.to_string(), texts.join(delimiter)));
            Ok(())
        }
        other => {
            pairs.push((name.to_string(), scalar_text(operation, name, other)?));
            Ok(())
        }
    }
}

/// Adds a `deepObject` query parameter: `name[key]=value` for each property (nested objects nest the brackets).
#[doc(hidden)]
pub fn append_query_deep_object<T: serde::Serialize + ?Sized>(
    operation: &'static str,
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
) -> Result<(), CallFailure> {
    fn walk(
        operation: &'static str,
        pairs: &mut Vec<(String, String)>,
        key: String,
        value: serde_json::Value,
    ) -> Result<(), CallFailure> {
        match value {
            serde_json::Value::Null => Ok(()),
            serde_json::Value::Object(fields) => {
                for (field, item) in fields {
                    walk(operation, pairs, format!("{key}[{field}]"), item)?;
                }
                Ok(())
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    let text = scalar_text(operation, &key, item)?;
                    pairs.push((key.clone(), text));
                }
                Ok(())
            }
            other => {
                let text = scalar_text(operation, &key, other)?;
                pairs.push((key, text));
                Ok(())
            }
        }
    }
    let json = serde_json::to_value(value).map_err(|error| {
        CallFailure::invalid_request(operation, format!("parameter `{name}`: {error}"))
    })?;
    walk(operation, pairs, name.to_string(), json)
}
