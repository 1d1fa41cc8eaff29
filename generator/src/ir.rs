//! The intermediate representation: plain data with every `$ref` resolved, every name final, every decision made.
//!
//! `lower` builds it from an OpenAPI document; `emit` turns it into tokens without consulting the spec again.

/// One provider's API: what becomes one Rust module.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiModule {
    /// Module (and Cargo feature) name.
    pub module_name: String,
    /// Human name of the provider.
    pub display_name: String,
    /// `info.title`.
    pub title: String,
    /// `info.description`, sanitized for rustdoc.
    pub description: Option<String>,
    /// `info.version`.
    pub api_version: String,
    /// The document's first server when it is absolute, with variables at their defaults.
    pub default_base_url: Option<String>,
    /// The document's first server when it is relative (`/api/v1`): the client resolves it against
    /// the base URL it is given, which supplies the scheme and host.
    pub base_reference: Option<String>,
    /// Servers of paths and operations that differ from the document's; each gets a client field,
    /// a constant and an override method.
    pub servers: Vec<Server>,
    /// Named types, in a deterministic order (components first, then inline types per operation).
    pub types: Vec<TypeDefinition>,
    /// Operations in document order.
    pub operations: Vec<Operation>,
    /// The security schemes some operation uses, in `components.securitySchemes` order.
    pub security_schemes: Vec<SecurityScheme>,
    /// The token source to generate, when `provider.toml` configures one.
    pub token: Option<TokenPlan>,
    /// One line per name the generator had to change because another name took it (reported, not emitted).
    pub renamed: Vec<String>,
}

/// A server some paths or operations are sent to instead of the document's.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// snake_case stem of the client field (`server_<name>`) and the constant (`<NAME>_SERVER_URL`).
    pub rust_name: String,
    /// The client method that replaces this server's URL.
    pub override_method: String,
    /// The URL with variables at their defaults (no trailing `/`); `None` when the defaults give no
    /// usable URL, so the caller must set one.
    pub url: Option<String>,
    /// The URL template as the spec writes it.
    pub declared_url: String,
    /// A reference (`/v2`) resolved against the client's base URL, rather than an absolute URL.
    pub relative: bool,
    /// Rustdoc.
    pub docs: Docs,
}

/// Everything the emitter needs to generate a provider's token source.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenPlan {
    /// Index of the token operation in `ApiModule::operations`.
    pub operation: usize,
    /// The access token field of the success body.
    pub access_token: TokenField,
    /// How the lifetime is given.
    pub lifetime: TokenLifetime,
    /// The refresh token field, when there is one.
    pub refresh_token: Option<TokenField>,
    /// The refresh token's expiry field, when there is one.
    pub refresh_token_expires_at: Option<TokenField>,
    /// Client credentials, or authorization code.
    pub flow: TokenFlowPlan,
    /// The refresh operation, when the spec offers one.
    pub refresh: Option<RefreshPlan>,
}

/// A field of the token response the token source reads.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenField {
    /// Rust field name.
    pub rust_name: String,
    /// The field's type (`Option` when not required).
    pub type_ref: TypeRef,
}

/// Where the token's lifetime comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenLifetime {
    /// Seconds from now.
    ExpiresIn(TokenField),
    /// An absolute date-time.
    ExpiresAt(TokenField),
    /// Not given.
    Unknown,
}

/// How tokens are obtained.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenFlowPlan {
    /// Issue with stored credentials.
    ClientCredentials,
    /// Exchange a code from a browser authorization.
    AuthorizationCode {
        /// Index of the URL-builder operation.
        authorize_operation: usize,
        /// Wire name of the request field that carries the code.
        code_field: String,
    },
}

/// The refresh operation.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshPlan {
    /// Index of the operation.
    pub operation: usize,
    /// Wire name of the request field for the refresh token.
    pub refresh_token_field: String,
    /// Fixed request fields (wire name, value).
    pub set: Vec<(String, String)>,
}

