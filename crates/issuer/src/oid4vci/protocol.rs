//! The OpenID4VCI 1.0 protocol endpoints' domain logic: metadata (§12.2, RFC 8414), token (§6),
//! nonce (§7), credential (§8), proofs of possession (Appendix F.1) and DPoP (RFC 9449).
