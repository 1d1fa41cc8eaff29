//! Media types: which encoding each one gets, and which one a request body is sent as.

/// What a media type means to the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MediaKind {
    /// `application/json`, `text/json`, any `+json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/*`.
    Multipart,
    /// `*/*` and `application/*`: anything; JSON when a (non-binary) schema is given, else bytes.
    Any,
    /// `text/*`, XML, and other textual types.
    Text,
    /// Everything else: `application/octet-stream`, images, archives, vendor types.
    Binary,
}

/// The lower-cased essence of a media type (no parameters).
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Classifies a media type (the order of the variants is the preference for request bodies).
pub fn media_kind(media_type: &str) -> MediaKind {
    let essence = essence(media_type);
    if super::operations::is_json_media_type(&essence) {
        MediaKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        MediaKind::Form
    } else if essence.starts_with("multipart/") {
        MediaKind::Multipart
    } else if essence == "*/*" || essence == "*" || essence == "application/*" || essence.is_empty()
    {
        MediaKind::Any
    } else if essence.starts_with("text/")
        || essence == "application/xml"
        || essence.ends_with("+xml")
        || essence == "application/javascript"
        || essence == "application/x-ndjson"
        || essence == "application/jsonl"
    {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

/// Is this schema a binary string (`type: string, format: binary`), i.e. raw bytes rather than JSON?
pub fn is_binary_schema(schema: Option<&openapiv3::ReferenceOr<openapiv3::Schema>>) -> bool {
    let Some(openapiv3::ReferenceOr::Item(schema)) = schema else {
        return false;
    };
    match &schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::String(string)) => matches!(
            string.format,
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary)
        ),
        openapiv3::SchemaKind::Any(any) => any.format.as_deref() == Some("binary"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_classified_by_essence() {
        assert_eq!(
            media_kind("application/json; charset=utf-8"),
            MediaKind::Json
        );
        assert_eq!(media_kind("application/problem+json"), MediaKind::Json);
        assert_eq!(
            media_kind("application/x-www-form-urlencoded"),
            MediaKind::Form
        );
        assert_eq!(media_kind("multipart/form-data"), MediaKind::Multipart);
        assert_eq!(media_kind("*/*"), MediaKind::Any);
        assert_eq!(media_kind("text/plain"), MediaKind::Text);
        assert_eq!(media_kind("application/xml"), MediaKind::Text);
        assert_eq!(media_kind("image/png"), MediaKind::Binary);
        assert_eq!(media_kind("application/octet-stream"), MediaKind::Binary);
        assert_eq!(media_kind("application/octocat-stream"), MediaKind::Binary);
    }
}
