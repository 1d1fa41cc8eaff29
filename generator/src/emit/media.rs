//! Emits what media types and parameter styles need beyond JSON, forms and text: the statement that
//! sends a request body of any encoding, and query parameters in the non-`form` styles.

use crate::ir::{BodyEncoding, Parameter, QueryStyle, RequestBody};
use crate::naming::to_identifier_tokens;
use proc_macro2::TokenStream;
use quote::quote;

/// `request = request.header(CONTENT_TYPE, ..).body(..);` for `body` (bound as `body`).
pub fn send_body(body: &RequestBody) -> TokenStream {
    let content_type = &body.content_type;
    match body.encoding {
        BodyEncoding::Json => quote! {
            request = request.header(reqwest::header::CONTENT_TYPE, #content_type).body(crate::runtime::json_body(OPERATION, body)?);
        },
        BodyEncoding::Form => quote! {
            request = request.header(reqwest::header::CONTENT_TYPE, #content_type).body(crate::runtime::form_body(OPERATION, body)?);
        },
        BodyEncoding::Text | BodyEncoding::Empty => quote! {
            request = request.header(reqwest::header::CONTENT_TYPE, #content_type).body(body.to_string());
        },
        BodyEncoding::Binary => quote! {
            request = request.header(reqwest::header::CONTENT_TYPE, #content_type).body(body.as_bytes().to_vec());
        },
        BodyEncoding::Multipart => {
            let binary_fields = &body.binary_fields;
            quote! {
                let (content_type, multipart) = crate::runtime::multipart_body(OPERATION, body, &[#( #binary_fields ),*])?;
                request = request.header(reqwest::header::CONTENT_TYPE, content_type).body(multipart);
            }
        }
    }
}

/// The statement that adds a query parameter in a style other than `form` (`None` for `form`).
pub fn styled_query(parameter: &Parameter) -> Option<TokenStream> {
    let field = to_identifier_tokens(&parameter.rust_name);
    let wire = &parameter.wire_name;
    let delimiter = match parameter.style {
        QueryStyle::Form => return None,
        // Exploded, these styles are the same as exploded `form`: one pair per item.
        QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited if parameter.explode => return None,
        QueryStyle::SpaceDelimited => " ",
        QueryStyle::PipeDelimited => "|",
        QueryStyle::DeepObject => {
            return Some(quote! {
                crate::runtime::append_query_deep_object(OPERATION, &mut query, #wire, &parameters.#field)?;
            })
        }
    };
    Some(quote! {
        crate::runtime::append_query_delimited(OPERATION, &mut query, #wire, &parameters.#field, #delimiter)?;
    })
}