/// Documentation for an item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Docs {
    /// Lines of rustdoc; never empty once lowered (a fallback sentence is used).
    pub text: String,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDefinition {
    /// Final Rust name.
    pub name: String,
    /// Rustdoc.
    pub docs: Docs,
    /// What it is.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct {
        /// Fields in spec order.
        fields: Vec<Field>,
        /// Whether every field has a `Default`, so `#[derive(Default)]` applies.
        derives_default: bool,
        /// "At least one of" these lists of wire names is all present (an `allOf` member
        /// `anyOf: [{required: [a]}, {required: [b]}]`). The fields are optional in Rust, since no
        /// type says "one of several"; the conformance driver's values honour it. Empty: no such rule.
        required_alternatives: Vec<Vec<String>>,
        /// Lists of wire names that are never all present together (`not: {required: [a, b]}`,
        /// or two lists of a `oneOf` of `required` lists, which asks for exactly one). Like
        /// `required_alternatives`, a rule for the conformance driver's values. Empty: none.
        forbidden_combinations: Vec<Vec<String>>,
        /// `additionalProperties: false`: a value holds no property but the fields. Serde
        /// ignores unknown keys either way; the conformance driver's matcher reads it, since a
        /// `oneOf` member that is closed does not match a value with another member's fields.
        denies_other_properties: bool,
    },
    /// A string enum, with an `Other(String)` fallback for values newer than the spec.
    StringEnum {
        /// Known values.
        variants: Vec<EnumVariant>,
    },
    /// `oneOf`/`anyOf`: one of several shapes.
    Union {
        /// Members in spec order.
        variants: Vec<UnionVariant>,
        /// Set when the spec names a discriminator property.
        discriminator: Option<Discriminator>,
    },
    /// A named alias for another type (`type Name = Vec<Other>;`).
    Alias {
        /// The aliased type.
        target: TypeRef,
    },
    /// A one-field tuple struct, transparent on the wire (`struct Name(pub Vec<Name>);`): what an
    /// alias becomes when it refers back to itself, which a Rust `type` alias cannot.
    Newtype {
        /// The wrapped type.
        target: TypeRef,
    },
}

/// One field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name (without `r#`).
    pub rust_name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Full Rust type, `Option` included when the field is optional or nullable.
    pub type_ref: TypeRef,
    /// Required by the schema (absent required fields fail decoding).
    pub required: bool,
    /// Rustdoc.
    pub docs: Docs,
    /// The map of every key no other field names (`additionalProperties` or `patternProperties`
    /// beside `properties`): `#[serde(flatten)]`, so those entries are kept, not dropped.
    pub flatten: bool,
    /// A scalar value the document gives or implies for this field (its `example` or `default`, or
    /// one its `format`/bounds imply); the conformance driver sends it.
    pub sample: Option<serde_json::Value>,
    /// The item count and uniqueness the schema asks of an array value, when it asks any.
    pub array_bounds: Option<ArrayBounds>,
}

/// What an array schema asks of its items' count and uniqueness (`minItems`, `maxItems`,
/// `uniqueItems`), for values the conformance driver sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArrayBounds {
    /// `minItems` (0 when not given).
    pub min_items: usize,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
}

/// One known value of a string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// The string on the wire.
    pub wire_value: String,
}

/// One member of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// The member's type.
    pub type_ref: TypeRef,
}

/// A `discriminator` of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct Discriminator {
    /// The property that names the member.
    pub property_name: String,
    /// Wire value to index into `variants`, in a deterministic order.
    pub mapping: Vec<(String, usize)>,
    /// Whether the members' own types have the property (an explicit `discriminator` over
    /// `$ref`s), or the union alone carries it (members told apart by a one-value property, which
    /// their types leave out: a serde-tagged enum; a member with nothing else is a unit variant,
    /// `TypeRef::Unit`).
    pub members_carry_property: bool,
}

