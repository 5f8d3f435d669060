//! Why connection parameters could not be resolved: libpq's messages,
//! lowercase and without a trailing newline.

use thiserror::Error;

/// Why connection parameters could not be resolved. The messages are
/// libpq's, lowercase and without a trailing newline.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A key libpq does not know: `invalid connection option "x"`.
    #[error("invalid connection option \"{0}\"")]
    InvalidOption(String),
    /// A word without `=`: `missing "=" after "x" in connection info string`.
    #[error("missing \"=\" after \"{0}\" in connection info string")]
    MissingEquals(String),
    /// `unterminated quoted string in connection info string`.
    #[error("unterminated quoted string in connection info string")]
    UnterminatedQuote,
    /// A malformed `postgresql://` URI; the message says what is wrong.
    #[error("{0}")]
    InvalidUri(String),
    /// An unknown URI query key: `invalid URI query parameter: "x"`.
    #[error("invalid URI query parameter: \"{0}\"")]
    InvalidUriParam(String),
    /// `definition of service "x" not found`.
    #[error("definition of service \"{0}\" not found")]
    ServiceNotFound(String),
    /// A service file that cannot be read or has a bad line; the message
    /// names the file (and line).
    #[error("{0}")]
    ServiceFile(String),
    /// A value outside its option's choices: `invalid sslmode value: "x"`.
    #[error("invalid {option} value: \"{value}\"")]
    InvalidValue {
        /// The option, e.g. `sslmode`.
        option: &'static str,
        /// The rejected value.
        value: String,
    },
    /// Not an integer:
    /// `invalid integer value "x" for connection option "port"`.
    #[error("invalid integer value \"{value}\" for connection option \"{option}\"")]
    InvalidInteger {
        /// The option, e.g. `port`.
        option: &'static str,
        /// The rejected value.
        value: String,
    },
    /// An integer port outside 1..=65535: `invalid port number: "x"`.
    #[error("invalid port number: \"{0}\"")]
    InvalidPort(String),
    /// `could not match N host names to M hostaddr values`.
    #[error("could not match {hosts} host names to {hostaddrs} hostaddr values")]
    HostCountMismatch {
        /// Number of host names given.
        hosts: usize,
        /// Number of hostaddr values given.
        hostaddrs: usize,
    },
    /// `could not match N port numbers to M hosts`.
    #[error("could not match {ports} port numbers to {hosts} hosts")]
    PortCountMismatch {
        /// Number of ports given.
        ports: usize,
        /// Number of hosts.
        hosts: usize,
    },
    /// A hostaddr that is not a numeric IP address.
    #[error("could not parse network address \"{0}\": Name or service not known")]
    InvalidHostaddr(String),
    /// No user name given and the operating-system user is unknown.
    #[error("could not look up local user name")]
    NoUserName,
    /// `ssl_min_protocol_version` above `ssl_max_protocol_version`.
    #[error("invalid SSL protocol version range")]
    InvalidTlsVersionRange,
    /// psql's `\c` given a connection string and a user, host or port too.
    #[error("Do not give user, host, or port separately when using a connection string")]
    ConnStringWithPositional,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages() {
        let cases: &[(ConfigError, &str)] = &[
            (
                ConfigError::InvalidOption("foo".into()),
                "invalid connection option \"foo\"",
            ),
            (
                ConfigError::MissingEquals("abc".into()),
                "missing \"=\" after \"abc\" in connection info string",
            ),
            (
                ConfigError::UnterminatedQuote,
                "unterminated quoted string in connection info string",
            ),
            (
                ConfigError::InvalidUriParam("x".into()),
                "invalid URI query parameter: \"x\"",
            ),
            (
                ConfigError::ServiceNotFound("x".into()),
                "definition of service \"x\" not found",
            ),
            (
                ConfigError::InvalidPort("x".into()),
                "invalid port number: \"x\"",
            ),
            (
                ConfigError::HostCountMismatch {
                    hosts: 1,
                    hostaddrs: 2,
                },
                "could not match 1 host names to 2 hostaddr values",
            ),
        ];
        for (err, expected) in cases {
            assert_eq!(err.to_string(), *expected);
        }
        let boxed: Box<dyn std::error::Error> = Box::new(ConfigError::UnterminatedQuote);
        assert!(boxed.source().is_none());
    }
}
