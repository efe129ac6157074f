//! Configuration loading shared by both services: defaults, then a TOML file (`--config FILE`,
//! TOML 1.0; unknown settings are errors naming the setting), then environment variables
//! (`ENHANCE_ISSUER_*`, `ENHANCE_VERIFIER_*`), then command-line flags (applied by each CLI).
//!
//! Each service keeps its own typed configuration struct and its list of variables; this module
//! holds the loader, the error type and the parsers of the variables, so that an invalid value is
//! reported the same way in both: the variable (or setting) named, with what is wrong.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::rate_limit::RateLimit;

/// Why a configuration could not be loaded. Never contains secrets (URLs are shown without
/// password).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// File.
        path: PathBuf,
        /// I/O error.
        source: std::io::Error,
    },
    /// Not valid TOML or unknown/mistyped setting.
    #[error("invalid config file {path}: {message}")]
    Toml {
        /// File.
        path: PathBuf,
        /// Parser message (names the setting).
        message: String,
    },
    /// An environment variable has a value of the wrong form.
    #[error("invalid value for environment variable {var}: {message}")]
    Env {
        /// Variable name.
        var: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A setting is out of range or inconsistent.
    #[error("invalid setting {setting}: {message}")]
    Invalid {
        /// Setting name.
        setting: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl ConfigError {
    /// A setting out of range.
    pub fn invalid(setting: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            setting,
            message: message.into(),
        }
    }
}

/// Log output format (`log_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Text,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "json" => Ok(Self::Json),
            "text" => Ok(Self::Text),
            other => Err(format!("`{other}` is not `json` or `text`")),
        }
    }
}

/// The process environment as a map (what [`Env`] reads in production).
pub fn process_env() -> HashMap<String, String> {
    std::env::vars().collect()
}

/// Parses TOML text into `T` (missing settings take their defaults); the error names the setting.
pub fn from_toml_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}

/// `T`'s defaults, or the TOML `file` when given.
pub fn load_file<T: DeserializeOwned + Default>(file: Option<&Path>) -> Result<T, ConfigError> {
    let Some(path) = file else {
        return Ok(T::default());
    };
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    from_toml_str(&text).map_err(|message| ConfigError::Toml {
        path: path.to_owned(),
        message,
    })
}

/// Gives a service's configuration type its loaders (inherent methods): `load(file)` (defaults,
/// then the TOML file, then the process environment, then the type's `check`),
/// `load_with_env(file, env)` (the same with an explicit environment, for tests) and
/// `from_toml_str(text)`. The type implements `Default` and `Deserialize`, and has the inherent
/// methods `apply_env(&mut self, &HashMap<String, String>) -> Result<(), ConfigError>` and
/// `check(&self) -> Result<(), ConfigError>`.
#[macro_export]
macro_rules! config_loaders {
    ($config:ty) => {
        impl $config {
            /// Loads the configuration: defaults, then `file` (if any), then the process
            /// environment; then checks it.
            pub fn load(
                file: Option<&std::path::Path>,
            ) -> Result<Self, $crate::config::ConfigError> {
                Self::load_with_env(file, &$crate::config::process_env())
            }

            /// Like `load` with an explicit environment (for tests).
            pub fn load_with_env(
                file: Option<&std::path::Path>,
                env: &std::collections::HashMap<String, String>,
            ) -> Result<Self, $crate::config::ConfigError> {
                let mut config: Self = $crate::config::load_file(file)?;
                config.apply_env(env)?;
                config.check()?;
                Ok(config)
            }

            /// Parses TOML text (missing settings take their defaults); the error names the
            /// setting.
            pub fn from_toml_str(text: &str) -> Result<Self, String> {
                $crate::config::from_toml_str(text)
            }
        }
    };
}

/// Environment overrides: each method sets its target when the variable is present, and names
/// the variable when its value is of the wrong form.
#[derive(Debug, Clone, Copy)]
pub struct Env<'a> {
    vars: &'a HashMap<String, String>,
}

impl<'a> Env<'a> {
    /// Overrides from `vars`.
    pub fn new(vars: &'a HashMap<String, String>) -> Self {
        Self { vars }
    }