/// A reference to a Rust type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// The runtime's redacting `Secret`.
    Secret,
    /// `i32` or `i64` (`bits`), or `u64` when `unsigned`.
    Integer {
        /// 32 or 64.
        bits: u8,
        /// `format: uint64` and friends.
        unsigned: bool,
    },
    /// `f32` or `f64`.
    Number {
        /// 32 or 64.
        bits: u8,
    },
    /// `bool`.
    Boolean,
    /// `chrono::DateTime<chrono::Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// Any JSON value.
    Json,
    /// A JSON object with unknown keys.
    JsonObject,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// `Box<T>`, to break recursion.
    Boxed(Box<TypeRef>),
    /// A named type in this module's `types`.
    Named(String),
    /// `()`: no body.
    Unit,
    /// Raw bytes (`format: binary`, binary media types): the runtime's `Binary`.
    Bytes,
    /// Bytes sent in JSON as a base64 string (`contentEncoding: base64`): the runtime's `Base64Bytes`.
    Base64Bytes,
    /// A fixed-length array whose items each have their own type (`prefixItems`): a Rust tuple.
    Tuple(Vec<TypeRef>),
}

impl TypeRef {
    /// Wraps in `Option` unless it already is one.
    pub fn into_option(self) -> TypeRef {
        match self {
            TypeRef::Option(_) => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }

    /// Is this an `Option`?
    pub fn is_option(&self) -> bool {
        matches!(self, TypeRef::Option(_))
    }
}

/// How a body or response is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` and `+json` types.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `text/*`, read as a `String`.
    Text,
    /// No body.
    Empty,
    /// `multipart/form-data`: one part per field; `binary_fields` become file parts.
    Multipart,
    /// Any other media type (`application/octet-stream`, images, `*/*` without a schema): raw bytes.
    Binary,
}

/// An HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Rust method name.
    pub method_name: String,
    /// `operationId` when the spec has one, else `METHOD /path`.
    pub spec_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// The path template as written in the spec.
    pub path_template: String,
    /// The path split into literal text and parameter references.
    pub path_parts: Vec<PathPart>,
    /// Rustdoc.
    pub docs: Docs,
    /// Name of the generated parameter struct, when the operation has parameters.
    pub parameters_type: Option<String>,
    /// Path, query, header and cookie parameters.
    pub parameters: Vec<Parameter>,
    /// The request body.
    pub body: Option<RequestBody>,
    /// A call, or a URL builder for redirect-only operations.
    pub kind: OperationKind,
    /// The server this operation is sent to: `None` for the client's base URL, else an index into
    /// `ApiModule::servers`.
    pub server: Option<usize>,
    /// Success responses.
    pub success: SuccessShape,
    /// Name of the generated error enum.
    pub error_type: String,
    /// The error enum this one is the same type as (`pub type {error_type} = {that};`): an
    /// earlier operation's whose documented errors and messages are identical, so the crate
    /// compiles one enum, not one per operation.
    pub error_type_same_as: Option<String>,
    /// Likewise for the parameter struct: an earlier operation's with identical parameters.
    pub parameters_type_same_as: Option<String>,
    /// Documented error responses, one enum variant each.
    pub errors: Vec<ResponseCase>,
    /// Alternative security requirements; each alternative is a list of scheme indices. Empty: none.
    pub security: Vec<Vec<usize>>,
    /// Whether the request may be sent again after a transport error, 429 or 503.
    pub retry_safe: bool,
    /// The provider's message in each error body, for `Display` (parallel to `errors`).
    pub error_messages: Vec<Option<ErrorMessage>>,
    /// Optional body fields that carry client credentials (`client_secret`, `client_assertion`): they
    /// must stay empty when OAuth2 client Basic authentication is sent, since RFC 6749 section 2.3
    /// allows one client authentication method per request.
    pub body_client_credentials: Vec<String>,
    /// Whether the Basic credentials this operation sends are OAuth2 client credentials, encoded per
    /// RFC 6749 section 2.3.1 (a scheme `provider.toml` names, or a token request by the document).
    pub oauth2_client_basic: bool,
}

/// Where a documented error body carries the provider's own message.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorMessage {
    /// One string field (`detail`, `message`, `title`, `error_description`); the flag says it is an `Option`.
    Field {
        /// Rust field name.
        rust_name: String,
        /// Whether the field is an `Option`.
        optional: bool,
    },
    /// An OAuth2 error: the `error` code (any `Display` type) and an optional description.
    OAuth {
        /// The code field.
        code_field: String,
        /// Whether the code field is an `Option`.
        code_optional: bool,
        /// The description field, when there is one.
        description_field: Option<(String, bool)>,
    },
    /// A list of validation errors with a `msg` each (FastAPI's `detail`).
    ValidationList {
        /// The list field.
        list_field: String,
        /// Whether the list is an `Option`.
        optional: bool,
        /// The message field of each item.
        item_message_field: String,
    },
    /// The body is text.
    Text,
}

