//! psql's `expand_tilde` for file names that users type (`\i`, `\o`,
//! `\e`, `\s`, `\lo_export`, HISTFILE, ...).

/// psql's `expand_tilde`: a leading `~` or `~/` is the home directory,
/// `~user` that user's; anything else, or an unknown user, stays as is.
pub fn expand_tilde(f: &str) -> String {
    let Some(rest) = f.strip_prefix('~') else {
        return f.to_string();
    };
    let (user, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let home = if user.is_empty() {
        dirs::home_dir().map(|h| h.display().to_string())
    } else {
        home_of(user)
    };
    match home.filter(|h| !h.is_empty()) {
        Some(h) => format!("{h}{tail}"),
        None => f.to_string(),
    }
}

/// The home directory of `user` from the password database.
fn home_of(user: &str) -> Option<String> {
    let name = std::ffi::CString::new(user).ok()?;
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwnam_r writes only into `pw` and `buf` (of the length
    // given) and sets `found` to `&pw` or null.
    let rc = unsafe {
        libc::getpwnam_r(
            name.as_ptr(),
            &mut pw,
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        )
    };
    if rc != 0 || found.is_null() || pw.pw_dir.is_null() {
        return None;
    }
    // SAFETY: pw_dir points into `buf`, NUL-terminated by getpwnam_r.
    let dir = unsafe { std::ffi::CStr::from_ptr(pw.pw_dir) };
    Some(dir.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tilde_is_a_home_directory() {
        let home = dirs::home_dir().expect("home").display().to_string();
        assert_eq!(expand_tilde("~"), home);
        assert_eq!(expand_tilde("~/x.sql"), format!("{home}/x.sql"));
        assert_eq!(expand_tilde("~root/x"), "/root/x");
        assert_eq!(expand_tilde("~no_such_user_here/x"), "~no_such_user_here/x");
        assert_eq!(expand_tilde("a/~b"), "a/~b");
    }
}
