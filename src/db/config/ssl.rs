//! TLS settings: `sslmode` and the certificate files libpq looks for.

use std::path::PathBuf;

use super::params::{non_empty, Options};
use super::{ConfigError, ConnParams, Environment};

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never use TLS.
    Disable,
    /// Try without TLS first, then with.
    Allow,
    /// Try TLS first, then without (the default).
    Prefer,
    /// TLS only; the certificate is checked only if a root certificate is
    /// present.
    Require,
    /// TLS only, and the server certificate must chain to the root
    /// certificate.
    VerifyCa,
    /// As `VerifyCa`, and the host name must match the certificate.
    VerifyFull,
}

impl SslMode {
    /// Parse libpq's spelling (`disable` ... `verify-full`).
    pub fn parse(s: &str) -> Result<SslMode, ConfigError> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => {
                return Err(ConfigError::InvalidValue {
                    option: "sslmode",
                    value: s.to_owned(),
                })
            }
        })
    }

    /// libpq's spelling of the mode.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// A TLS protocol version (`ssl_min_protocol_version`,
/// `ssl_max_protocol_version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    /// `TLSv1`
    Tls1,
    /// `TLSv1.1`
    Tls1_1,
    /// `TLSv1.2`
    Tls1_2,
    /// `TLSv1.3`
    Tls1_3,
}

impl TlsVersion {
    /// libpq's spelling; an empty value means no bound.
    fn parse(option: &'static str, s: &str) -> Result<Option<TlsVersion>, ConfigError> {
        Ok(Some(match s {
            "" => return Ok(None),
            "TLSv1" => TlsVersion::Tls1,
            "TLSv1.1" => TlsVersion::Tls1_1,
            "TLSv1.2" => TlsVersion::Tls1_2,
            "TLSv1.3" => TlsVersion::Tls1_3,
            _ => {
                return Err(ConfigError::InvalidValue {
                    option,
                    value: s.to_owned(),
                })
            }
        }))
    }
}

/// The TLS settings libpq's `initialize_SSL` uses: the certificate files
/// it looks for, and the sslmode they make effective.
pub(super) struct SslFiles {
    pub(super) sslmode: SslMode,
    pub(super) sslrootcert: Option<PathBuf>,
    pub(super) expected_sslrootcert: Option<PathBuf>,
    pub(super) sslcert: Option<PathBuf>,
    pub(super) sslkey: Option<PathBuf>,
    pub(super) sslpassword: Option<String>,
    pub(super) sslcrl: Option<PathBuf>,
    pub(super) sslcrldir: Option<PathBuf>,
    pub(super) sslsni: bool,
    pub(super) min_version: Option<TlsVersion>,
    pub(super) max_version: Option<TlsVersion>,
}

impl SslFiles {
    /// Configured files, else the defaults in `~/.postgresql/`; a present
    /// root certificate makes `require` verify the chain (`verify-ca`).
    /// A CRL file or directory counts only if it exists, as in libpq.
    pub(super) fn find(
        requested: SslMode,
        opts: &Options,
        env: &Environment,
    ) -> Result<SslFiles, ConfigError> {
        let pgdir = env.home.as_ref().map(|h| h.join(".postgresql"));
        let configured_or = |key: &str, default: &str| {
            non_empty(opts, key)
                .map(PathBuf::from)
                .or_else(|| pgdir.as_ref().map(|d| d.join(default)))
        };
        let exists = |p: &PathBuf| std::fs::metadata(p).is_ok();
        let expected_sslrootcert = configured_or("sslrootcert", "root.crt");
        let sslrootcert = expected_sslrootcert.clone().filter(exists);
        let sslmode = if requested == SslMode::Require && sslrootcert.is_some() {
            SslMode::VerifyCa
        } else {
            requested
        };
        let version = |option: &'static str| {
            TlsVersion::parse(option, opts.get(option).map_or("", String::as_str))
        };
        let min_version = version("ssl_min_protocol_version")?;
        let max_version = version("ssl_max_protocol_version")?;
        if let (Some(min), Some(max)) = (min_version, max_version) {
            if min > max {
                return Err(ConfigError::InvalidTlsVersionRange);
            }
        }
        let sslsni = match opts.get("sslsni").map(String::as_str) {
            None | Some("1") => true,
            Some("0") => false,
            Some(other) => {
                return Err(ConfigError::InvalidValue {
                    option: "sslsni",
                    value: other.to_owned(),
                })
            }
        };
        Ok(SslFiles {
            sslmode,
            sslrootcert,
            expected_sslrootcert,
            sslcert: configured_or("sslcert", "postgresql.crt"),
            sslkey: configured_or("sslkey", "postgresql.key"),
            sslpassword: non_empty(opts, "sslpassword"),
            sslcrl: configured_or("sslcrl", "root.crl").filter(exists),
            sslcrldir: non_empty(opts, "sslcrldir")
                .map(PathBuf::from)
                .filter(exists),
            sslsni,
            min_version,
            max_version,
        })
    }
}

