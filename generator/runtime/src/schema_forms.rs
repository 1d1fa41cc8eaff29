//! JSON Schema forms beyond 3.0: bytes carried in JSON as base64 (`contentEncoding: base64`;
//! Cargo feature `schema_forms`).

use super::*;

/// Bytes that travel in JSON as a base64 string (`contentEncoding: base64`, RFC 4648 section 4).
///
/// `Debug` prints only the length. Decoding accepts the string with or without `=` padding.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64Bytes(pub Vec<u8>);

impl Base64Bytes {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Takes the bytes out.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Base64Bytes({} bytes)", self.0.len())
    }
}

impl std::ops::Deref for Base64Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Base64Bytes(bytes)
    }
}

impl From<&[u8]> for Base64Bytes {
    fn from(bytes: &[u8]) -> Self {
        Base64Bytes(bytes.to_vec())
    }
}

impl serde::Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> serde::Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let text = String::deserialize(deserializer)?;
        let padded = base64::engine::general_purpose::STANDARD.decode(text.as_bytes());
        let bytes = match padded {
            Ok(bytes) => bytes,
            // Never quote the input: it may be a secret.
            Err(_) => base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(text.as_bytes())
                .map_err(|_| serde::de::Error::custom("the string is not valid base64"))?,
        };
        Ok(Base64Bytes(bytes))
    }
}
