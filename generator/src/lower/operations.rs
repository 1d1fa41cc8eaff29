//! Lowers paths and operations: parameters, request bodies, responses per status, security.

use super::schemas::{Position, SchemaLowering, SchemaView};
use super::security::SecurityLowering;
use super::status::{status_reason_text, status_variant_name};
use crate::error::{pointer_push, ErrorContext, GeneratorError};
use crate::ir::{
    BodyEncoding, Docs, Operation, OperationKind, Parameter, ParameterLocation, PathPart,
    RequestBody, ResponseCase, StatusMatch, SuccessShape, TypeRef,
};
use crate::naming::{pascal_case_name, sanitize_doc, snake_case_name, UniqueNames};
use openapiv3::{OpenAPI, ParameterSchemaOrContent, ReferenceOr};
use std::collections::BTreeSet;

/// Shared state while the operations of one document are lowered.
pub struct OperationLowering<'a, 's> {
    /// Errors name this file.
    pub context: &'a ErrorContext,
    /// The whole document (for component lookups).
    pub document: &'a OpenAPI,
    /// Schema lowering, which owns the type names.
    pub schemas: &'s mut SchemaLowering<'a>,
    /// Security schemes used so far.
    pub security: &'s mut SecurityLowering<'a>,
    /// Method names handed out so far.
    pub method_names: UniqueNames,
    /// Operation renames from provider.toml.
    pub renames: &'a std::collections::BTreeMap<String, String>,
    /// Renames that matched an operation, to report the rest.
    pub used_renames: BTreeSet<String>,
}

/// Is this media type JSON (`application/json`, `application/problem+json`, any `+json`)?
pub fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}

fn is_form_media_type(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

fn is_text_media_type(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
        .starts_with("text/")
}

struct RawParameter<'d> {
    data: &'d openapiv3::ParameterData,
    location: ParameterLocation,
    explode: bool,
    pointer: String,
}

