//! Resolves `provider.toml`'s `[token]` table against the lowered operations and types.

use crate::config::{TokenConfig, TokenFlow};
use crate::error::{ErrorContext, GeneratorError};
use crate::ir::{
    Field, Operation, OperationKind, RefreshPlan, TokenField, TokenFlowPlan, TokenLifetime,
    TokenPlan, TypeDefinition, TypeKind, TypeRef,
};

fn struct_fields<'t>(type_ref: &TypeRef, types: &'t [TypeDefinition]) -> Option<&'t [Field]> {
    let TypeRef::Named(name) = type_ref else {
        return None;
    };
    match &types
        .iter()
        .find(|definition| &definition.name == name)?
        .kind
    {
        TypeKind::Struct { fields, .. } => Some(fields),
        TypeKind::Alias { target } => struct_fields(target, types),
        _ => None,
    }
}

fn base_type(type_ref: &TypeRef) -> &TypeRef {
    match type_ref {
        TypeRef::Option(inner) => base_type(inner),
        other => other,
    }
}

struct TokenLowering<'a> {
    context: &'a ErrorContext,
    operations: &'a [Operation],
}

impl TokenLowering<'_> {
    /// An error at `key` of the `[token]` table (`refresh.operation` is `[token.refresh].operation`).
    fn error(&self, key: &str, message: String) -> GeneratorError {
        let (table, field) = match key.rsplit_once('.') {
            Some((inner, field)) => (format!("token.{inner}"), field),
            None => ("token".to_string(), key),
        };
        let pointer = format!("/token/{}", key.replace('.', "/"));
        self.context
            .invalid(&pointer, format!("[{table}].{field}: {message}"))
    }

    fn operation(&self, method_name: &str, key: &str) -> Result<usize, GeneratorError> {
        self.operations
            .iter()
            .position(|operation| operation.method_name == method_name)
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .operations
                    .iter()
                    .map(|operation| operation.method_name.as_str())
                    .collect();
                self.error(
                    key,
                    format!(
                    "`{key} = \"{method_name}\"` names no operation; the operations are {known:?}"
                ),
                )
            })
    }

    fn response_field(
        &self,
        fields: &[Field],
        key: &str,
        wire_name: &str,
        accepts: impl Fn(&TypeRef) -> bool,
        what: &str,
    ) -> Result<TokenField, GeneratorError> {
        let field = fields
            .iter()
            .find(|field| field.wire_name == wire_name)
            .ok_or_else(|| {
                let known: Vec<&str> = fields
                    .iter()
                    .map(|field| field.wire_name.as_str())
                    .collect();
                self.error(
                    key,
                    format!(
                        "the token response has no field `{wire_name}`; its fields are {known:?}"
                    ),
                )
            })?;
        if !accepts(base_type(&field.type_ref)) {
            return Err(self.error(
                key,
                format!("field `{wire_name}` of the token response is not {what}"),
            ));
        }
        Ok(TokenField {
            rust_name: field.rust_name.clone(),
            type_ref: field.type_ref.clone(),
        })
    }
}

