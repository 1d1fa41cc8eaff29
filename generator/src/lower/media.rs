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

/// Does this object schema (or the component it refers to) have a file property: a binary string,
/// an array of them, or a union with one of those as a branch? JSON cannot carry a file's raw bytes, so such a body is better sent as one
/// of the document's other media types (`multipart/form-data`) where it offers one.
pub fn has_file_property(
    schema: Option<&openapiv3::ReferenceOr<openapiv3::Schema>>,
    document: &openapiv3::OpenAPI,
) -> bool {
    let resolve = |schema: &'_ openapiv3::ReferenceOr<openapiv3::Schema>| -> Option<openapiv3::ReferenceOr<openapiv3::Schema>> {
        match schema {
            openapiv3::ReferenceOr::Item(_) => Some(schema.clone()),
            openapiv3::ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/schemas/")?;
                document.components.as_ref()?.schemas.get(name).cloned()
            }
        }
    };
    let Some(openapiv3::ReferenceOr::Item(object)) = schema.and_then(resolve) else {
        return false;
    };
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &object.schema_kind else {
        return false;
    };
    // A file, an array of files, or a union with one of those among its branches.
    fn holds_file(
        schema: Option<openapiv3::ReferenceOr<openapiv3::Schema>>,
        resolve: &dyn Fn(
            &openapiv3::ReferenceOr<openapiv3::Schema>,
        ) -> Option<openapiv3::ReferenceOr<openapiv3::Schema>>,
        depth: usize,
    ) -> bool {
        let schema = schema.as_ref().and_then(resolve);
        if is_binary_schema(schema.as_ref()) {
            return true;
        }
        let Some(openapiv3::ReferenceOr::Item(schema)) = schema else {
            return false;
        };
        match schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) if depth > 0 => {
                holds_file(array.items.map(|items| items.unbox()), resolve, depth - 1)
            }
            openapiv3::SchemaKind::OneOf { one_of: branches }
            | openapiv3::SchemaKind::AnyOf { any_of: branches }
                if depth > 0 =>
            {
                branches
                    .into_iter()
                    .any(|branch| holds_file(Some(branch), resolve, depth - 1))
            }
            _ => false,
        }
    }
    object
        .properties
        .values()
        .any(|property| holds_file(Some(property.clone().unbox()), &resolve, 2))
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
