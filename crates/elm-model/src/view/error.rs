//! Errors of the parse-back view, each naming the JSON path where reading stopped and what was
//! expected there.
//!
//! Paths are written in JSONPath notation (RFC 9535 normalized-path style) from the document root `$` (`$.credentialSubject.hasClaim[0]`,
//! `$["@context"]`); for a sealed (JAdES) document the credential's root is `$.payload`, for the
//! upload wrapper `$.credential`.

use std::fmt;

use serde_json::Value;

/// Why a JSON document could not be read as a European Digital Credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    /// The bytes (or a JWS payload) are not JSON at all.
    #[error("{path}: not valid JSON ({message})")]
    Json {
        /// Where the text came from (`$` for the input, `$.payload` for a JWS payload).
        path: String,
        /// The parser's message.
        message: String,
    },
    /// A member has a JSON type the view cannot read.
    #[error("{path}: expected {expected}, found {found}")]
    Type {
        /// JSON path of the offending value.
        path: String,
        /// What the view expected there.
        expected: &'static str,
        /// A short description of what is there (`an array`, `a number`, ...).
        found: String,
    },
    /// A member the view needs is absent.
    #[error("{path}: missing (expected {expected})")]
    Missing {
        /// JSON path of the absent member.
        path: String,
        /// What the view expected there.
        expected: &'static str,
    },
    /// A JWS payload could not be decoded (base64url) into the credential.
    #[error("{path}: {message}")]
    Payload {
        /// JSON path of the payload (`$.payload`).
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl ViewError {
    /// The JSON path the error names.
    pub fn path(&self) -> &str {
        match self {
            Self::Json { path, .. }
            | Self::Type { path, .. }
            | Self::Missing { path, .. }
            | Self::Payload { path, .. } => path,
        }
    }

    pub(crate) fn type_at(path: &Path<'_>, expected: &'static str, found: &Value) -> Self {
        Self::Type {
            path: path.to_string(),
            expected,
            found: describe(found).to_owned(),
        }
    }
}

/// A short English description of a JSON value's kind, for messages.
pub(crate) fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON path under construction, kept on the stack while reading and only formatted when an
/// error is reported (reading a 100 KB credential builds no strings for paths).
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Root(&'a str),
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// A root path, printed as given (`$`, `$.payload`).
    pub fn root(name: &'a str) -> Self {
        Self {
            parent: None,
            seg: Seg::Root(name),
        }
    }

    /// The path of member `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Key(key),
        }
    }

    /// The path of array element `i` below this one.
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            seg: Seg::Index(i),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.parent {
            p.fmt(f)?;
        }
        match self.seg {
            Seg::Root(r) => f.write_str(r),
            Seg::Key(k)
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                write!(f, ".{k}")
            }
            Seg::Key(k) => write!(f, "[{}]", Value::String(k.to_owned())),
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_jsonpath_style() {
        let root = Path::root("$");
        let a = root.key("credentialSubject");
        let b = a.key("hasClaim");
        let c = b.index(2);
        let d = c.key("@context");
        assert_eq!(
            d.to_string(),
            r#"$.credentialSubject.hasClaim[2]["@context"]"#
        );
    }
}