impl<'a, 's> OperationLowering<'a, 's> {
    /// Every operation of the document, in path order and then in the fixed method order.
    pub fn lower_all(&mut self) -> Result<Vec<Operation>, GeneratorError> {
        let mut operations = Vec::new();
        for (path, item) in self.document.paths.paths.iter() {
            let path_pointer = pointer_push("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    return Err(self.context.unsupported(
                        &pointer_push(&path_pointer, "$ref"),
                        format!(
                            "path item `$ref: {reference}` is not supported; inline the path item"
                        ),
                    ))
                }
            };
            for (method, operation) in item.iter() {
                let operation_pointer = pointer_push(&path_pointer, method);
                operations.push(self.lower_operation(
                    path,
                    method,
                    item,
                    operation,
                    &operation_pointer,
                )?);
            }
        }
        for key in self.renames.keys() {
            if !self.used_renames.contains(key) {
                return Err(self.context.invalid(
                    "",
                    format!("provider.toml renames operation `{key}`, but the spec has no operation with that operationId or `METHOD /path`"),
                ));
            }
        }
        Ok(operations)
    }

    fn method_name(
        &mut self,
        http_method: &str,
        path: &str,
        operation: &openapiv3::Operation,
    ) -> String {
        let method_and_path = format!("{} {path}", http_method.to_ascii_uppercase());
        let renamed = operation
            .operation_id
            .as_ref()
            .and_then(|id| self.renames.get(id).map(|name| (id.clone(), name.clone())))
            .or_else(|| {
                self.renames
                    .get(&method_and_path)
                    .map(|name| (method_and_path.clone(), name.clone()))
            });
        let wanted = match renamed {
            Some((key, name)) => {
                self.used_renames.insert(key);
                snake_case_name(&name, "operation")
            }
            None => match &operation.operation_id {
                Some(id) => snake_case_name(id, "operation"),
                None => {
                    let words: Vec<String> = path
                        .split('/')
                        .filter(|segment| !segment.is_empty())
                        .map(|segment| {
                            match segment
                                .strip_prefix('{')
                                .and_then(|rest| rest.strip_suffix('}'))
                            {
                                Some(parameter) => format!("by {parameter}"),
                                None => segment.to_string(),
                            }
                        })
                        .collect();
                    snake_case_name(&format!("{http_method} {}", words.join(" ")), "operation")
                }
            },
        };
        self.method_names.claim(&wanted)
    }

    fn lower_operation(
        &mut self,
        path: &str,
        http_method: &str,
        item: &'a openapiv3::PathItem,
        operation: &'a openapiv3::Operation,
        pointer: &str,
    ) -> Result<Operation, GeneratorError> {
        let method_name = self.method_name(http_method, path, operation);
        let type_prefix = pascal_case_name(&method_name, "Operation");
        let spec_name = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {path}", http_method.to_ascii_uppercase()));

        let raw_parameters = self.collect_parameters(item, operation, pointer)?;
        let mut parameter_names = UniqueNames::new();
        let mut parameters = Vec::new();
        for raw in &raw_parameters {
            parameters.push(self.lower_parameter(raw, &type_prefix, &mut parameter_names)?);
        }
        let path_parts = self.parse_path_template(path, &parameters, pointer)?;
        let parameters_type = if parameters.is_empty() {
            None
        } else {
            Some(
                self.schemas
                    .type_names
                    .claim(&format!("{type_prefix}Params")),
            )
        };

        let body = match &operation.request_body {
            None => None,
            Some(body) => Some(self.lower_request_body(
                body,
                &type_prefix,
                &pointer_push(pointer, "requestBody"),
            )?),
        };

        let (kind, success, errors) =
            self.lower_responses(operation, &type_prefix, &pointer_push(pointer, "responses"))?;
        let error_type = self
            .schemas
            .type_names
            .claim(&format!("{type_prefix}Error"));
        let security = self.security.requirements_for(operation, pointer)?;

        let summary = operation
            .summary
            .as_deref()
            .map(sanitize_doc)
            .filter(|text| !text.is_empty());
        let description = operation
            .description
            .as_deref()
            .map(sanitize_doc)
            .filter(|text| !text.is_empty());
        let mut doc_text = match (summary, description) {
            (Some(summary), Some(description)) if summary != description => {
                format!("{summary}\n\n{description}")
            }
            (Some(summary), _) => summary,
            (None, Some(description)) => description,
            (None, None) => format!("`{spec_name}`."),
        };
        doc_text.push_str(&format!(
            "\n\n`{} {path}`",
            http_method.to_ascii_uppercase()
        ));
        if operation.deprecated {
            doc_text.push_str("\n\nDeprecated by the provider.");
        }

        Ok(Operation {
            method_name,
            spec_name,
            http_method: http_method.to_ascii_uppercase(),
            path_template: path.to_string(),
            path_parts,
            docs: Docs { text: doc_text },
            parameters_type,
            parameters,
            body,
            kind,
            success,
            error_type,
            errors,
            security,
            // RFC 9110 idempotent methods; the token operation may be marked safe by the token plan.
            retry_safe: matches!(
                http_method,
                "get" | "head" | "options" | "put" | "delete" | "trace"
            ),
            error_messages: Vec::new(),
        })
    }

    fn resolve_parameter(
        &self,
        parameter: &'a ReferenceOr<openapiv3::Parameter>,
        pointer: &str,
    ) -> Result<(&'a openapiv3::Parameter, String), GeneratorError> {
        match parameter {
            ReferenceOr::Item(parameter) => Ok((parameter, pointer.to_string())),
            ReferenceOr::Reference { reference } => {
                let key = reference.strip_prefix("#/components/parameters/").ok_or_else(|| {
                    self.context.unsupported(&pointer_push(pointer, "$ref"), format!("parameter `$ref: {reference}` must point into #/components/parameters"))
                })?;
                let found = self
                    .document
                    .components
                    .as_ref()
                    .and_then(|components| components.parameters.get(key));
                match found {
                    Some(ReferenceOr::Item(parameter)) => Ok((parameter, pointer_push("/components/parameters", key))),
                    Some(ReferenceOr::Reference { .. }) => Err(self.context.unsupported(
                        &pointer_push("/components/parameters", key),
                        "a parameter component that is itself a `$ref` is not supported",
                    )),
                    None => Err(self.context.invalid(
                        &pointer_push(pointer, "$ref"),
                        format!("unresolved `$ref: {reference}`: there is no parameter `{key}` in #/components/parameters"),
                    )),
                }
            }
        }
    }

    fn collect_parameters(
        &self,
        item: &'a openapiv3::PathItem,
        operation: &'a openapiv3::Operation,
        pointer: &str,
    ) -> Result<Vec<RawParameter<'a>>, GeneratorError> {
        let path_pointer = pointer
            .rsplit_once('/')
            .map_or("", |(parent, _)| parent)
            .to_string();
        let mut collected: Vec<RawParameter<'a>> = Vec::new();
        let sources = item
            .parameters
            .iter()
            .enumerate()
            .map(|(index, parameter)| {
                (
                    parameter,
                    pointer_push(
                        &pointer_push(&path_pointer, "parameters"),
                        &index.to_string(),
                    ),
                )
            })
            .chain(
                operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(index, parameter)| {
                        (
                            parameter,
                            pointer_push(&pointer_push(pointer, "parameters"), &index.to_string()),
                        )
                    }),
            );
        for (parameter, parameter_pointer) in sources {
            let (parameter, resolved_pointer) =
                self.resolve_parameter(parameter, &parameter_pointer)?;
            let (data, location, explode) = match parameter {
                openapiv3::Parameter::Path { parameter_data, .. } => {
                    (parameter_data, ParameterLocation::Path, false)
                }
                openapiv3::Parameter::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    if !matches!(style, openapiv3::QueryStyle::Form) {
                        return Err(self.context.unsupported(
                            &pointer_push(&resolved_pointer, "style"),
                            format!("query parameter style `{style:?}` is not supported yet; only `form`"),
                        ));
                    }
                    (
                        parameter_data,
                        ParameterLocation::Query,
                        parameter_data.explode.unwrap_or(true),
                    )
                }
                openapiv3::Parameter::Header { parameter_data, .. } => {
                    (parameter_data, ParameterLocation::Header, false)
                }
                openapiv3::Parameter::Cookie { parameter_data, .. } => {
                    (parameter_data, ParameterLocation::Cookie, false)
                }
            };
            // An operation-level parameter replaces a path-level one with the same name and location.
            collected.retain(|existing| {
                !(existing.data.name == data.name && existing.location == location)
            });
            collected.push(RawParameter {
                data,
                location,
                explode,
                pointer: resolved_pointer,
            });
        }
        Ok(collected)
    }

    fn lower_parameter(
        &mut self,
        raw: &RawParameter<'a>,
        type_prefix: &str,
        names: &mut UniqueNames,
    ) -> Result<Parameter, GeneratorError> {
        let data = raw.data;
        let rust_name = names.claim(&snake_case_name(&data.name, "parameter"));
        let hint = format!("{type_prefix}{}", pascal_case_name(&data.name, "Parameter"));
        let type_ref =
            match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let schema_pointer = pointer_push(&raw.pointer, "schema");
                    self.schemas.type_ref(
                        SchemaView::from(schema),
                        Position {
                            pointer: &schema_pointer,
                            name_hint: &hint,
                            wire_name: Some(&data.name),
                        },
                    )?
                }
                ParameterSchemaOrContent::Content(_) => return Err(self.context.unsupported(
                    &pointer_push(&raw.pointer, "content"),
                    "parameters described by `content` instead of `schema` are not supported yet",
                )),
            };
        let required = data.required || raw.location == ParameterLocation::Path;
        if raw.location == ParameterLocation::Path && !data.required {
            return Err(self.context.invalid(
                &pointer_push(&raw.pointer, "required"),
                format!("path parameter `{}` must be `required: true`", data.name),
            ));
        }
        let type_ref = if required {
            type_ref
        } else {
            type_ref.into_option()
        };
        let location_text = match raw.location {
            ParameterLocation::Path => "Path",
            ParameterLocation::Query => "Query",
            ParameterLocation::Header => "Header",
            ParameterLocation::Cookie => "Cookie",
        };
        let description = data
            .description
            .as_deref()
            .map(sanitize_doc)
            .filter(|text| !text.is_empty());
        let docs = Docs {
            text: match description {
                Some(description) => format!(
                    "{description}\n\n{location_text} parameter `{}`.",
                    data.name
                ),
                None => format!("{location_text} parameter `{}`.", data.name),
            },
        };
        Ok(Parameter {
            rust_name,
            wire_name: data.name.clone(),
            location: raw.location,
            type_ref,
            required,
            explode: raw.explode,
            docs,
        })
    }

    fn parse_path_template(
        &self,
        path: &str,
        parameters: &[Parameter],
        pointer: &str,
    ) -> Result<Vec<PathPart>, GeneratorError> {
        let mut parts = Vec::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            if start > 0 {
                parts.push(PathPart::Literal(rest[..start].to_string()));
            }
            let after = &rest[start + 1..];
            let Some(end) = after.find('}') else {
                return Err(self
                    .context
                    .invalid(pointer, format!("path `{path}` has an unclosed `{{`")));
            };
            let name = &after[..end];
            let Some(index) = parameters.iter().position(|parameter| {
                parameter.location == ParameterLocation::Path && parameter.wire_name == name
            }) else {
                return Err(self.context.invalid(pointer, format!("path `{path}` uses `{{{name}}}`, but the operation declares no path parameter `{name}`")));
            };
            parts.push(PathPart::Parameter(index));
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_string()));
        }
        for parameter in parameters
            .iter()
            .filter(|parameter| parameter.location == ParameterLocation::Path)
        {
            if !path.contains(&format!("{{{}}}", parameter.wire_name)) {
                return Err(self.context.invalid(
                    pointer,
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`",
                        parameter.wire_name
                    ),
                ));
            }
        }
        Ok(parts)
    }

    fn lower_request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        type_prefix: &str,
        pointer: &str,
    ) -> Result<RequestBody, GeneratorError> {
        let (body, body_pointer) = match body {
            ReferenceOr::Item(body) => (body, pointer.to_string()),
            ReferenceOr::Reference { reference } => {
                let key = reference
                    .strip_prefix("#/components/requestBodies/")
                    .unwrap_or("");
                match self.document.components.as_ref().and_then(|components| components.request_bodies.get(key)) {
                    Some(ReferenceOr::Item(body)) => (body, pointer_push("/components/requestBodies", key)),
                    _ => {
                        return Err(self.context.invalid(
                            &pointer_push(pointer, "$ref"),
                            format!("unresolved `$ref: {reference}`: expected a request body in #/components/requestBodies"),
                        ))
                    }
                }
            }
        };
        let chosen = body
            .content
            .iter()
            .find(|(media_type, _)| is_json_media_type(media_type))
            .map(|(media_type, media)| (media_type, media, BodyEncoding::Json))
            .or_else(|| {
                body.content
                    .iter()
                    .find(|(media_type, _)| is_form_media_type(media_type))
                    .map(|(media_type, media)| (media_type, media, BodyEncoding::Form))
            })
            .or_else(|| {
                body.content
                    .iter()
                    .find(|(media_type, _)| is_text_media_type(media_type))
                    .map(|(media_type, media)| (media_type, media, BodyEncoding::Text))
            });
        let Some((media_type, media, encoding)) = chosen else {
            let offered: Vec<&str> = body.content.keys().map(String::as_str).collect();
            return Err(self.context.unsupported(
                &pointer_push(&body_pointer, "content"),
                format!("request body media types {offered:?} are not supported yet; supported: JSON, application/x-www-form-urlencoded, text/*"),
            ));
        };
        let media_pointer = pointer_push(&pointer_push(&body_pointer, "content"), media_type);
        let hint = format!("{type_prefix}Request");
        let type_ref = match (&media.schema, encoding) {
            (_, BodyEncoding::Text) => TypeRef::String,
            (Some(schema), _) => self.schemas.type_ref(
                SchemaView::from(schema),
                Position {
                    pointer: &pointer_push(&media_pointer, "schema"),
                    name_hint: &hint,
                    wire_name: None,
                },
            )?,
            (None, _) => TypeRef::Json,
        };
        if encoding == BodyEncoding::Form && !matches!(type_ref, TypeRef::Named(_)) {
            return Err(self.context.unsupported(
                &pointer_push(&media_pointer, "schema"),
                "a form-urlencoded body must be an object schema",
            ));
        }
        Ok(RequestBody {
            content_type: media_type.clone(),
            encoding,
            type_ref,
            required: body.required,
        })
    }

    fn lower_responses(
        &mut self,
        operation: &'a openapiv3::Operation,
        type_prefix: &str,
        pointer: &str,
    ) -> Result<(OperationKind, SuccessShape, Vec<ResponseCase>), GeneratorError> {
        let mut successes = Vec::new();
        let mut redirects = Vec::new();
        let mut errors = Vec::new();
        let mut default_case = None;
        let mut entries: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
        for (status, response) in &operation.responses.responses {
            let (status_match, key) = match status {
                openapiv3::StatusCode::Code(code) => (StatusMatch::Code(*code), code.to_string()),
                openapiv3::StatusCode::Range(range) => {
                    (StatusMatch::Range(*range), format!("{range}XX"))
                }
            };
            entries.push((status_match, response, pointer_push(pointer, &key)));
        }
        if let Some(response) = &operation.responses.default {
            entries.push((
                StatusMatch::Default,
                response,
                pointer_push(pointer, "default"),
            ));
        }
        for (status, response, response_pointer) in entries {
            let first_digit = match status {
                StatusMatch::Code(code) => code / 100,
                StatusMatch::Range(range) => range,
                StatusMatch::Default => 0,
            };
            let variant_name = status_variant_name(status);
            let hint = match first_digit {
                2 => format!("{type_prefix}Response"),
                _ => format!("{type_prefix}{variant_name}Body"),
            };
            let case = self.lower_response(status, response, &hint, &response_pointer)?;
            match first_digit {
                0 => default_case = Some(case),
                1 => {
                    return Err(self.context.unsupported(
                        &response_pointer,
                        "informational (1xx) responses cannot be final responses",
                    ));
                }
                2 => successes.push(case),
                3 => redirects.push(case),
                4 | 5 => errors.push(case),
                _ => {
                    return Err(self.context.invalid(
                        &response_pointer,
                        "status codes must be between 100 and 599",
                    ))
                }
            }
        }
        let kind = if successes.is_empty() && !redirects.is_empty() {
            OperationKind::UrlBuilder
        } else {
            OperationKind::Call
        };
        if kind == OperationKind::Call {
            // The client follows no redirects, so a documented redirect is an outcome the caller handles.
            errors.splice(0..0, redirects.drain(..));
        }
        if let Some(default_case) = default_case {
            if successes.is_empty() && kind == OperationKind::Call {
                // Only `default` documents the body; it describes success as well as failure.
                let mut success = default_case.clone();
                success.status = StatusMatch::Range(2);
                success.variant_name = "Success".to_string();
                successes.push(success);
            }
            errors.push(default_case);
        }
        if successes.is_empty() && kind == OperationKind::Call {
            successes.push(ResponseCase {
                status: StatusMatch::Range(2),
                variant_name: "Success".to_string(),
                encoding: BodyEncoding::Empty,
                media_type: None,
                type_ref: TypeRef::Unit,
                docs: Docs {
                    text: "Any 2xx status; the spec documents no body.".to_string(),
                },
            });
        }
        let success_cases = if kind == OperationKind::UrlBuilder {
            redirects
        } else {
            successes
        };
        let distinct_types: BTreeSet<&TypeRef> =
            success_cases.iter().map(|case| &case.type_ref).collect();
        let enum_name = if distinct_types.len() > 1 {
            Some(
                self.schemas
                    .type_names
                    .claim(&format!("{type_prefix}Success")),
            )
        } else {
            None
        };
        Ok((
            kind,
            SuccessShape {
                cases: success_cases,
                enum_name,
            },
            errors,
        ))
    }

    fn lower_response(
        &mut self,
        status: StatusMatch,
        response: &'a ReferenceOr<openapiv3::Response>,
        hint: &str,
        pointer: &str,
    ) -> Result<ResponseCase, GeneratorError> {
        let (response, response_pointer) = match response {
            ReferenceOr::Item(response) => (response, pointer.to_string()),
            ReferenceOr::Reference { reference } => {
                let key = reference
                    .strip_prefix("#/components/responses/")
                    .unwrap_or("");
                match self.document.components.as_ref().and_then(|components| components.responses.get(key)) {
                    Some(ReferenceOr::Item(response)) => (response, pointer_push("/components/responses", key)),
                    _ => {
                        return Err(self.context.invalid(
                            &pointer_push(pointer, "$ref"),
                            format!("unresolved `$ref: {reference}`: expected a response in #/components/responses"),
                        ))
                    }
                }
            }
        };
        let description = sanitize_doc(&response.description);
        let docs = Docs {
            text: if description.is_empty() {
                status_reason_text(status)
            } else {
                format!("{}: {description}", status_reason_text(status))
            },
        };
        let variant_name = status_variant_name(status);
        if response.content.is_empty() {
            return Ok(ResponseCase {
                status,
                variant_name,
                encoding: BodyEncoding::Empty,
                media_type: None,
                type_ref: TypeRef::Unit,
                docs,
            });
        }
        let json = response
            .content
            .iter()
            .find(|(media_type, _)| is_json_media_type(media_type));
        let text = response
            .content
            .iter()
            .find(|(media_type, _)| is_text_media_type(media_type));
        let (media_type, media, encoding) = match (json, text) {
            (Some((media_type, media)), _) => (media_type, media, BodyEncoding::Json),
            (None, Some((media_type, media))) => (media_type, media, BodyEncoding::Text),
            (None, None) => {
                let offered: Vec<&str> = response.content.keys().map(String::as_str).collect();
                return Err(self.context.unsupported(
                    &pointer_push(&response_pointer, "content"),
                    format!("response media types {offered:?} are not supported yet; supported: JSON (+json) and text/*"),
                ));
            }
        };
        let media_pointer = pointer_push(&pointer_push(&response_pointer, "content"), media_type);
        let type_ref = match (encoding, &media.schema) {
            (BodyEncoding::Text, _) => TypeRef::String,
            (_, Some(schema)) => self.schemas.type_ref(
                SchemaView::from(schema),
                Position {
                    pointer: &pointer_push(&media_pointer, "schema"),
                    name_hint: hint,
                    wire_name: None,
                },
            )?,
            (_, None) => TypeRef::Json,
        };
        Ok(ResponseCase {
            status,
            variant_name,
            encoding,
            media_type: Some(media_type.clone()),
            type_ref,
            docs,
        })
    }
}
