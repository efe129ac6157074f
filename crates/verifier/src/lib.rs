//! What a valid ENHANCE credential is: library, CLI and service.