/// Builds the token plan and marks the token operation's retry safety.
pub fn lower_token_plan(
    context: &ErrorContext,
    config: &TokenConfig,
    operations: &mut [Operation],
    types: &[TypeDefinition],
) -> Result<TokenPlan, GeneratorError> {
    let lowering = TokenLowering {
        context,
        operations,
    };
    let operation_index = lowering.operation(&config.operation, "operation")?;
    let operation = &operations[operation_index];
    if operation.kind != OperationKind::Call
        || operation.success.enum_name.is_some()
        || operation.success.cases.len() != 1
    {
        return Err(lowering.error(
            "operation",
            format!(
                "`{}` must be a call with exactly one success response",
                config.operation
            ),
        ));
    }
    let success_type = &operation.success.cases[0].type_ref;
    let fields = struct_fields(success_type, types).ok_or_else(|| {
        lowering.error(
            "operation",
            format!(
                "the success body of `{}` is not an object",
                config.operation
            ),
        )
    })?;
    let is_text = |type_ref: &TypeRef| matches!(type_ref, TypeRef::String | TypeRef::Secret);
    let is_number =
        |type_ref: &TypeRef| matches!(type_ref, TypeRef::Integer { .. } | TypeRef::Number { .. });
    let is_date_time = |type_ref: &TypeRef| matches!(type_ref, TypeRef::DateTime);
    let access_token = lowering.response_field(
        fields,
        "access_token",
        &config.access_token,
        is_text,
        "a string",
    )?;
    let lifetime = match (&config.expires_in, &config.expires_at) {
        (Some(_), Some(_)) => {
            return Err(lowering.error(
                "expires_at",
                "set `expires_in` or `expires_at`, not both".to_string(),
            ))
        }
        (Some(wire_name), None) => TokenLifetime::ExpiresIn(lowering.response_field(
            fields,
            "expires_in",
            wire_name,
            is_number,
            "a number of seconds",
        )?),
        (None, Some(wire_name)) => TokenLifetime::ExpiresAt(lowering.response_field(
            fields,
            "expires_at",
            wire_name,
            is_date_time,
            "a date-time",
        )?),
        (None, None) => TokenLifetime::Unknown,
    };
    let refresh_token = config
        .refresh_token
        .as_deref()
        .map(|wire_name| {
            lowering.response_field(fields, "refresh_token", wire_name, is_text, "a string")
        })
        .transpose()?;
    let refresh_token_expires_at = config
        .refresh_token_expires_at
        .as_deref()
        .map(|wire_name| {
            lowering.response_field(
                fields,
                "refresh_token_expires_at",
                wire_name,
                is_date_time,
                "a date-time",
            )
        })
        .transpose()?;

    let body_type = operation.body.as_ref().map(|body| body.type_ref.clone());
    let body_fields = body_type
        .as_ref()
        .and_then(|body| struct_fields(body, types));
    let flow = match config.flow {
        TokenFlow::ClientCredentials => TokenFlowPlan::ClientCredentials,
        TokenFlow::AuthorizationCode => {
            let authorize_name = config.authorize_operation.as_deref().ok_or_else(|| {
                lowering.error(
                    "authorize_operation",
                    "the authorization_code flow needs `authorize_operation`".to_string(),
                )
            })?;
            let authorize_operation = lowering.operation(authorize_name, "authorize_operation")?;
            if operations[authorize_operation].kind != OperationKind::UrlBuilder {
                return Err( lowering.error("authorize_operation", format!("`authorize_operation = \"{authorize_name}\"` is not a redirect (URL builder) operation")));
            }
            let code_field = config.code_field.clone().ok_or_else(|| {
                lowering.error(
                    "code_field",
                    "the authorization_code flow needs `code_field`".to_string(),
                )
            })?;
            if !body_fields
                .is_some_and(|fields| fields.iter().any(|field| field.wire_name == code_field))
            {
                return Err(lowering.error(
                    "code_field",
                    format!("the token request has no field `{code_field}` (code_field)"),
                ));
            }
            // PKCE is sent where the authorization URL takes a `code_challenge`; its verifier must
            // then travel in the exchange, or every authorization fails after its `state` is used.
            let takes_code_challenge = operations[authorize_operation]
                .parameters
                .iter()
                .any(|parameter| parameter.wire_name == "code_challenge");
            if takes_code_challenge
                && !body_fields.is_some_and(|fields| {
                    fields
                        .iter()
                        .any(|field| field.wire_name == "code_verifier")
                })
            {
                return Err(lowering.error("authorize_operation", format!(
                    "`{authorize_name}` takes `code_challenge` (PKCE), but the token request has no field `code_verifier` to send the verifier in"
                )));
            }
            TokenFlowPlan::AuthorizationCode {
                authorize_operation,
                code_field,
            }
        }
    };
    let refresh = match &config.refresh {
        None => None,
        Some(refresh) => {
            let refresh_index = lowering.operation(&refresh.operation, "refresh.operation")?;
            let refresh_operation = &operations[refresh_index];
            let refresh_body = refresh_operation
                .body
                .as_ref()
                .map(|body| body.type_ref.clone());
            if refresh_body != body_type
                || refresh_operation
                    .success
                    .cases
                    .first()
                    .map(|case| &case.type_ref)
                    != Some(success_type)
            {
                return Err(lowering.error("refresh.operation", format!(
                    "the refresh operation `{}` must take the token request's body type and return the token response type",
                    refresh.operation
                )));
            }
            let request_fields = body_fields.unwrap_or_default();
            for wire_name in std::iter::once(&refresh.refresh_token_field).chain(refresh.set.keys())
            {
                if !request_fields
                    .iter()
                    .any(|field| &field.wire_name == wire_name)
                {
                    return Err(lowering.error(
                        if wire_name == &refresh.refresh_token_field {
                            "refresh.refresh_token_field"
                        } else {
                            "refresh.set"
                        },
                        format!("the refresh request has no field `{wire_name}`"),
                    ));
                }
            }
            if refresh_token.is_none() {
                return Err(lowering.error(
                    "refresh_token",
                    "a refresh operation needs `refresh_token` (the response field)".to_string(),
                ));
            }
            Some(RefreshPlan {
                operation: refresh_index,
                refresh_token_field: refresh.refresh_token_field.clone(),
                set: refresh
                    .set
                    .iter()
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect(),
            })
        }
    };
    let retry_safe = config
        .retry_safe
        .unwrap_or(config.flow == TokenFlow::ClientCredentials);
    operations[operation_index].retry_safe = retry_safe;
    if let Some(refresh) = &refresh {
        operations[refresh.operation].retry_safe = retry_safe;
    }
    Ok(TokenPlan {
        operation: operation_index,
        access_token,
        lifetime,
        refresh_token,
        refresh_token_expires_at,
        flow,
        refresh,
    })
}