impl ConnParams {
    /// libpq's error for `verify-ca`/`verify-full` without a root
    /// certificate file (raised when TLS is attempted), or `None` if the
    /// mode does not need one or it is present.
    pub fn missing_root_cert_error(&self) -> Option<String> {
        if !matches!(self.sslmode, SslMode::VerifyCa | SslMode::VerifyFull)
            || self.sslrootcert.is_some()
        {
            return None;
        }
        let advice =
            "Either provide the file or change sslmode to disable server certificate verification.";
        Some(match &self.expected_sslrootcert {
            Some(p) => format!(
                "root certificate file \"{}\" does not exist\n{advice}",
                p.display()
            ),
            None => {
                format!("could not get home directory to locate root certificate file\n{advice}")
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::config::testing::*;
    use crate::db::config::*;
    use std::path::PathBuf;

    #[test]
    fn sslmode_parsing() {
        let e = env(&[]);
        for mode in [
            SslMode::Disable,
            SslMode::Allow,
            SslMode::Prefer,
            SslMode::Require,
            SslMode::VerifyCa,
            SslMode::VerifyFull,
        ] {
            let p = resolve(Some(&format!("sslmode={}", mode.as_str())), &e);
            assert_eq!(p.sslmode, mode);
            assert_eq!(p.requested_sslmode, mode);
        }
        assert_eq!(
            resolve_err(Some("sslmode=bogus"), &e).to_string(),
            "invalid sslmode value: \"bogus\""
        );
        assert_eq!(
            resolve_err(None, &env(&[("PGSSLMODE", "")])),
            ConfigError::InvalidValue {
                option: "sslmode",
                value: String::new()
            }
        );
        assert_eq!(
            resolve(None, &env(&[("PGREQUIRESSL", "1")])).sslmode,
            SslMode::Require
        );
        assert_eq!(
            resolve(None, &env(&[("PGREQUIRESSL", "0")])).sslmode,
            SslMode::Prefer
        );
        assert_eq!(
            resolve(None, &env(&[("PGREQUIRESSL", "1"), ("PGSSLMODE", "allow")])).sslmode,
            SslMode::Allow
        );
        assert_eq!(
            resolve_err(Some("target_session_attrs=master"), &e).to_string(),
            "invalid target_session_attrs value: \"master\""
        );
        assert_eq!(
            resolve_err(Some("channel_binding=maybe"), &e).to_string(),
            "invalid channel_binding value: \"maybe\""
        );
        assert_eq!(
            resolve_err(Some("gssencmode=x"), &e).to_string(),
            "invalid gssencmode value: \"x\""
        );
    }

    #[test]
    fn root_certificate_upgrade() {
        let home = tempfile::tempdir().unwrap();
        let mut e = env(&[]);
        e.home = Some(home.path().to_path_buf());

        // No root.crt: require stays require; verify modes report the missing file.
        let p = resolve(Some("sslmode=require"), &e);
        assert_eq!((p.sslmode, p.sslrootcert.clone()), (SslMode::Require, None));
        assert_eq!(p.missing_root_cert_error(), None);
        let p = resolve(Some("sslmode=verify-full"), &e);
        let root = home.path().join(".postgresql/root.crt");
        assert_eq!(p.expected_sslrootcert.as_deref(), Some(root.as_path()));
        assert!(p.missing_root_cert_error().unwrap().starts_with(&format!(
            "root certificate file \"{}\" does not exist\n",
            root.display()
        )));

        std::fs::create_dir(home.path().join(".postgresql")).unwrap();
        write_file(&home.path().join(".postgresql"), "root.crt", "x", 0o644);
        let p = resolve(Some("sslmode=require"), &e);
        assert_eq!(p.sslmode, SslMode::VerifyCa);
        assert_eq!(p.requested_sslmode, SslMode::Require);
        assert_eq!(p.sslrootcert.as_deref(), Some(root.as_path()));
        assert_eq!(p.missing_root_cert_error(), None);
        assert_eq!(
            p.sslcert,
            Some(home.path().join(".postgresql/postgresql.crt"))
        );
        assert_eq!(
            p.sslkey,
            Some(home.path().join(".postgresql/postgresql.key"))
        );
        let p = resolve(Some("sslmode=prefer"), &e);
        assert_eq!(
            (p.sslmode, p.sslrootcert.is_some()),
            (SslMode::Prefer, true)
        );
        let p = resolve(Some("sslmode=verify-full"), &e);
        assert_eq!(p.sslmode, SslMode::VerifyFull);

        // An explicit sslrootcert that does not exist: no verification for require.
        let p = resolve(Some("sslmode=require sslrootcert=/nonexistent/ca.pem"), &e);
        assert_eq!((p.sslmode, p.sslrootcert.clone()), (SslMode::Require, None));
        // An explicit existing one.
        let ca = write_file(home.path(), "ca.pem", "x", 0o644);
        let p = resolve(
            Some(&format!("sslmode=require sslrootcert={}", ca.display())),
            &env(&[]),
        );
        assert_eq!(
            (p.sslmode, p.sslrootcert.clone()),
            (SslMode::VerifyCa, Some(ca))
        );
        // No home: no default files.
        let p = resolve(Some("sslmode=verify-ca"), &env(&[]));
        assert_eq!(
            (p.sslcert.clone(), p.expected_sslrootcert.clone()),
            (None, None)
        );
        assert!(p
            .missing_root_cert_error()
            .unwrap()
            .starts_with("could not get home directory"));
        let p = resolve(
            None,
            &env(&[("PGSSLCERT", "/c.crt"), ("PGSSLKEY", "/c.key")]),
        );
        assert_eq!(p.sslcert, Some(PathBuf::from("/c.crt")));
        assert_eq!(p.sslkey, Some(PathBuf::from("/c.key")));
    }

    #[test]
    fn tls_options() {
        let e = env(&[]);
        let p = resolve(
            Some("sslpassword=pw sslsni=0 ssl_min_protocol_version=TLSv1.3"),
            &e,
        );
        assert_eq!(p.sslpassword.as_deref(), Some("pw"));
        assert!(!p.sslsni);
        assert_eq!(
            (p.ssl_min_protocol_version, p.ssl_max_protocol_version),
            (Some(TlsVersion::Tls1_3), None)
        );
        assert!(!format!("{p:?}").contains("\"pw\""));
        // libpq's compiled default minimum is TLSv1.2; SNI is on.
        let p = resolve(None, &e);
        assert_eq!(p.ssl_min_protocol_version, Some(TlsVersion::Tls1_2));
        assert!(p.sslsni);
        let cases = [
            ("sslsni=2", "invalid sslsni value: \"2\""),
            (
                "ssl_min_protocol_version=TLSv9",
                "invalid ssl_min_protocol_version value: \"TLSv9\"",
            ),
            (
                "ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2",
                "invalid SSL protocol version range",
            ),
        ];
        for (ci, expected) in cases {
            assert_eq!(resolve_err(Some(ci), &e).to_string(), expected, "{ci}");
        }
        // A CRL file or directory counts only if it exists.
        let dir = tempfile::tempdir().unwrap();
        let crl = write_file(dir.path(), "root.crl", "x", 0o644);
        let p = resolve(
            Some(&format!(
                "sslcrl={} sslcrldir={}",
                crl.display(),
                dir.path().display()
            )),
            &e,
        );
        assert_eq!(p.sslcrl.as_deref(), Some(crl.as_path()));
        assert_eq!(p.sslcrldir.as_deref(), Some(dir.path()));
        let p = resolve(Some("sslcrl=/nonexistent/x.crl sslcrldir=/nonexistent"), &e);
        assert_eq!((p.sslcrl, p.sslcrldir), (None, None));
    }
}