    /// The raw value of `var`.
    pub fn get(&self, var: &str) -> Option<&'a str> {
        self.vars.get(var).map(String::as_str)
    }

    /// A value parsed with [`FromStr`] (surrounding white space ignored).
    pub fn parse<T>(&self, var: &'static str, target: &mut T) -> Result<(), ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        if let Some(v) = self.get(var) {
            *target = parse_value(var, v)?;
        }
        Ok(())
    }

    /// A string taken as is.
    pub fn string(&self, var: &'static str, target: &mut String) {
        if let Some(v) = self.get(var) {
            v.clone_into(target);
        }
    }

    /// A file or directory path.
    pub fn path(&self, var: &'static str, target: &mut PathBuf) {
        if let Some(v) = self.get(var) {
            *target = PathBuf::from(v);
        }
    }

    /// An optional path: the empty string unsets it.
    pub fn optional_path(&self, var: &'static str, target: &mut Option<PathBuf>) {
        if let Some(v) = self.get(var) {
            *target = (!v.is_empty()).then(|| PathBuf::from(v));
        }
    }

    /// A comma-separated list (empty items ignored).
    pub fn list<T>(&self, var: &'static str, target: &mut Vec<T>) -> Result<(), ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        if let Some(v) = self.get(var) {
            *target = v
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| parse_value(var, a))
                .collect::<Result<_, _>>()?;
        }
        Ok(())
    }

    /// A [`RateLimit`] from the variables `{prefix}_PER_SECOND`, `{prefix}_BURST` and
    /// `{prefix}_EXEMPT` (`vars` in that order).
    pub fn rate_limit(
        &self,
        vars: [&'static str; 3],
        target: &mut RateLimit,
    ) -> Result<(), ConfigError> {
        let [per_second, burst, exempt] = vars;
        self.parse(per_second, &mut target.per_second)?;
        self.parse(burst, &mut target.burst)?;
        self.list(exempt, &mut target.exempt)
    }
}

fn parse_value<T>(var: &'static str, v: &str) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    v.trim().parse().map_err(|e: T::Err| ConfigError::Env {
        var,
        message: e.to_string(),
    })
}

/// `Ok` when `ok`, else [`ConfigError::Invalid`] naming `setting`.
pub fn require(ok: bool, setting: &'static str, message: &str) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::invalid(setting, message))
    }
}

/// Checks a [`RateLimit`] setting at `setting`.
pub fn check_rate_limit(limit: &RateLimit, setting: &'static str) -> Result<(), ConfigError> {
    limit
        .check(setting)
        .map_err(|m| ConfigError::invalid(setting, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_name_the_variable() {
        let vars: HashMap<String, String> = [
            ("A_BIND", "127.0.0.1:1"),
            ("A_LOG", " text "),
            ("A_FILE", ""),
            ("A_LIST", "192.0.2.1, ,::1"),
            ("A_BAD", "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let env = Env::new(&vars);
        let mut bind: std::net::SocketAddr = "0.0.0.0:0".parse().unwrap();
        env.parse("A_BIND", &mut bind).unwrap();
        assert_eq!(bind.port(), 1);
        let mut log = LogFormat::Json;
        env.parse("A_LOG", &mut log).unwrap();
        assert_eq!(log, LogFormat::Text);
        let mut file = Some(PathBuf::from("x"));
        env.optional_path("A_FILE", &mut file);
        assert_eq!(file, None);
        let mut list: Vec<std::net::IpAddr> = Vec::new();
        env.list("A_LIST", &mut list).unwrap();
        assert_eq!(list.len(), 2);
        let mut n = 0u32;
        let e = env.parse("A_BAD", &mut n).unwrap_err().to_string();
        assert!(e.contains("A_BAD"), "{e}");
        let mut log = LogFormat::Json;
        let e = env.parse("A_BAD", &mut log).unwrap_err().to_string();
        assert!(e.contains("`x` is not `json` or `text`"), "{e}");
        let e = load_file::<RateLimit>(Some(Path::new("no-such-dir/k.toml"))).unwrap_err();
        assert!(e.to_string().contains("cannot read config file"), "{e}");
    }
}
