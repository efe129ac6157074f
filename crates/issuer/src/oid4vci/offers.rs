//! Credential offers (OpenID4VCI 1.0 §4.1) with pre-authorized codes (§3.5) and `tx_code` PINs.
