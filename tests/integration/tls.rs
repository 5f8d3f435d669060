//! TLS as libpq does it, against the throwaway cluster (`ssl = on`, a
//! server certificate for `localhost` signed by a test CA, `cert`
//! authentication for `certuser`, TLS only for `ssluser`): every sslmode,
//! client certificates with keys in each form libpq reads (PKCS#1, PKCS#8,
//! EC, encrypted with sslpassword), a wrong CA refused, verify-full with a
//! host the certificate is not for refused, and revocation lists
//! (`sslcrl`, `sslcrldir`).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{make_ca, run, run_ok, sign_cert, Run, TestDb};
use crate::test_db;

const SSL: &str = "select ssl from pg_stat_ssl where pid = pg_backend_pid()";

/// The cluster's CA and server certificate.
fn ca(db: &TestDb) -> PathBuf {
    db.cluster.dir.join("tls/ca.crt")
}

/// `select ssl` over TCP with these extra conninfo keys.
fn ssl_with(db: &TestDb, host: &str, user: &str, extra: &str) -> Run {
    run(db
        .qadmin_bare()
        .args(["-X", "-A", "-t", "-c", SSL])
        .arg(format!(
            "host={host} hostaddr=127.0.0.1 port={} dbname={} user={user} {extra}",
            db.cluster.port, db.name
        )))
}

fn ssl(db: &TestDb, extra: &str) -> Run {
    ssl_with(db, "localhost", &db.cluster.su, extra)
}

/// A directory with copies of the cluster's CA (certificate and key) and
/// server certificate, for making client certificates and CRLs.
fn workdir(db: &TestDb) -> tempfile::TempDir {
    let w = tempfile::tempdir().expect("temp dir");
    for f in ["ca.crt", "ca.key", "server.crt"] {
        std::fs::copy(db.cluster.dir.join("tls").join(f), w.path().join(f)).expect("copy CA");
    }
    w
}

fn openssl(dir: &Path, args: &[&str]) {
    run_ok(Command::new("openssl").current_dir(dir).args(args)).expect("openssl");
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn every_sslmode_with_the_ca() {
    let db = test_db!();
    let root = format!("sslrootcert={}", ca(&db).display());
    for (mode, expected) in [
        ("disable", "f"),
        ("allow", "f"),
        ("prefer", "t"),
        ("require", "t"),
        ("verify-ca", "t"),
        ("verify-full", "t"),
    ] {
        let r = ssl(&db, &format!("sslmode={mode} {root}"));
        assert_eq!(
            (r.code, r.stdout.trim()),
            (0, expected),
            "{mode}: {}",
            r.stderr
        );
    }
    // Without a root certificate: require encrypts without checking; the
    // verify modes want the file.
    let r = ssl(&db, "sslmode=require");
    assert_eq!((r.code, r.stdout.trim()), (0, "t"), "{}", r.stderr);
    let r = ssl(&db, "sslmode=verify-ca");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("root certificate file"), "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
}

#[test]
fn allow_retries_with_tls_and_disable_does_not() {
    let db = test_db!();
    // ssluser may only connect over TLS (pg_hba: hostssl trust, host reject).
    let r = ssl_with(&db, "localhost", "ssluser", "sslmode=allow");
    assert_eq!((r.code, r.stdout.trim()), (0, "t"), "{}", r.stderr);
    let r = ssl_with(&db, "localhost", "ssluser", "sslmode=disable");
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no encryption"), "{}", r.stderr);
}

#[test]
fn a_wrong_ca_is_refused() {
    let db = test_db!();
    let w = workdir(&db);
    make_ca(w.path(), "other", "another CA").expect("other CA");
    let other = w.path().join("other.crt");
    for mode in ["verify-ca", "verify-full", "require"] {
        let r = ssl(
            &db,
            &format!("sslmode={mode} sslrootcert={}", other.display()),
        );
        assert_eq!(r.code, 2, "{mode}");
        assert!(
            r.stderr.contains("SSL error: certificate verify failed"),
            "{mode}: {}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    }
    // prefer checks the chain too when a root certificate is given, and
    // when the handshake fails it connects without TLS, as libpq does.
    let r = ssl(
        &db,
        &format!("sslmode=prefer sslrootcert={}", other.display()),
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "f"), "{}", r.stderr);
}

#[test]
fn verify_full_with_a_mismatched_host_is_refused() {
    let db = test_db!();
    let root = format!("sslrootcert={}", ca(&db).display());
    let r = ssl_with(
        &db,
        "127.0.0.1",
        &db.cluster.su,
        &format!("sslmode=verify-full {root}"),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "server certificate for \"localhost\" does not match host name \"127.0.0.1\""
        ),
        "{}",
        r.stderr
    );
    // verify-ca does not look at the name.
    let r = ssl_with(
        &db,
        "127.0.0.1",
        &db.cluster.su,
        &format!("sslmode=verify-ca {root}"),
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "t"), "{}", r.stderr);
}

