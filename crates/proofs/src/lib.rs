//! Securing mechanisms: Data Integrity eddsa-rdfc-2022, JAdES seals, VC-JOSE; university keys and DIDs.
