//! Lower stage: an `openapiv3::OpenAPI` plus provider settings to the plain-data IR in `crate::ir`.

mod alias_graph;
mod discriminator_values;
mod media;
mod messages;
mod oauth2_client;
mod operations;
mod recursion;
mod required_alternatives;
mod samples;
mod schemas;
mod security;
mod servers;
mod shared_shapes;
mod skip;
mod status;
mod token;
mod union_shapes;

pub use operations::is_json_media_type;
pub use recursion::has_default;
pub use status::status_reason_text;

use crate::config::ProviderConfig;
use crate::error::{ErrorContext, GeneratorError};
use crate::ir::{ApiModule, Operation, SecurityScheme};
use crate::naming::{sanitize_doc, scheme_method_names, UniqueNames, CLIENT_METHOD_NAMES};
use operations::OperationLowering;
use schemas::SchemaLowering;
use security::SecurityLowering;

/// Lowers one document to the IR of one module.
pub fn lower_api(
    context: &ErrorContext,
    document: &openapiv3::OpenAPI,
    config: &ProviderConfig,
) -> Result<ApiModule, GeneratorError> {
    lower_api_with(context, document, config, false).map(|(api, _)| api)
}

/// Lowers one document; with `skip_invalid`, defective schemas and operations (and whatever uses
/// them) are left out instead of failing, and returned as the errors they would have given.
pub fn lower_api_with(
    context: &ErrorContext,
    document: &openapiv3::OpenAPI,
    config: &ProviderConfig,
    skip_invalid: bool,
) -> Result<(ApiModule, Vec<GeneratorError>), GeneratorError> {
    let empty_schemas = indexmap::IndexMap::new();
    let component_schemas = document
        .components
        .as_ref()
        .map_or(&empty_schemas, |components| &components.schemas);
    let mut schema_lowering =
        SchemaLowering::new(context, component_schemas, UniqueNames::for_types());
    schema_lowering.skip_invalid = skip_invalid;
    schema_lowering.lower_components()?;
    alias_graph::resolve_alias_cycles(
        context,
        &mut schema_lowering.types,
        &schema_lowering.type_pointers,
    )?;
    alias_graph::check_type_nesting(
        context,
        &schema_lowering.types,
        &schema_lowering.type_pointers,
    )?;

    let config_context = config.error_context();
    let mut security = SecurityLowering::new(
        context,
        &config_context,
        document,
        config
            .oauth2_client_basic_schemes
            .as_deref()
            .unwrap_or_default(),
    )?;
    let mut method_names = UniqueNames::new();
    for reserved in CLIENT_METHOD_NAMES {
        method_names.reserve(reserved);
    }
    for scheme in &security.schemes {
        for name in scheme_method_names(&scheme.rust_name) {
            method_names.reserve(&name);
        }
    }
    let mut server_plan = servers::ServerPlan::for_document(context, document)?;
    let mut operation_lowering = OperationLowering {
        context,
        config_context: &config_context,
        document,
        schemas: &mut schema_lowering,
        security: &mut security,
        servers: &mut server_plan,
        method_names,
        renames: &config.operations,
        used_renames: Default::default(),
        skip_invalid,
        skipped: Vec::new(),
        notes: Vec::new(),
        planned_method_names: Default::default(),
        renamed: Vec::new(),
    };
    let mut operations = operation_lowering.lower_all()?;
    let mut operation_skips = std::mem::take(&mut operation_lowering.skipped);
    let mut operation_renames = std::mem::take(&mut operation_lowering.renamed);
    let mut scheme_renames = std::mem::take(&mut operation_lowering.security.renamed);
    let mut skipped = std::mem::take(&mut schema_lowering.skipped);
    skipped.append(&mut operation_skips);

    let mut renamed = std::mem::take(&mut schema_lowering.renamed);
    renamed.append(&mut operation_renames);
    renamed.append(&mut scheme_renames);
    let mut types = schema_lowering.types;
    skip::cascade(
        context,
        &schema_lowering.skipped_names,
        &schema_lowering.type_pointers,
        &mut types,
        &mut operations,
        &mut skipped,
    );
    recursion::box_recursive_fields(&mut types);
    alias_graph::check_containment_depth(context, &types, &schema_lowering.type_pointers)?;
    recursion::decide_default_derives(&mut types);
    messages::decide_error_messages(&mut operations, &types);
    let token = match &config.token {
        Some(token_config) => Some(token::lower_token_plan(
            &config_context,
            token_config,
            &mut operations,
            &types,
        )?),
        None => None,
    };

    let mut description = document
        .info
        .description
        .as_deref()
        .map(sanitize_doc)
        .filter(|text| !text.is_empty());
    if let Some(note) = server_plan.omission_note.take() {
        description = Some(match description {
            Some(description) => format!("{description}\n\n{note}"),
            None => note,
        });
    }
    let (security_schemes, mut operations) =
        keep_used_schemes(security.schemes, &security.used, operations);
    // A config that lists the schemes decides alone; without one, the document says.
    let token_paths = match config.oauth2_client_basic_schemes {
        Some(_) => Vec::new(),
        None => oauth2_client::token_endpoint_paths(document),
    };
    oauth2_client::mark_oauth2_client_basic(
        &mut operations,
        &security_schemes,
        &types,
        config.oauth2_client_basic_schemes.is_none(),
        &token_paths,
    );
    messages::decide_body_client_credentials(&mut operations, &types);
    shared_shapes::share_identical_error_and_parameter_types(&mut operations);
    let api = ApiModule {
        module_name: config.module.clone(),
        display_name: config.display_name.clone(),
        // Both are quoted in the module's and the client's docs.
        title: crate::naming::visible_in_doc(&crate::naming::escape_prose_line(
            &document.info.title.replace(['\n', '\r'], " "),
        )),
        description,
        api_version: crate::naming::visible_in_doc(&crate::naming::escape_prose_line(
            &document.info.version.replace(['\n', '\r'], " "),
        )),
        default_base_url: server_plan.default_base_url,
        base_reference: server_plan.base_reference,
        servers: server_plan.servers,
        types,
        operations,
        security_schemes,
        token,
        renamed,
    };
    Ok((api, skipped))
}

/// Drops schemes no operation uses and renumbers the operations' references to the rest.
fn keep_used_schemes(
    schemes: Vec<SecurityScheme>,
    used: &[bool],
    mut operations: Vec<Operation>,
) -> (Vec<SecurityScheme>, Vec<Operation>) {
    let mut new_index = Vec::with_capacity(schemes.len());
    let mut kept = Vec::new();
    for (scheme, is_used) in schemes.into_iter().zip(used) {
        new_index.push(kept.len());
        if *is_used {
            kept.push(scheme);
        }
    }
    for operation in &mut operations {
        for alternative in &mut operation.security {
            for index in alternative.iter_mut() {
                *index = new_index[*index];
            }
        }
    }
    (kept, operations)
}
