//! SD-JWT (RFC 9901) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): issuance with selectively disclosable claims, presentations with a Key Binding JWT, and their verification (issue #16).
