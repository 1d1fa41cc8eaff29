//! Lowers security schemes and each operation's security requirements.

use crate::error::{pointer_push, ErrorContext, GeneratorError};
use crate::ir::{Docs, ParameterLocation, SecurityScheme, SecuritySchemeKind};
use crate::naming::{claim_scheme_field, sanitize_doc, snake_case_name, UniqueNames};
use openapiv3::{OpenAPI, ReferenceOr};

/// Collects the schemes operations use, in `components.securitySchemes` order.
pub struct SecurityLowering<'a> {
    context: &'a ErrorContext,
    document: &'a OpenAPI,
    /// Every scheme of the document, lowered up front so indices are stable.
    pub schemes: Vec<SecurityScheme>,
    /// Whether some operation uses the scheme at the same index.
    pub used: Vec<bool>,
    /// Schemes the client cannot send (HTTP schemes other than bearer and basic), with their scheme.
    pub unsent: Vec<(String, String)>,
    /// Notes for the operation whose requirements were read last.
    pub notes: Vec<String>,
    /// Schemes whose `Credentials` field (and `Client` method) is not the name they asked for,
    /// reported as `note:` lines like every other renamed item.
    pub renamed: Vec<String>,
}

impl<'a> SecurityLowering<'a> {
    /// Lowers every scheme in `components.securitySchemes`.
    pub fn new(
        context: &'a ErrorContext,
        config_context: &ErrorContext,
        document: &'a OpenAPI,
        oauth2_client_basic_schemes: &'a [String],
    ) -> Result<Self, GeneratorError> {
        let mut schemes = Vec::new();
        let mut unsent = Vec::new();
        let mut names = UniqueNames::new();
        let mut renamed = Vec::new();
        if let Some(components) = &document.components {
            for (key, scheme) in &components.security_schemes {
                let pointer = pointer_push("/components/securitySchemes", key);
                let ReferenceOr::Item(scheme) = scheme else {
                    return Err(context.unsupported(
                        &pointer,
                        "a security scheme that is a `$ref` is not supported",
                    ));
                };
                let (kind, description) = match scheme {
                    openapiv3::SecurityScheme::HTTP {
                        scheme,
                        description,
                        ..
                    } => {
                        let kind = match scheme.to_ascii_lowercase().as_str() {
                            "bearer" => SecuritySchemeKind::Bearer,
                            "basic" => SecuritySchemeKind::Basic {
                                oauth2_client: oauth2_client_basic_schemes.contains(key),
                            },
                            // Other schemes (`digest`, `negotiate`, Okta's `postbody`, ...) are not
                            // sent by the client: an operation that needs one documents it, and the
                            // caller supplies what it needs (for `postbody`, fields of the body).
                            other => {
                                unsent.push((key.clone(), other.to_string()));
                                continue;
                            }
                        };
                        (kind, description)
                    }
                    openapiv3::SecurityScheme::APIKey {
                        location,
                        name,
                        description,
                        ..
                    } => {
                        let location = match location {
                            openapiv3::APIKeyLocation::Header => ParameterLocation::Header,
                            openapiv3::APIKeyLocation::Query => ParameterLocation::Query,
                            openapiv3::APIKeyLocation::Cookie => ParameterLocation::Cookie,
                        };
                        // A header or cookie name outside HTTP's `token` cannot be sent, or (a
                        // cookie `a=b; c`) would send other cookies than the one the spec names.
                        if location != ParameterLocation::Query
                            && !crate::naming::is_http_token(name)
                        {
                            return Err(context.invalid(
                                &pointer_push(&pointer, "name"),
                                format!("the API key name `{name}` is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~), so it cannot be sent in a header or a cookie"),
                            ));
                        }
                        (
                            SecuritySchemeKind::ApiKey {
                                location,
                                parameter_name: name.clone(),
                            },
                            description,
                        )
                    }
                    // The access token these flows issue travels as a bearer token.
                    openapiv3::SecurityScheme::OAuth2 { description, .. }
                    | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                        (SecuritySchemeKind::Bearer, description)
                    }
                };
                let fallback = format!("Credentials for the `{key}` security scheme.");
                let text = description
                    .as_deref()
                    .map(sanitize_doc)
                    .filter(|text| !text.is_empty())
                    .unwrap_or(fallback);
                let wanted = snake_case_name(key, "scheme");
                let rust_name = claim_scheme_field(
                    &mut names,
                    &wanted,
                    matches!(kind, SecuritySchemeKind::Bearer),
                );
                if rust_name != wanted {
                    let setter = crate::naming::scheme_setter_method(&rust_name);
                    renamed.push(format!(
                        "security scheme `{key}` is the credentials field `{rust_name}` (method `{setter}`): `{wanted}` is taken by another scheme"
                    ));
                }
                schemes.push(SecurityScheme {
                    spec_name: key.clone(),
                    rust_name,
                    kind,
                    docs: Docs { text },
                });
            }
        }
        for key in oauth2_client_basic_schemes {
            if !schemes.iter().any(|scheme| {
                &scheme.spec_name == key && matches!(scheme.kind, SecuritySchemeKind::Basic { .. })
            }) {
                return Err(config_context.invalid(
                    "/oauth2_client_basic_schemes",
                    format!("oauth2_client_basic_schemes lists `{key}`, but the spec has no HTTP basic scheme of that name"),
                ));
            }
        }
        let used = vec![false; schemes.len()];
        Ok(SecurityLowering {
            context,
            document,
            schemes,
            used,
            unsent,
            notes: Vec::new(),
            renamed,
        })
    }

    /// The alternatives an operation accepts: the operation's own `security`, else the document's.
    pub fn requirements_for(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &str,
    ) -> Result<Vec<Vec<usize>>, GeneratorError> {
        let (requirements, requirements_pointer) = match &operation.security {
            Some(requirements) => (requirements, pointer_push(pointer, "security")),
            None => match &self.document.security {
                Some(requirements) => (requirements, "/security".to_string()),
                None => return Ok(Vec::new()),
            },
        };
        let mut alternatives = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            let mut alternative = Vec::new();
            for name in requirement.keys() {
                if let Some((_, scheme)) = self.unsent.iter().find(|(key, _)| key == name) {
                    self.notes.push(format!(
                        "The spec names the `{name}` security scheme (HTTP `{scheme}`), which this client does not send; supply what it needs yourself."
                    ));
                    continue;
                }
                let Some(scheme_index) = self
                    .schemes
                    .iter()
                    .position(|scheme| &scheme.spec_name == name)
                else {
                    return Err(self.context.invalid(
                        &pointer_push(&requirements_pointer, &index.to_string()),
                        format!("security requirement names `{name}`, which is not in #/components/securitySchemes"),
                    ));
                };
                self.used[scheme_index] = true;
                alternative.push(scheme_index);
            }
            // Requirements that differ only in scopes send the same credentials: one is enough,
            // and a repeated one would be an `if` branch that can never run.
            alternative.sort_unstable();
            alternative.dedup();
            if !alternatives.contains(&alternative) {
                alternatives.push(alternative);
            }
        }
        Ok(alternatives)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::ProviderConfig;
    use crate::{CrateOptions, ProviderSource};

    /// A spec whose schemes `first` and `second` are both sent by its one operation.
    fn spec_with_schemes(first: &str, second: &str) -> String {
        format!(
            r#"openapi: 3.0.3
info: {{title: schemes, version: "1"}}
components:
  securitySchemes:
{first}
{second}
paths:
  /things:
    get:
      operationId: listThings
      security: [{{api: [], api_tokens: [], apiTokens: []}}]
      responses:
        "204": {{description: done}}
"#
        )
    }

    /// The `Credentials` field names and the `Client` method names of the generated module.
    fn credentials_fields_and_client_methods(spec: &str) -> (Vec<String>, Vec<String>) {
        let source = ProviderSource {
            spec_path: "schemes.yaml".to_string(),
            spec_bytes: spec.as_bytes(),
            config: ProviderConfig::for_standalone_spec("schemes", "schemes.yaml"),
        };
        let options = CrateOptions {
            crate_name: "schemes".to_string(),
            description: "schemes".to_string(),
            standalone: true,
            skip_invalid: false,
        };
        let generated =
            crate::generate_crate(&options, &[source]).unwrap_or_else(|error| panic!("{error}"));
        let module = generated
            .files
            .iter()
            .find(|file| file.path == "src/schemes.rs")
            .expect("the provider module");
        let file = syn::parse_file(&module.contents).expect("the module parses");
        let mut fields = Vec::new();
        let mut methods = Vec::new();
        for item in &file.items {
            match item {
                syn::Item::Struct(item) if item.ident == "Credentials" => {
                    fields.extend(
                        item.fields
                            .iter()
                            .filter_map(|field| field.ident.as_ref().map(ToString::to_string)),
                    );
                }
                syn::Item::Impl(item) if matches!(&*item.self_ty, syn::Type::Path(path) if path.path.is_ident("Client")) =>
                {
                    methods.extend(item.items.iter().filter_map(|item| match item {
                        syn::ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
                        _ => None,
                    }));
                }
                _ => {}
            }
        }
        (fields, methods)
    }

    fn assert_all_distinct(names: &[String], what: &str) {
        let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
        assert_eq!(
            distinct.len(),
            names.len(),
            "{what} repeat a name: {names:?}"
        );
    }

    #[test]
    fn a_scheme_named_like_another_bearer_schemes_token_source_gets_distinct_credentials_fields() {
        let bearer = "    api: {type: http, scheme: bearer}";
        let api_key = "    api_tokens: {type: apiKey, in: header, name: X-Api-Token}\n    apiTokens: {type: http, scheme: bearer}";
        // Both orders: the bearer scheme's token source field is taken first, or its name is.
        for (first, second) in [(bearer, api_key), (api_key, bearer)] {
            let (fields, methods) =
                credentials_fields_and_client_methods(&spec_with_schemes(first, second));
            // Three schemes, two of them bearer (each with a token source field).
            assert_eq!(fields.len(), 5, "{fields:?}");
            assert_all_distinct(&fields, "Credentials fields");
            assert_all_distinct(&methods, "Client methods");
        }
    }
}
