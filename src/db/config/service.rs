//! The connection service file (`pg_service.conf`).

use std::path::{Path, PathBuf};

use super::conninfo::is_c_space;
use super::keywords::{is_libpq_keyword, DEFAULT_SYSCONFDIR};
use super::params::Options;
use super::{ConfigError, Environment};

/// libpq's `parseServiceInfo`: `PGSERVICEFILE` (or else
/// `~/.pg_service.conf` if it exists) first; if the service is not defined
/// there, `$PGSYSCONFDIR/pg_service.conf` (if it exists).
pub(super) fn apply_service(
    opts: &mut Options,
    service: &str,
    env: &Environment,
) -> Result<(), ConfigError> {
    let first = match env.var("PGSERVICEFILE") {
        Some(f) => Some(PathBuf::from(f)),
        None => env
            .home
            .as_ref()
            .map(|h| h.join(".pg_service.conf"))
            .filter(|p| std::fs::metadata(p).is_ok()),
    };
    if let Some(file) = first {
        if parse_service_file(&file, service, opts)? {
            return Ok(());
        }
    }
    let sysconfdir = env.var("PGSYSCONFDIR").unwrap_or(DEFAULT_SYSCONFDIR);
    let file = PathBuf::from(format!("{sysconfdir}/pg_service.conf"));
    if std::fs::metadata(&file).is_ok() && parse_service_file(&file, service, opts)? {
        return Ok(());
    }
    Err(ConfigError::ServiceNotFound(service.to_owned()))
}

