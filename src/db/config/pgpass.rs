//! The password file (`~/.pgpass`, `PGPASSFILE`, `passfile`).

use std::path::Path;

use super::keywords::{DEFAULT_PORT, DEFAULT_SOCKET_DIR};

/// Read a password file, or `None` if it cannot be used: missing or
/// unreadable (silently), not a plain file, or (on unix) accessible by group
/// or others (with libpq's warning).
pub(super) fn read_passfile(path: &Path, warnings: &mut Vec<String>) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    let shown = path.display();
    if !meta.is_file() {
        warnings.push(format!("password file \"{shown}\" is not a plain file"));
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            warnings.push(format!(
                "password file \"{shown}\" has group or world access; permissions should be u=rw (0600) or less"
            ));
            return None;
        }
    }
    std::fs::read(path).ok()
}

/// The password of the first line matching host, port, dbname and user
/// (libpq's `passwordFromFile`). An empty host, or the default socket
/// directory, matches `localhost`; other socket directories match
/// literally. An empty password counts as none.
pub(super) fn passfile_lookup(
    content: &[u8],
    host: &str,
    port: &str,
    dbname: &str,
    user: &str,
) -> Option<String> {
    if dbname.is_empty() || user.is_empty() {
        return None;
    }
    let host = if host.is_empty() || host == DEFAULT_SOCKET_DIR {
        "localhost"
    } else {
        host
    };
    let default_port = DEFAULT_PORT.to_string();
    let port = if port.is_empty() {
        default_port.as_str()
    } else {
        port
    };
    for line in content.split(|b| *b == b'\n') {
        if line.first() == Some(&b'#') {
            continue;
        }
        let mut end = line.len();
        while end > 0 && matches!(line[end - 1], b'\r' | b'\n') {
            end -= 1;
        }
        let line = &line[..end];
        if line.is_empty() {
            continue;
        }
        let rest = [host, port, dbname, user]
            .iter()
            .try_fold(line, |rest, token| passfile_field(rest, token.as_bytes()));
        if let Some(rest) = rest {
            let mut pw = Vec::new();
            let mut i = 0;
            while i < rest.len() && rest[i] != b':' {
                if rest[i] == b'\\' && i + 1 < rest.len() {
                    i += 1;
                }
                pw.push(rest[i]);
                i += 1;
            }
            return Some(String::from_utf8_lossy(&pw).into_owned()).filter(|p| !p.is_empty());
        }
    }
    None
}

