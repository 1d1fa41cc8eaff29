//! `src/token.rs` of every generated crate: the runtime's token lifecycle, with `TokenSource` as a
//! type of the generated crate, so each provider module can add inherent setup functions
//! (`TokenSource::for_client`, `authorize_url`, ...) to it; Rust allows those only on a local type.

use proc_macro2::TokenStream;
use quote::quote;

/// The crate's `token` module.
pub fn token_module_tokens() -> TokenStream {
    quote! {
        //! Token lifecycle shared by every provider module: cached tokens, renewal a margin before
        //! expiry, single flight, refresh tokens, one re-authentication on a 401, a pluggable store and
        //! clock. Everything but [`TokenSource`] is the runtime's (`crate::runtime::token`).

        pub use crate::runtime::token::*;

        /// Caches a provider's token and renews it; cheap to clone and share between tasks.
        ///
        /// It dereferences to the runtime's token source, which has the methods: `token`, `send`,
        /// `call`, `set_token`, `invalidate` and `issuer`. Each provider module adds its setup here.
        pub struct TokenSource<I: TokenIssuer>(crate::runtime::token::TokenSource<I>);

        impl<I: TokenIssuer> TokenSource<I> {
            /// A source with the system clock, a memory store and the default renewal margin.
            pub fn new(issuer: I) -> Self {
                TokenSource(crate::runtime::token::TokenSource::new(issuer))
            }

            /// A builder, to set the clock, the store or the renewal margin.
            pub fn builder(issuer: I) -> TokenSourceBuilder<I, Self> {
                TokenSourceBuilder::new(issuer)
            }
        }

        impl<I: TokenIssuer> From<crate::runtime::token::TokenSource<I>> for TokenSource<I> {
            fn from(source: crate::runtime::token::TokenSource<I>) -> Self {
                TokenSource(source)
            }
        }

        impl<I: TokenIssuer> Clone for TokenSource<I> {
            fn clone(&self) -> Self {
                TokenSource(self.0.clone())
            }
        }

        impl<I: TokenIssuer> std::fmt::Debug for TokenSource<I> {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(formatter)
            }
        }

        impl<I: TokenIssuer> std::ops::Deref for TokenSource<I> {
            type Target = crate::runtime::token::TokenSource<I>;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl<I: TokenIssuer> BearerTokenProvider for TokenSource<I> {
            fn bearer_token(&self) -> BearerTokenFuture<'_> {
                self.0.bearer_token()
            }

            fn invalidate_bearer_token(&self, rejected: &crate::runtime::Secret) {
                self.0.invalidate_bearer_token(rejected)
            }
        }
    }
}
