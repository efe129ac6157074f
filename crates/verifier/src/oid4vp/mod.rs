//! OpenID for Verifiable Presentations 1.0 (final, 2025) in the verification service (issue #17):
//! an employer or a recognition office asks a wallet for credentials with a DCQL query, and every
//! presented credential is verified with the full checks of this library.
//!
//! - [`dcql`]: Digital Credentials Query Language (OpenID4VP 1.0 §6) queries and matching.
//! - [`request`]: authorization requests (§5), signed request objects fetched by `request_uri`
//!   (RFC 9101), client identifier prefixes `x509_san_dns` and `redirect_uri` (§5.9).
//! - [`store`]: pending requests and their results, single use, deleted after their retention time.
//! - [`response`]: the `direct_post` / `direct_post.jwt` response (§8.2, §8.3) and its verification.
//! - [`jwe`]: the encrypted response (JWE ECDH-ES, HAIP).
//! - [`jwt_vp`]: `jwt_vc_json` presentations, the holder-signed VP JWT (Appendix B.1.3.1).
//! - [`matching`]: does a presented credential answer its DCQL credential query (§6)?
//! - [`webhook`]: result delivery to relying-party systems.

pub mod dcql;
pub mod jwe;
pub mod jwt_vp; // jwt_vc_json presentations: the jwt_vp_json VP JWT (§B.1.3.1)
pub mod matching; // DCQL matching of presented credentials (§6)
pub mod request;
pub mod response;
pub mod store;
pub mod webhook;
