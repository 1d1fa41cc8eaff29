//! Lowers paths and operations: parameters, request bodies, responses per status, security.

use super::media::{self, MediaKind};
use super::schemas::{Position, SchemaLowering, SchemaView};
use super::security::SecurityLowering;
use super::servers::ServerPlan;
use super::status::{status_reason_text, status_variant_name};
use crate::error::{pointer_push, ErrorContext, GeneratorError};
use crate::ir::{
    BodyEncoding, Docs, Operation, OperationKind, Parameter, ParameterLocation, PathPart,
    QueryStyle, RequestBody, ResponseCase, StatusMatch, SuccessShape, TypeKind, TypeRef,
};
use crate::naming::{
    pascal_case_name, sanitize_doc, snake_case_name, UniqueNames, PROVIDER_MODULE_ITEM_NAMES,
};
use openapiv3::{OpenAPI, ParameterSchemaOrContent, ReferenceOr};
use std::collections::BTreeSet;

/// Shared state while the operations of one document are lowered.
pub struct OperationLowering<'a, 's> {
    /// Errors name this file.
    pub context: &'a ErrorContext,
    /// Errors in provider.toml's keys name that file.
    pub config_context: &'a ErrorContext,
    /// The whole document (for component lookups).
    pub document: &'a OpenAPI,
    /// Schema lowering, which owns the type names.
    pub schemas: &'s mut SchemaLowering<'a>,
    /// Security schemes used so far.
    pub security: &'s mut SecurityLowering<'a>,
    /// The document's server and the extra servers found so far.
    pub servers: &'s mut ServerPlan,
    /// Method names handed out so far.
    pub method_names: UniqueNames,
    /// Operation renames from provider.toml.
    pub renames: &'a std::collections::BTreeMap<String, String>,
    /// Renames that matched an operation, to report the rest.
    pub used_renames: BTreeSet<String>,
    /// `--skip-invalid`: an operation that cannot be lowered is skipped (and recorded) instead of failing.
    pub skip_invalid: bool,
    /// The operations skipped, as the errors they gave.
    pub skipped: Vec<GeneratorError>,
    /// Notes for the operation being lowered (what the spec says that the client leaves out).
    pub notes: Vec<String>,
    /// Each operation's method name, by (path, method), decided before any operation is lowered.
    pub planned_method_names: std::collections::BTreeMap<(String, String), String>,
    /// One line per operation whose method name had to change because another name took it.
    pub renamed: Vec<String>,
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

struct RawParameter<'d> {
    data: &'d openapiv3::ParameterData,
    location: ParameterLocation,
    explode: bool,
    style: QueryStyle,
    pointer: String,
}

impl<'a, 's> OperationLowering<'a, 's> {
    /// Every operation of the document, in path order and then in the fixed method order.
    pub fn lower_all(&mut self) -> Result<Vec<Operation>, GeneratorError> {
        // A rename is the method name as written; changing it silently would leave the name the
        // provider.toml (and `[token].operation`) uses pointing at nothing.
        for (key, name) in self.renames.iter() {
            let method_name = snake_case_name(name, "operation");
            if method_name != *name {
                return Err(self.config_context.invalid(
                    &pointer_push("/operations", key),
                    format!("[operations] renames `{key}` to `{name}`, which is not a snake_case Rust method name (it would become `{method_name}`)"),
                ));
            }
        }
        self.plan_method_names();
        let mut operations = Vec::new();
        for (path, item) in self.document.paths.paths.iter() {
            let path_pointer = pointer_push("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                // The loader has already inlined every path item an in-document pointer reaches.
                ReferenceOr::Reference { reference } => {
                    return Err(self.context.invalid(
                        &pointer_push(&path_pointer, "$ref"),
                        format!("dangling path item `$ref: {reference}`: there is no path item at that JSON pointer in the document"),
                    ))
                }
            };
            for (method, operation) in item.iter() {
                let operation_pointer = pointer_push(&path_pointer, method);
                let defined_before = self.schemas.types.len();
                let servers_before = self.servers.servers.len();
                match self.lower_operation(path, method, item, operation, &operation_pointer) {
                    Ok(lowered) => operations.push(lowered),
                    Err(error) if self.skip_invalid => {
                        self.schemas.types.truncate(defined_before);
                        self.servers.servers.truncate(servers_before);
                        self.skipped.push(error);
                    }
                    Err(error) => return Err(error),
                }
            }
        }
        for key in self.renames.keys() {
            if !self.used_renames.contains(key) {
                return Err(self.config_context.invalid(
                    &pointer_push("/operations", key),
                    format!("[operations] renames `{key}`, but the spec has no operation with that operationId or `METHOD /path`"),
                ));
            }
        }
        Ok(operations)
    }

