//! Finds the provider's own message in each documented error body, so an error's `Display` can show it.

use crate::ir::{ErrorMessage, Field, Operation, TypeDefinition, TypeKind, TypeRef};

fn struct_fields<'t>(type_ref: &TypeRef, types: &'t [TypeDefinition]) -> Option<&'t [Field]> {
    let TypeRef::Named(name) = type_ref else {
        return None;
    };
    let definition = types.iter().find(|definition| &definition.name == name)?;
    match &definition.kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        TypeKind::Alias { target } => struct_fields(target, types),
        _ => None,
    }
}

fn is_text_like(type_ref: &TypeRef, types: &[TypeDefinition]) -> bool {
    match type_ref {
        TypeRef::String => true,
        TypeRef::Option(inner) => is_text_like(inner, types),
        TypeRef::Named(name) => types.iter().any(|definition| {
            &definition.name == name && matches!(definition.kind, TypeKind::StringEnum { .. })
        }),
        _ => false,
    }
}

fn find<'f>(fields: &'f [Field], wire_name: &str, types: &[TypeDefinition]) -> Option<&'f Field> {
    fields
        .iter()
        .find(|field| field.wire_name == wire_name && is_text_like(&field.type_ref, types))
}

/// The message location for one error body type.
pub fn error_message(type_ref: &TypeRef, types: &[TypeDefinition]) -> Option<ErrorMessage> {
    if *type_ref == TypeRef::String {
        return Some(ErrorMessage::Text);
    }
    let fields = struct_fields(type_ref, types)?;
    if let Some(code) = find(fields, "error", types) {
        return Some(ErrorMessage::OAuth {
            code_field: code.rust_name.clone(),
            code_optional: code.type_ref.is_option(),
            description_field: find(fields, "error_description", types)
                .map(|field| (field.rust_name.clone(), field.type_ref.is_option())),
        });
    }
    for wire_name in ["detail", "message", "error_description", "title", "msg"] {
        if let Some(field) = find(fields, wire_name, types) {
            return Some(ErrorMessage::Field {
                rust_name: field.rust_name.clone(),
                optional: field.type_ref.is_option(),
            });
        }
    }
    let detail = fields.iter().find(|field| field.wire_name == "detail")?;
    let (list, optional) = match &detail.type_ref {
        TypeRef::Vec(item) => (item.as_ref(), false),
        TypeRef::Option(inner) => match inner.as_ref() {
            TypeRef::Vec(item) => (item.as_ref(), true),
            _ => return None,
        },
        _ => return None,
    };
    let item_fields = struct_fields(list, types)?;
    let message = item_fields
        .iter()
        .find(|field| field.wire_name == "msg" && field.type_ref == TypeRef::String)?;
    Some(ErrorMessage::ValidationList {
        list_field: detail.rust_name.clone(),
        optional,
        item_message_field: message.rust_name.clone(),
    })
}

/// Fills `body_client_credentials` of every operation that can send OAuth2 client Basic authentication.
pub fn decide_body_client_credentials(operations: &mut [Operation], types: &[TypeDefinition]) {
    for operation in operations {
        let sends_oauth2_basic = operation.oauth2_client_basic;
        let Some(body) = operation.body.as_ref().filter(|_| sends_oauth2_basic) else {
            continue;
        };
        let Some(fields) = struct_fields(&body.type_ref, types) else {
            continue;
        };
        operation.body_client_credentials = fields
            .iter()
            .filter(|field| {
                matches!(
                    field.wire_name.as_str(),
                    "client_secret" | "client_assertion"
                ) && field.type_ref.is_option()
            })
            .map(|field| field.rust_name.clone())
            .collect();
    }
}

/// Fills `error_messages` of every operation.
pub fn decide_error_messages(operations: &mut [Operation], types: &[TypeDefinition]) {
    for operation in operations {
        operation.error_messages = operation
            .errors
            .iter()
            .map(|case| error_message(&case.type_ref, types))
            .collect();
    }
}