/// Call, redirect call or URL builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// Sends an HTTP request.
    Call,
    /// Only builds the URL (a GET whose only success is a redirect: a browser navigation).
    UrlBuilder,
    /// Sends the request (with its body) and returns the redirect's `Location` without following it
    /// (any method but GET whose only success is a redirect, such as a login form's POST answering 303).
    RedirectCall,
}

/// Literal text or a parameter in a path template.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    /// Text copied as is.
    Literal(String),
    /// Index into `Operation::parameters`.
    Parameter(usize),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Rust field name.
    pub rust_name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it goes.
    pub location: ParameterLocation,
    /// Rust type (`Option` when not required).
    pub type_ref: TypeRef,
    /// Required by the spec.
    pub required: bool,
    /// Arrays as repeated `name=value` pairs (true) or one comma-joined value (false).
    pub explode: bool,
    /// How a query parameter is serialized (`form` unless the spec says otherwise).
    pub style: QueryStyle,
    /// Rustdoc.
    pub docs: Docs,
    /// A scalar value the document gives or implies for this parameter (its `example`, its
    /// schema's `example` or `default`, or one its `format`/bounds imply); the conformance driver sends it.
    pub sample: Option<serde_json::Value>,
    /// The item count and uniqueness its schema asks of an array value, when it asks any.
    pub array_bounds: Option<ArrayBounds>,
}

/// How a query parameter's value is written (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryStyle {
    /// `name=a,b` or, exploded, `name=a&name=b`.
    #[default]
    Form,
    /// `name=a%20b` (arrays joined with spaces).
    SpaceDelimited,
    /// `name=a|b` (arrays joined with pipes).
    PipeDelimited,
    /// `name[key]=value` for each property of an object.
    DeepObject,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// The media type sent in `Content-Type`.
    pub content_type: String,
    /// JSON or form.
    pub encoding: BodyEncoding,
    /// The body's Rust type (never `Option`).
    pub type_ref: TypeRef,
    /// Whether the spec requires it (otherwise the method takes `Option<&T>`).
    pub required: bool,
    /// For multipart bodies: the wire names of the fields sent as file parts (raw bytes).
    pub binary_fields: Vec<String>,
    /// Other media types the spec accepts for this body, which this client does not send.
    pub alternatives: Vec<String>,
}

/// Which statuses a response case answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `4XX` style: the first digit.
    Range(u16),
    /// `default`.
    Default,
}

/// One documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCase {
    /// Which statuses.
    pub status: StatusMatch,
    /// Rust variant name (in the error enum or the success enum).
    pub variant_name: String,
    /// How the body is read.
    pub encoding: BodyEncoding,
    /// The media type documented (for `Accept`), when there is a body.
    pub media_type: Option<String>,
    /// The body type (`Unit` when there is none).
    pub type_ref: TypeRef,
    /// Rustdoc (the response description).
    pub docs: Docs,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessShape {
    /// Documented 2xx responses (for URL builders and redirect calls, the 3xx ones; a redirect call
    /// returns the `Location`, so its cases carry no body).
    pub cases: Vec<ResponseCase>,
    /// When the cases carry different types, the name of the generated enum over them.
    pub enum_name: Option<String>,
}

/// A security scheme some operation uses.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// Key in `components.securitySchemes`.
    pub spec_name: String,
    /// Field name in the generated `Credentials`.
    pub rust_name: String,
    /// What it sends.
    pub kind: SecuritySchemeKind,
    /// Rustdoc.
    pub docs: Docs,
}

/// The kinds of security the generated client can send.
#[derive(Debug, Clone, PartialEq)]
pub enum SecuritySchemeKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic ...`; `oauth2_client` applies RFC 6749 section 2.3.1 encoding.
    Basic {
        /// Form-urlencode id and secret before joining.
        oauth2_client: bool,
    },
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where.
        location: ParameterLocation,
        /// Header, parameter or cookie name.
        parameter_name: String,
    },
}
