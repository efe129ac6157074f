//! Issuing ENHANCE credentials: library, CLI and service.