/// Apply the `[service]` section of one file to the options still unset.
/// Returns whether the section was found.
fn parse_service_file(file: &Path, service: &str, opts: &mut Options) -> Result<bool, ConfigError> {
    let shown = file.display();
    let content = std::fs::read(file)
        .map_err(|_| ConfigError::ServiceFile(format!("service file \"{shown}\" not found")))?;
    let content = String::from_utf8_lossy(&content);
    let mut found = false;
    for (idx, raw) in content.split('\n').enumerate() {
        let line_no = idx + 1;
        let line = raw.trim_matches(|c: char| c.is_ascii() && is_c_space(c as u8));
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            if found {
                break;
            }
            found = rest
                .strip_prefix(service)
                .is_some_and(|r| r.starts_with(']'));
            continue;
        }
        if !found {
            continue;
        }
        if line.starts_with("ldap") {
            return Err(ConfigError::ServiceFile(format!(
                "LDAP service lookup is not supported in service file \"{shown}\", line {line_no}"
            )));
        }
        let syntax_error = || {
            ConfigError::ServiceFile(format!(
                "syntax error in service file \"{shown}\", line {line_no}"
            ))
        };
        let (key, value) = line.split_once('=').ok_or_else(syntax_error)?;
        if key == "service" {
            return Err(ConfigError::ServiceFile(format!(
                "nested service specifications not supported in service file \"{shown}\", line {line_no}"
            )));
        }
        if !is_libpq_keyword(key) {
            return Err(syntax_error());
        }
        opts.entry(key.to_owned())
            .or_insert_with(|| value.to_owned());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use crate::db::config::testing::*;
    use crate::db::config::*;

    #[test]
    fn service_file_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_file(
            dir.path(),
            "services.conf",
            "# comment\nhost=ignored-outside-group\n[other]\nhost=otherhost\n\n[main]\n  host=svchost  \nport=6001\nuser=svcuser\nhost=second-wins-not\n[next]\ndbname=nextdb\n",
            0o644,
        );
        let f = file.to_str().unwrap();
        let sysconf = dir.path().join("none");
        let sc = sysconf.to_str().unwrap();

        // The service fills unset keys, before (and so over) the environment.
        let e = env(&[
            ("PGSERVICEFILE", f),
            ("PGSYSCONFDIR", sc),
            ("PGHOST", "envhost"),
            ("PGDATABASE", "envdb"),
        ]);
        let p = resolve(Some("service=main"), &e);
        assert_eq!(p.hosts, vec!["svchost".to_owned()]);
        assert_eq!(p.ports, vec![6001]);
        assert_eq!(p.user, "svcuser");
        assert_eq!(p.dbname, "envdb");
        assert_eq!(p.service.as_deref(), Some("main"));

        // The conninfo beats the service.
        let p = resolve(Some("service=main host=cihost"), &e);
        assert_eq!((p.hosts[0].as_str(), p.ports[0]), ("cihost", 6001));
        let p = ConnParams::resolve(Some("service=main"), &[("port", "6002".into())], &e).unwrap();
        assert_eq!(p.ports, vec![6002]);

        // PGSERVICE names the service when the conninfo does not.
        let mut e2 = e.clone();
        e2.vars.insert("PGSERVICE".into(), "other".into());
        let p = resolve(None, &e2);
        assert_eq!(p.hosts, vec!["otherhost".to_owned()]);
        assert_eq!(p.service.as_deref(), Some("other"));
        let p = resolve(Some("service=main"), &e2);
        assert_eq!(p.hosts, vec!["svchost".to_owned()]);

        // Unknown service.
        assert_eq!(
            resolve_err(Some("service=nope"), &e).to_string(),
            "definition of service \"nope\" not found"
        );
        // A prefix of a section name is not that section.
        assert_eq!(
            resolve_err(Some("service=mai"), &e),
            ConfigError::ServiceNotFound("mai".into())
        );
        // PGSERVICEFILE that does not exist.
        let missing = dir.path().join("missing.conf");
        let e3 = env(&[
            ("PGSERVICEFILE", missing.to_str().unwrap()),
            ("PGSYSCONFDIR", sc),
        ]);
        assert_eq!(
            resolve_err(Some("service=main"), &e3).to_string(),
            format!("service file \"{}\" not found", missing.display())
        );
    }

    #[test]
    fn service_file_lookup_order() {
        let home = tempfile::tempdir().unwrap();
        let sysconf = tempfile::tempdir().unwrap();
        let explicit = tempfile::tempdir().unwrap();
        write_file(
            home.path(),
            ".pg_service.conf",
            "[a]\nhost=homehost\n",
            0o644,
        );
        write_file(
            sysconf.path(),
            "pg_service.conf",
            "[a]\nhost=syshost\nport=7001\n[b]\nhost=sysb\n",
            0o644,
        );
        let explicit_file = write_file(explicit.path(), "svc", "[a]\nhost=explicithost\n", 0o644);
        let sc = sysconf.path().to_str().unwrap();

        let mut e = env(&[("PGSYSCONFDIR", sc)]);
        e.home = Some(home.path().to_path_buf());
        // ~/.pg_service.conf first; a group found there stops the search.
        let p = resolve(Some("service=a"), &e);
        assert_eq!((p.hosts[0].as_str(), p.ports[0]), ("homehost", 5432));
        // Not in the user file: the system file.
        let p = resolve(Some("service=b"), &e);
        assert_eq!(p.hosts, vec!["sysb".to_owned()]);
        // PGSERVICEFILE replaces ~/.pg_service.conf.
        e.vars.insert(
            "PGSERVICEFILE".into(),
            explicit_file.to_str().unwrap().into(),
        );
        let p = resolve(Some("service=a"), &e);
        assert_eq!(p.hosts, vec!["explicithost".to_owned()]);
        let p = resolve(Some("service=b"), &e);
        assert_eq!(p.hosts, vec!["sysb".to_owned()]);
        // No home file and no PGSERVICEFILE: the system file.
        let e = env(&[("PGSYSCONFDIR", sc)]);
        let p = resolve(Some("service=a"), &e);
        assert_eq!((p.hosts[0].as_str(), p.ports[0]), ("syshost", 7001));
    }

    #[test]
    fn service_file_errors() {
        let dir = tempfile::tempdir().unwrap();
        let cases: &[(&str, &str)] = &[
            ("[s]\nhost\n", "syntax error in service file \"F\", line 2"),
            (
                "[s]\nhost = x\n",
                "syntax error in service file \"F\", line 2",
            ),
            (
                "[s]\nbogus=x\n",
                "syntax error in service file \"F\", line 2",
            ),
            (
                "[s]\n\n# c\nservice=t\n",
                "nested service specifications not supported in service file \"F\", line 4",
            ),
            (
                "[s]\nqueue=q\n",
                "syntax error in service file \"F\", line 2",
            ),
        ];
        for (i, (content, expected)) in cases.iter().enumerate() {
            let file = write_file(dir.path(), &format!("svc{i}"), content, 0o644);
            let f = file.to_str().unwrap();
            let e = env(&[("PGSERVICEFILE", f), ("PGSYSCONFDIR", "/nonexistent")]);
            assert_eq!(
                resolve_err(Some("service=s"), &e).to_string(),
                expected.replace('F', f),
                "{content}"
            );
        }
        // Bad lines outside the wanted group are not looked at.
        let file = write_file(dir.path(), "ok", "[x]\nnonsense\n[s]\nhost=h\n", 0o644);
        let e = env(&[("PGSERVICEFILE", file.to_str().unwrap())]);
        assert_eq!(resolve(Some("service=s"), &e).hosts, vec!["h".to_owned()]);
    }
}
