//! The process environment, injectable for tests.

use std::collections::HashMap;
use std::path::PathBuf;

/// Everything the process environment contributes, injectable for tests.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// Environment variables (only the `PG*` ones matter).
    pub vars: HashMap<String, String>,
    /// The home directory (`~/.pgpass`, `~/.pg_service.conf`,
    /// `~/.postgresql/`); `None` if unknown.
    pub home: Option<PathBuf>,
    /// The operating-system user name, the default `user`; empty if unknown.
    pub os_user: String,
}

impl Environment {
    /// The real environment: variables, home directory (`$HOME`, else the
    /// password database) and the effective user's name (from
    /// `/etc/passwd` by the effective uid, else `$USER` / `$LOGNAME`).
    pub fn from_process() -> Self {
        Environment {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            home: dirs::home_dir(),
            os_user: process_user_name(),
        }
    }

    /// The value of an environment variable, if set (even if empty).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}

/// The effective user's name, without libc: the owner of `/proc/self` is
/// the effective uid; its name comes from `/etc/passwd`.
fn process_user_name() -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(meta), Ok(passwd)) = (
            std::fs::metadata("/proc/self"),
            std::fs::read_to_string("/etc/passwd"),
        ) {
            let uid = meta.uid().to_string();
            for line in passwd.lines() {
                let mut fields = line.split(':');
                if let (Some(name), Some(_), Some(id)) =
                    (fields.next(), fields.next(), fields.next())
                {
                    if id == uid && !name.is_empty() {
                        return name.to_owned();
                    }
                }
            }
        }
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_from_process() {
        let e = Environment::from_process();
        // Whatever the machine, the lookup must not panic and a user is usually known.
        let _ = e.var("PATH");
        let _ = e.home;
    }
}