/// Client certificates for certuser with keys in every form libpq reads.
fn client_keys(dir: &Path) -> Vec<(&'static str, PathBuf, PathBuf, Option<&'static str>)> {
    sign_cert(dir, "ca", "client", "certuser", "basicConstraints=CA:FALSE").expect("client cert");
    openssl(
        dir,
        &[
            "rsa",
            "-in",
            "client.key",
            "-traditional",
            "-out",
            "pkcs1.key",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "client.key",
            "-v2",
            "aes-256-cbc",
            "-passout",
            "pass:sekret",
            "-out",
            "enc8.key",
        ],
    );
    openssl(
        dir,
        &[
            "rsa",
            "-in",
            "client.key",
            "-traditional",
            "-aes256",
            "-passout",
            "pass:sekret",
            "-out",
            "enc1.key",
        ],
    );
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ec.key",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            "ec.key",
            "-subj",
            "/CN=certuser",
            "-out",
            "ec.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-days",
            "2",
            "-CAcreateserial",
            "-in",
            "ec.csr",
            "-out",
            "ec.crt",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
        ],
    );
    for k in ["client.key", "pkcs1.key", "enc8.key", "enc1.key", "ec.key"] {
        chmod(&dir.join(k), 0o600);
    }
    let p = |f: &str| dir.join(f);
    vec![
        ("PKCS#8", p("client.crt"), p("client.key"), None),
        ("PKCS#1", p("client.crt"), p("pkcs1.key"), None),
        (
            "encrypted PKCS#8",
            p("client.crt"),
            p("enc8.key"),
            Some("sekret"),
        ),
        (
            "encrypted PKCS#1",
            p("client.crt"),
            p("enc1.key"),
            Some("sekret"),
        ),
        ("EC", p("ec.crt"), p("ec.key"), None),
    ]
}

#[test]
fn client_certificate_authentication_with_every_key_form() {
    let db = test_db!();
    let w = workdir(&db);
    let root = format!("sslmode=verify-full sslrootcert={}", ca(&db).display());
    for (form, cert, key, password) in client_keys(w.path()) {
        let extra = format!(
            "{root} sslcert={} sslkey={}{}",
            cert.display(),
            key.display(),
            password
                .map(|p| format!(" sslpassword={p}"))
                .unwrap_or_default()
        );
        let r = run(db
            .qadmin_bare()
            .args(["-X", "-A", "-t", "-c", "select current_user"])
            .arg(format!(
                "host=localhost hostaddr=127.0.0.1 port={} dbname={} user=certuser {extra}",
                db.cluster.port, db.name
            )));
        assert_eq!(
            (r.code, r.stdout.trim()),
            (0, "certuser"),
            "{form}: {}",
            r.stderr
        );
    }
    let p = |f: &str| w.path().join(f).display().to_string();
    // No certificate: the server refuses.
    let r = ssl_with(&db, "localhost", "certuser", &root);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("certificate"), "{}", r.stderr);
    // An encrypted key with a wrong or no sslpassword cannot be loaded.
    for pw in ["sslpassword=wrong", ""] {
        let r = ssl_with(
            &db,
            "localhost",
            "certuser",
            &format!(
                "{root} sslcert={} sslkey={} {pw}",
                p("client.crt"),
                p("enc8.key")
            ),
        );
        assert_eq!(r.code, 2, "{pw}");
        assert!(
            r.stderr.contains(&format!(
                "could not load private key file \"{}\"",
                p("enc8.key")
            )),
            "{pw}: {}",
            r.stderr
        );
    }
    // A key others may read is refused, as libpq refuses it.
    let open = w.path().join("open.key");
    std::fs::copy(w.path().join("client.key"), &open).expect("copy key");
    chmod(&open, 0o644);
    let r = ssl_with(
        &db,
        "localhost",
        "certuser",
        &format!(
            "{root} sslcert={} sslkey={}",
            p("client.crt"),
            open.display()
        ),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("has group or world access"),
        "{}",
        r.stderr
    );
    // A certificate without its key.
    let r = ssl_with(
        &db,
        "localhost",
        "certuser",
        &format!(
            "{root} sslcert={} sslkey={}",
            p("client.crt"),
            p("missing.key")
        ),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("certificate present, but not private key file"),
        "{}",
        r.stderr
    );
}