    /// The method name an operation asks for, before collisions are resolved.
    fn wanted_method_name(
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
        wanted
    }

    /// Decides every operation's method name before any is lowered, so a collision's outcome
    /// depends only on the colliding operations: they claim in the order of their wanted name and
    /// then their spec name (operationId, or `METHOD /path`), never in document order. Adding or
    /// moving an unrelated operation renumbers nothing. Each rename is reported.
    fn plan_method_names(&mut self) {
        let mut wanted_names = Vec::new();
        for (path, item) in self.document.paths.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, operation) in item.iter() {
                let wanted = self.wanted_method_name(method, path, operation);
                let spec_name = operation
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| format!("{} {path}", method.to_ascii_uppercase()));
                wanted_names.push((wanted, spec_name, method.to_string(), path.clone()));
            }
        }
        wanted_names.sort();
        let mut owners: std::collections::BTreeMap<String, String> = Default::default();
        for (wanted, spec_name, method, path) in wanted_names {
            let name = self.method_names.claim(&wanted);
            let this_operation = format!("`{spec_name}` ({} {path})", method.to_ascii_uppercase());
            if name != wanted {
                // Names no operation holds were reserved up front: the client's own methods.
                let owner = owners.get(&wanted).map_or_else(
                    || "the generated client's own method".to_string(),
                    |owner| format!("operation {owner}"),
                );
                self.renamed.push(format!(
                    "operation {this_operation} is the method `{name}`: `{wanted}` is taken by {owner}"
                ));
            }
            owners.insert(name.clone(), this_operation);
            self.planned_method_names.insert((path, method), name);
        }
    }

    fn method_name(&mut self, http_method: &str, path: &str) -> String {
        self.planned_method_names
            .get(&(path.to_string(), http_method.to_string()))
            .cloned()
            .unwrap_or_else(|| self.method_names.claim("operation"))
    }

    fn lower_operation(
        &mut self,
        path: &str,
        http_method: &str,
        item: &'a openapiv3::PathItem,
        operation: &'a openapiv3::Operation,
        pointer: &str,
    ) -> Result<Operation, GeneratorError> {
        self.notes.clear();
        let method_name = self.method_name(http_method, path);
        // `Self_` (the method `self_`) is a keyword's escape; with a suffix it is no keyword, and
        // `Self_Error` would not be upper camel case.
        let type_prefix = pascal_case_name(&method_name, "Operation")
            .trim_end_matches('_')
            .to_string();
        let spec_name = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {path}", http_method.to_ascii_uppercase()));

        let mut raw_parameters = self.collect_parameters(item, operation, pointer)?;
        // OpenAPI (Parameter Object, `name`): a header parameter named `Accept` or `Content-Type`
        // SHALL be ignored; the client sets those from the responses and the body, and sent as
        // well the header would carry two values. (`Authorization` is kept: a document without a
        // security scheme, such as progenitor's keeper, has only the parameter to send the token.)
        raw_parameters.retain(|raw| {
            let reserved = raw.location == ParameterLocation::Header
                && ["accept", "content-type"]
                    .contains(&raw.data.name.to_ascii_lowercase().as_str());
            if reserved {
                self.notes.push(format!(
                    "The spec declares a header parameter `{}`, which OpenAPI says is ignored: the client sets that header itself.",
                    raw.data.name
                ));
            }
            !reserved
        });
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
                    .claim_outside(&format!("{type_prefix}Params"), PROVIDER_MODULE_ITEM_NAMES),
            )
        };

        let body = match &operation.request_body {
            None => None,
            Some(body) => {
                self.lower_request_body(body, &type_prefix, &pointer_push(pointer, "requestBody"))?
            }
        };

        let security = self.security.requirements_for(operation, pointer)?;
        // A browser navigation sends nothing but its URL: no body, no header or cookie, no
        // credentials (unless the operation may also be called without any). An operation that
        // needs any of those must be sent, even when it only answers with a redirect.
        let browser_navigation = http_method == "get"
            && body.is_none()
            && parameters.iter().all(|parameter| {
                matches!(
                    parameter.location,
                    crate::ir::ParameterLocation::Path | crate::ir::ParameterLocation::Query
                )
            })
            && (security.is_empty() || security.iter().any(Vec::is_empty));
        let (kind, success, errors) = self.lower_responses(
            browser_navigation,
            operation,
            &type_prefix,
            &pointer_push(pointer, "responses"),
        )?;
        let servers_before = self.servers.servers.len();
        let server = self
            .servers
            .for_operation(self.context, item, operation, pointer)?;
        if self.servers.servers.len() > servers_before {
            if let Some(new_server) = self.servers.servers.last_mut() {
                let wanted = crate::naming::server_override_method(&new_server.rust_name);
                new_server.override_method = self.method_names.claim(&wanted);
                if new_server.override_method != wanted {
                    self.renamed.push(format!(
                        "the server `{}` has the override method `{}`: `{wanted}` is taken by an operation or the client's own method",
                        new_server.declared_url, new_server.override_method
                    ));
                }
            }
        }
        let error_type = self
            .schemas
            .type_names
            .claim_outside(&format!("{type_prefix}Error"), PROVIDER_MODULE_ITEM_NAMES);
        let mut security_notes: Vec<String> = self.security.notes.drain(..).collect();
        security_notes.dedup();
        self.notes.extend(security_notes);

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
        if let Some(request_body) = &operation.request_body {
            let (request_body, _) = self.resolve_component(
                request_body,
                &pointer_push(pointer, "requestBody"),
                "requestBodies",
                "request body",
                |components| &components.request_bodies,
            )?;
            if let Some(text) = request_body
                .description
                .as_deref()
                .map(sanitize_doc)
                .filter(|text| !text.is_empty())
            {
                doc_text.push_str(&format!("\n\nThe request body: {text}"));
            }
        }
        if let Some(body) = &body {
            if !body.alternatives.is_empty() {
                let others: Vec<String> = body
                    .alternatives
                    .iter()
                    .map(|media_type| format!("`{media_type}`"))
                    .collect();
                self.notes.push(format!(
                    "The request body is sent as `{}`; the spec also accepts {}.",
                    body.content_type,
                    others.join(", ")
                ));
            }
        }
        if !operation.callbacks.is_empty() {
            let names: Vec<String> = operation
                .callbacks
                .keys()
                .map(|name| format!("`{name}`"))
                .collect();
            self.notes.push(format!(
                "The spec describes callbacks ({}): requests the provider sends to the caller, so they are not generated.",
                names.join(", ")
            ));
        }
        for note in self.notes.drain(..) {
            doc_text.push_str("\n\n");
            doc_text.push_str(&note);
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
            server,
            success,
            error_type,
            // Decided once every operation is known (`shared_shapes`).
            error_type_same_as: None,
            parameters_type_same_as: None,
            errors,
            security,
            // RFC 9110 idempotent methods; the token operation may be marked safe by the token plan.
            retry_safe: matches!(
                http_method,
                "get" | "head" | "options" | "put" | "delete" | "trace"
            ),
            error_messages: Vec::new(),
            body_client_credentials: Vec::new(),
            // Decided once every scheme and type is known (`oauth2_client`).
            oauth2_client_basic: false,
        })
    }

    fn resolve_parameter(
        &self,
        parameter: &'a ReferenceOr<openapiv3::Parameter>,
        pointer: &str,
    ) -> Result<(&'a openapiv3::Parameter, String), GeneratorError> {
        self.resolve_component(
            parameter,
            pointer,
            "parameters",
            "parameter",
            |components| &components.parameters,
        )
    }

    /// The object behind a `$ref` into `#/components/<section>`, with the pointer it was found at.
    ///
    /// One level only: a component that is itself a `$ref` is reported, as is a reference elsewhere.
    fn resolve_component<T>(
        &self,
        item: &'a ReferenceOr<T>,
        pointer: &str,
        section: &str,
        what: &str,
        components_of: impl Fn(
            &'a openapiv3::Components,
        ) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Result<(&'a T, String), GeneratorError> {
        let reference = match item {
            ReferenceOr::Item(object) => return Ok((object, pointer.to_string())),
            ReferenceOr::Reference { reference } => reference,
        };
        let prefix = format!("#/components/{section}/");
        if let Some(target) = self.context.reference_target(what, reference) {
            return Err(self.context.invalid(
                &pointer_push(pointer, "$ref"),
                format!("{what} `$ref: {reference}` points to {target}, not to a {what}"),
            ));
        }
        let Some(key) = reference.strip_prefix(&prefix) else {
            // The loader has already inlined every object an in-document pointer reaches.
            if reference.starts_with('#') {
                return Err(self.context.invalid(
                    &pointer_push(pointer, "$ref"),
                    format!("dangling `$ref: {reference}`: there is no {what} at that JSON pointer in the document"),
                ));
            }
            return Err(self.context.unsupported(
                &pointer_push(pointer, "$ref"),
                format!("{what} `$ref: {reference}` is not supported: only references within the document are (bundle external files first)"),
            ));
        };
        if key.contains('/') {
            // A pointer below a component: the loader inlines every one that reaches an object.
            return Err(self.context.invalid(
                &pointer_push(pointer, "$ref"),
                format!("dangling `$ref: {reference}`: there is no {what} at that JSON pointer in the document"),
            ));
        }
        let key = key.replace("~1", "/").replace("~0", "~");
        let key = key.as_str();
        let component_pointer = pointer_push(&format!("/components/{section}"), key);
        match self.document.components.as_ref().and_then(|components| components_of(components).get(key)) {
            Some(ReferenceOr::Item(object)) => Ok((object, component_pointer)),
            Some(ReferenceOr::Reference { .. }) => Err(self.context.unsupported(
                &component_pointer,
                format!("a {what} component that is itself a `$ref` is not supported"),
            )),
            None => Err(self.context.invalid(
                &pointer_push(pointer, "$ref"),
                format!("unresolved `$ref: {reference}`: there is no {what} `{key}` in #/components/{section}"),
            )),
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
            let mut query_style = QueryStyle::Form;
            let (data, location, explode) = match parameter {
                openapiv3::Parameter::Path { parameter_data, .. } => {
                    (parameter_data, ParameterLocation::Path, false)
                }
                openapiv3::Parameter::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    query_style = match style {
                        openapiv3::QueryStyle::Form => QueryStyle::Form,
                        openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                        openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                        openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                    };
                    // `explode` defaults to true only for `form` (OpenAPI 3.0.3, Parameter Object).
                    let default_explode = matches!(style, openapiv3::QueryStyle::Form);
                    (
                        parameter_data,
                        ParameterLocation::Query,
                        parameter_data.explode.unwrap_or(default_explode),
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
                style: query_style,
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
        // A header or cookie name outside RFC 9110's `token` cannot be sent (a header) or would
        // split into other cookies (`a=b; c`): every call would fail, or send what the spec does not say.
        if matches!(
            raw.location,
            ParameterLocation::Header | ParameterLocation::Cookie
        ) && !crate::naming::is_http_token(&data.name)
        {
            return Err(self.context.invalid(
                &pointer_push(&raw.pointer, "name"),
                format!(
                    "the {} parameter name `{}` is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~), so it cannot be sent",
                    if raw.location == ParameterLocation::Header { "header" } else { "cookie" },
                    data.name
                ),
            ));
        }
        let wanted = snake_case_name(&data.name, "parameter");
        let rust_name = names.claim(&wanted);
        if rust_name != wanted {
            self.renamed.push(format!(
                "parameter `{}` at {} is the field `{rust_name}` of `{type_prefix}Params`: `{wanted}` is taken by an earlier parameter",
                data.name, raw.pointer
            ));
        }
        let hint = format!("{type_prefix}{}", pascal_case_name(&data.name, "Parameter"));
        let type_ref = match &data.format {
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
            // `content` with one media type: the value's type comes from that media type's schema.
            ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((
                    media_type,
                    openapiv3::MediaType {
                        schema: Some(schema),
                        ..
                    },
                )) => {
                    let schema_pointer = pointer_push(
                        &pointer_push(&pointer_push(&raw.pointer, "content"), media_type),
                        "schema",
                    );
                    self.schemas.type_ref(
                        SchemaView::from(schema),
                        Position {
                            pointer: &schema_pointer,
                            name_hint: &hint,
                            wire_name: Some(&data.name),
                        },
                    )?
                }
                _ => TypeRef::String,
            },
        };
        let required = data.required || raw.location == ParameterLocation::Path;
        // A path parameter must say `required: true`; one that does not is still part of the path,
        // so it is treated as required rather than rejected.
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
        let sample = parameter_sample(data, self.schemas);
        let array_bounds = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                self.schemas.array_bounds_of(SchemaView::from(schema))
            }
            ParameterSchemaOrContent::Content(_) => None,
        };
        Ok(Parameter {
            rust_name,
            wire_name: data.name.clone(),
            location: raw.location,
            type_ref,
            required,
            explode: raw.explode,
            style: raw.style,
            docs,
            sample,
            array_bounds,
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
    ) -> Result<Option<RequestBody>, GeneratorError> {
        let (body, body_pointer) = self.resolve_component(
            body,
            pointer,
            "requestBodies",
            "request body",
            |components| &components.request_bodies,
        )?;
        // The preferred media type is sent; the others are named in the method's docs. JSON with a
        // file property comes last: it cannot carry the file's bytes.
        let document = self.document;
        let Some((media_type, media)) = body.content.iter().min_by_key(|(media_type, media)| {
            let kind = media::media_kind(media_type);
            let file_in_json = kind == MediaKind::Json
                && media::has_file_property(media.schema.as_ref(), document);
            (file_in_json, kind)
        }) else {
            return Ok(None);
        };
        let kind = media::media_kind(media_type);
        let alternatives: Vec<String> = body
            .content
            .keys()
            .filter(|other| *other != media_type)
            .cloned()
            .collect();
        let binary_schema = media::is_binary_schema(media.schema.as_ref());
        let (encoding, content_type) = match kind {
            MediaKind::Json if binary_schema => (BodyEncoding::Binary, media_type.clone()),
            MediaKind::Json => (BodyEncoding::Json, media_type.clone()),
            MediaKind::Form => (BodyEncoding::Form, media_type.clone()),
            MediaKind::Multipart => (BodyEncoding::Multipart, media_type.clone()),
            MediaKind::Text => (BodyEncoding::Text, media_type.clone()),
            MediaKind::Binary => (BodyEncoding::Binary, media_type.clone()),
            MediaKind::Any if media.schema.is_some() && !binary_schema => {
                (BodyEncoding::Json, "application/json".to_string())
            }
            MediaKind::Any => (BodyEncoding::Binary, "application/octet-stream".to_string()),
        };
        let media_pointer = pointer_push(&pointer_push(&body_pointer, "content"), media_type);
        let hint = format!("{type_prefix}Request");
        let type_ref = match (&media.schema, encoding) {
            (_, BodyEncoding::Text) => TypeRef::String,
            (_, BodyEncoding::Binary) => TypeRef::Bytes,
            (Some(schema), _) => self.schemas.type_ref(
                SchemaView::from(schema),
                Position {
                    pointer: &pointer_push(&media_pointer, "schema"),
                    name_hint: &hint,
                    wire_name: None,
                },
            )?,
            (None, BodyEncoding::Json) => TypeRef::Json,
            (None, _) => TypeRef::JsonObject,
        };
        if matches!(encoding, BodyEncoding::Form | BodyEncoding::Multipart)
            && !self.is_object_like(&type_ref)
        {
            return Err(self.context.unsupported(
                &pointer_push(&media_pointer, "schema"),
                format!("a `{media_type}` body must be an object schema"),
            ));
        }
        let binary_fields = if encoding == BodyEncoding::Multipart {
            self.binary_fields(&type_ref)
        } else {
            Vec::new()
        };
        Ok(Some(RequestBody {
            content_type,
            encoding,
            type_ref,
            required: body.required,
            binary_fields,
            alternatives,
        }))
    }

    /// Whether a type serializes as an object (a struct, a map, or JSON that may be one).
    fn is_object_like(&self, type_ref: &TypeRef) -> bool {
        match type_ref {
            TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::Json => true,
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => self.is_object_like(inner),
            TypeRef::Named(name) => match self
                .schemas
                .types
                .iter()
                .find(|definition| &definition.name == name)
                .map(|definition| &definition.kind)
            {
                Some(TypeKind::Alias { target }) => self.is_object_like(target),
                Some(TypeKind::StringEnum { .. }) => false,
                _ => true,
            },
            _ => false,
        }
    }

    /// The wire names of a multipart body's fields that hold raw bytes (file parts): a file, an
    /// array of files, or a union with one of those as a member (OpenAI's `files`: one zip file or
    /// a directory's files).
    fn binary_fields(&self, type_ref: &TypeRef) -> Vec<String> {
        let kind_of = |name: &str| {
            self.schemas
                .types
                .iter()
                .find(|definition| definition.name == name)
                .map(|definition| &definition.kind)
        };
        let holds_bytes = |type_ref: &TypeRef| {
            fn holds_bytes<'t>(
                type_ref: &TypeRef,
                kind_of: &dyn Fn(&str) -> Option<&'t TypeKind>,
                depth: usize,
            ) -> bool {
                match type_ref {
                    TypeRef::Bytes => true,
                    TypeRef::Option(inner) | TypeRef::Vec(inner) | TypeRef::Boxed(inner) => {
                        holds_bytes(inner, kind_of, depth)
                    }
                    TypeRef::Named(name) if depth > 0 => match kind_of(name) {
                        Some(TypeKind::Union { variants, .. }) => variants
                            .iter()
                            .any(|variant| holds_bytes(&variant.type_ref, kind_of, depth - 1)),
                        Some(TypeKind::Alias { target }) => holds_bytes(target, kind_of, depth - 1),
                        _ => false,
                    },
                    _ => false,
                }
            }
            holds_bytes(type_ref, &kind_of, 4)
        };
        let TypeRef::Named(name) = type_ref else {
            return Vec::new();
        };
        match kind_of(name) {
            Some(TypeKind::Struct { fields, .. }) => fields
                .iter()
                .filter(|field| holds_bytes(&field.type_ref))
                .map(|field| field.wire_name.clone())
                .collect(),
            Some(TypeKind::Alias { target }) => self.binary_fields(target),
            _ => Vec::new(),
        }
    }

    fn lower_responses(
        &mut self,
        browser_navigation: bool,
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
            if first_digit == 1 {
                // An interim response (`101 Switching Protocols`, say) is not an outcome of a call.
                self.notes.push(format!(
                    "The spec documents a `{}` response (a protocol upgrade or interim response), which this client does not handle.",
                    status_reason_text(status)
                ));
                continue;
            }
            let cases = self.lower_response(status, response, &hint, &response_pointer)?;
            match first_digit {
                0 => default_case = Some(cases),
                2 => successes.extend(cases),
                3 => redirects.extend(cases),
                4 | 5 => errors.extend(cases),
                _ => {
                    return Err(self.context.invalid(
                        &response_pointer,
                        "status codes must be between 100 and 599",
                    ))
                }
            }
        }
        // Only a browser navigation (a GET of a URL alone) is a URL to hand to a browser; any other
        // request (a login form's POST answering 303, a GET with a header or credentials) must be sent.
        let kind = match (
            successes.is_empty() && !redirects.is_empty(),
            browser_navigation,
        ) {
            (true, true) => OperationKind::UrlBuilder,
            (true, false) => OperationKind::RedirectCall,
            (false, _) => OperationKind::Call,
        };
        if kind == OperationKind::Call {
            // The client follows no redirects, so a documented redirect is an outcome the caller handles.
            errors.splice(0..0, redirects.drain(..));
        }
        if let Some(default_cases) = default_case {
            if successes.is_empty() && kind == OperationKind::Call {
                // Only `default` documents the body; it describes success as well as failure.
                for default_case in &default_cases {
                    let mut success = default_case.clone();
                    success.status = StatusMatch::Range(2);
                    success.variant_name =
                        default_case.variant_name.replacen("Default", "Success", 1);
                    successes.push(success);
                }
            }
            errors.extend(default_cases);
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
        let success_cases = match kind {
            OperationKind::Call => successes,
            OperationKind::UrlBuilder => redirects,
            // The answer is the `Location`: one case per status, with no body to read.
            OperationKind::RedirectCall => {
                let mut cases: Vec<ResponseCase> = Vec::new();
                for mut case in redirects {
                    if cases.iter().any(|known| known.status == case.status) {
                        continue;
                    }
                    case.variant_name = status_variant_name(case.status);
                    case.encoding = BodyEncoding::Empty;
                    case.media_type = None;
                    case.type_ref = TypeRef::Unit;
                    cases.push(case);
                }
                cases
            }
        };
        let distinct_types: BTreeSet<&TypeRef> =
            success_cases.iter().map(|case| &case.type_ref).collect();
        // A redirect call returns the `Location`, whatever body the redirect documents.
        let enum_name = if distinct_types.len() > 1 && kind != OperationKind::RedirectCall {
            Some(
                self.schemas
                    .type_names
                    .claim_outside(&format!("{type_prefix}Success"), PROVIDER_MODULE_ITEM_NAMES),
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
    ) -> Result<Vec<ResponseCase>, GeneratorError> {
        let (response, response_pointer) =
            self.resolve_component(response, pointer, "responses", "response", |components| {
                &components.responses
            })?;
        let description = sanitize_doc(&response.description);
        let docs = Docs {
            text: if description.is_empty() {
                status_reason_text(status)
            } else {
                format!("{}: {description}", status_reason_text(status))
            },
        };
        let variant_name = status_variant_name(status);
        // HTTP gives these statuses no body (RFC 9110, sections 15.3.5, 15.3.6 and 15.4.5), so a
        // schema documented for one describes nothing a server sends: the case is bodiless.
        let bodiless_status = matches!(status, StatusMatch::Code(204 | 205 | 304));
        if bodiless_status && !response.content.is_empty() {
            self.notes.push(format!(
                "The spec documents a body for `{}`, a status HTTP sends without one: it is read as no body.",
                status_reason_text(status)
            ));
        }
        if response.content.is_empty() || bodiless_status {
            return Ok(vec![ResponseCase {
                status,
                variant_name,
                encoding: BodyEncoding::Empty,
                media_type: None,
                type_ref: TypeRef::Unit,
                docs,
            }]);
        }
        // One case per kind of body the status documents: JSON, text, raw bytes.
        let mut chosen: Vec<(BodyEncoding, &String, &openapiv3::MediaType)> = Vec::new();
        for (media_type, media) in &response.content {
            let binary_schema = media::is_binary_schema(media.schema.as_ref());
            let encoding = match media::media_kind(media_type) {
                MediaKind::Json if !binary_schema => BodyEncoding::Json,
                MediaKind::Any if media.schema.is_some() && !binary_schema => BodyEncoding::Json,
                MediaKind::Text | MediaKind::Form => BodyEncoding::Text,
                _ => BodyEncoding::Binary,
            };
            if !chosen.iter().any(|(existing, _, _)| *existing == encoding) {
                chosen.push((encoding, media_type, media));
            }
        }
        chosen.sort_by_key(|(encoding, _, _)| match encoding {
            BodyEncoding::Json => 0,
            BodyEncoding::Text => 1,
            _ => 2,
        });
        let several = chosen.len() > 1;
        let mut cases = Vec::new();
        for (encoding, media_type, media) in chosen {
            let media_pointer =
                pointer_push(&pointer_push(&response_pointer, "content"), media_type);
            let type_ref = match (encoding, &media.schema) {
                (BodyEncoding::Text, _) => TypeRef::String,
                (BodyEncoding::Binary, _) => TypeRef::Bytes,
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
            let variant_name = if several {
                let suffix = match encoding {
                    BodyEncoding::Json => "Json",
                    BodyEncoding::Text => "Text",
                    _ => "Binary",
                };
                format!("{variant_name}{suffix}")
            } else {
                variant_name.clone()
            };
            cases.push(ResponseCase {
                status,
                variant_name,
                encoding,
                media_type: Some(media_type.clone()),
                type_ref,
                docs: docs.clone(),
            });
        }
        Ok(cases)
    }
}

/// A parameter's sample: its own `example` (or first `examples` value), else its schema's.
fn parameter_sample(
    data: &openapiv3::ParameterData,
    schemas: &SchemaLowering<'_>,
) -> Option<serde_json::Value> {
    let named_example = data.examples.values().find_map(|example| match example {
        ReferenceOr::Item(example) => example.value.as_ref(),
        ReferenceOr::Reference { .. } => None,
    });
    super::samples::given_sample(data.example.as_ref().or(named_example)).or_else(|| {
        match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schemas.sample_of(SchemaView::from(schema)),
            ParameterSchemaOrContent::Content(_) => None,
        }
    })
}
