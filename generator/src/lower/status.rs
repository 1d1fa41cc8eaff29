//! Names for HTTP statuses: error-enum and success-enum variant names.

use crate::ir::StatusMatch;

/// A PascalCase variant name for a documented status (`400` -> `BadRequest`).
pub fn status_variant_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match standard_reason(code) {
            Some(reason) => reason.to_string(),
            None => format!("Status{code}"),
        },
        StatusMatch::Range(first_digit) => format!("Status{first_digit}xx"),
        StatusMatch::Default => "Default".to_string(),
    }
}

/// The reason phrase for a status, for docs and `Display` (`400` -> `Bad Request`).
pub fn status_reason_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match standard_reason(code) {
            Some(reason) => format!("{code} {}", split_pascal(reason)),
            None => code.to_string(),
        },
        StatusMatch::Range(first_digit) => format!("{first_digit}XX"),
        StatusMatch::Default => "default".to_string(),
    }
}

fn split_pascal(name: &str) -> String {
    let mut text = String::new();
    for character in name.chars() {
        if character.is_ascii_uppercase() && !text.is_empty() {
            text.push(' ');
        }
        text.push(character);
    }
    text
}

fn standard_reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        418 => "ImATeapot",
        421 => "MisdirectedRequest",
        422 => "UnprocessableEntity",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        _ => return None,
    })
}