#[test]
fn revocation_lists_are_checked() {
    let db = test_db!();
    let w = workdir(&db);
    let d = w.path();
    std::fs::write(
        d.join("ca.cnf"),
        "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 2\n",
    )
    .expect("ca.cnf");
    std::fs::write(d.join("index.txt"), "").expect("index");
    std::fs::write(d.join("crlnumber"), "01\n").expect("crlnumber");
    let ca_args = ["-config", "ca.cnf", "-keyfile", "ca.key", "-cert", "ca.crt"];
    let gencrl = |out: &str| {
        let mut a: Vec<&str> = vec!["ca"];
        a.extend(ca_args);
        a.extend(["-gencrl", "-out", out]);
        openssl(d, &a);
    };
    gencrl("empty.crl");
    let mut a: Vec<&str> = vec!["ca"];
    a.extend(ca_args);
    a.extend(["-revoke", "server.crt"]);
    openssl(d, &a);
    gencrl("revoked.crl");

    let root = format!("sslmode=verify-ca sslrootcert={}", ca(&db).display());
    let r = ssl(
        &db,
        &format!("{root} sslcrl={}", d.join("empty.crl").display()),
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "t"), "{}", r.stderr);
    let r = ssl(
        &db,
        &format!("{root} sslcrl={}", d.join("revoked.crl").display()),
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("certificate verify failed"),
        "{}",
        r.stderr
    );
    // A CRL file that does not exist is ignored, as in libpq.
    let r = ssl(
        &db,
        &format!("{root} sslcrl={}", d.join("none.crl").display()),
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "t"), "{}", r.stderr);

    // sslcrldir: CRLs named by their hash.
    let out = Command::new("openssl")
        .current_dir(d)
        .args(["crl", "-hash", "-noout", "-in", "revoked.crl"])
        .output()
        .expect("openssl crl -hash");
    let hash = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let dir = d.join("crls");
    std::fs::create_dir(&dir).expect("crl dir");
    std::fs::copy(d.join("revoked.crl"), dir.join(format!("{hash}.r0"))).expect("copy crl");
    let r = ssl(&db, &format!("{root} sslcrldir={}", dir.display()));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("certificate verify failed"),
        "{}",
        r.stderr
    );
}

#[test]
fn protocol_version_bounds() {
    let db = test_db!();
    let r = ssl(&db, "sslmode=require ssl_min_protocol_version=TLSv1.3");
    assert_eq!((r.code, r.stdout.trim()), (0, "t"), "{}", r.stderr);
    let r = ssl(&db, "sslmode=require ssl_min_protocol_version=TLSv9");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("invalid ssl_min_protocol_version value: \"TLSv9\""),
        "{}",
        r.stderr
    );
    let r = ssl(
        &db,
        "sslmode=require ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2",
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("invalid SSL protocol version range"),
        "{}",
        r.stderr
    );
}

#[test]
fn scram_channel_binding_over_tls() {
    let db = test_db!();
    // pwuser authenticates with SCRAM-SHA-256; over TLS the server offers
    // SCRAM-SHA-256-PLUS, bound to its certificate's hash.
    let r = ssl_with(
        &db,
        "localhost",
        "pwuser",
        "sslmode=require channel_binding=require password=sekret",
    );
    assert_eq!((r.code, r.stdout.trim()), (0, "t"), "{}", r.stderr);
    let r = ssl_with(
        &db,
        "localhost",
        "pwuser",
        "sslmode=disable channel_binding=require password=sekret",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("channel binding"), "{}", r.stderr);
}