/// Match one `:`-terminated field of a password-file line against `token`
/// (`*` matches anything; `\` escapes the next character). Returns the rest
/// of the line after the field's `:`.
fn passfile_field<'a>(line: &'a [u8], token: &[u8]) -> Option<&'a [u8]> {
    if line.starts_with(b"*:") {
        return Some(&line[2..]);
    }
    let mut i = 0;
    let mut t = 0;
    while i < line.len() {
        let mut c = line[i];
        let mut escaped = false;
        if c == b'\\' {
            i += 1;
            c = *line.get(i)?;
            escaped = true;
        }
        if c == b':' && !escaped && t == token.len() {
            return Some(&line[i + 1..]);
        }
        if token.get(t) != Some(&c) {
            return None;
        }
        i += 1;
        t += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::db::config::testing::*;
    use crate::db::config::*;
    use std::path::Path;

    fn pgpass_env(dir: &Path, content: &str, mode: u32) -> Environment {
        let file = write_file(dir, "pgpass", content, mode);
        env(&[("PGPASSFILE", file.to_str().unwrap())])
    }

    #[test]
    fn pgpass_matching() {
        let dir = tempfile::tempdir().unwrap();
        let content = "\
# comment:*:*:*:nope
localhost:5432:osuser:osuser:sockpw
/tmp:5432:*:*:tmppw
db\\:1:*:*:*:escapedhost
db1:5433:app:alice:first
db1:5433:app:alice:second
db1:*:*:alice:wild\\:pw\\\\x:extra
*:*:*:bob:bobpw
*:*:*:carol:
";
        let e = pgpass_env(dir.path(), content, 0o600);
        let cases: &[(&str, Option<&str>)] = &[
            // Default user and dbname are matched after defaults.
            ("", Some("sockpw")),
            ("host=/var/run/postgresql", Some("sockpw")),
            ("host=localhost", Some("sockpw")),
            ("host=localhost port=5433", None),
            ("host=/tmp", Some("tmppw")),
            ("host=/tmp dbname=x user=y", Some("tmppw")),
            ("host='db:1' user=z", Some("escapedhost")),
            ("host=db1 port=5433 dbname=app user=alice", Some("first")),
            (
                "host=db1 port=5434 dbname=app user=alice",
                Some("wild:pw\\x"),
            ),
            ("host=other user=bob", Some("bobpw")),
            ("host=other user=carol", None),
            ("host=other user=dave", None),
            ("hostaddr=127.0.0.1 user=bob", Some("bobpw")),
            // An explicit password wins.
            ("user=bob password=given", Some("given")),
        ];
        for (ci, expected) in cases {
            let p = resolve(Some(ci), &e);
            assert_eq!(p.password.as_deref(), *expected, "{ci}");
            assert!(p.warnings.is_empty());
            let from_file = expected.is_some() && !ci.contains("password=");
            assert_eq!(p.password_file.is_some(), from_file, "{ci}");
        }
    }

    #[test]
    fn pgpass_per_host_and_sources() {
        let dir = tempfile::tempdir().unwrap();
        let e = pgpass_env(dir.path(), "a:*:*:*:pwa\r\nb:6000:*:*:pwb\r\n", 0o600);
        let p = resolve(Some("host=a,b,c port=5432,6000,1"), &e);
        assert_eq!(
            p.host_passwords,
            vec![Some("pwa".to_owned()), Some("pwb".to_owned()), None]
        );
        assert_eq!(p.password.as_deref(), Some("pwa"));
        let t = &p.targets()[1];
        assert_eq!(t.password.as_deref(), Some("pwb"));
        assert_eq!(t.addr, Target::Tcp("b".into(), 6000));
        assert_eq!(p.targets().len(), 3);

        // passfile= in the conninfo; ~/.pgpass through the home directory.
        let file = write_file(dir.path(), "other", "*:*:*:*:frompassfile\n", 0o600);
        let p = resolve(Some(&format!("passfile={}", file.display())), &env(&[]));
        assert_eq!(p.password.as_deref(), Some("frompassfile"));
        let home = tempfile::tempdir().unwrap();
        write_file(home.path(), ".pgpass", "*:*:*:*:fromhome\n", 0o600);
        let mut e = env(&[]);
        e.home = Some(home.path().to_path_buf());
        assert_eq!(resolve(None, &e).password.as_deref(), Some("fromhome"));
        assert_eq!(
            resolve(None, &e).password_file,
            Some(home.path().join(".pgpass"))
        );
        // A missing file is silently ignored.
        let p = resolve(None, &env(&[("PGPASSFILE", "/nonexistent/pgpass")]));
        assert_eq!((p.password, p.warnings.len()), (None, 0));
    }

    #[cfg(unix)]
    #[test]
    fn pgpass_permissions_warning() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [0o640, 0o604, 0o660] {
            let e = pgpass_env(dir.path(), "*:*:*:*:secret\n", mode);
            let p = resolve(Some("host=a,b"), &e);
            assert_eq!(p.password, None);
            let file = dir.path().join("pgpass");
            assert_eq!(
                p.warnings,
                vec![format!(
                    "password file \"{}\" has group or world access; permissions should be u=rw (0600) or less",
                    file.display()
                )]
            );
        }
        let e = pgpass_env(dir.path(), "*:*:*:*:secret\n", 0o400);
        assert_eq!(resolve(None, &e).password.as_deref(), Some("secret"));
        let e = env(&[("PGPASSFILE", dir.path().to_str().unwrap())]);
        let p = resolve(None, &e);
        assert_eq!(p.password, None);
        assert!(p.warnings[0].ends_with("is not a plain file"));
    }
}
