//! TLS through OpenSSL, set up as libpq's `initialize_SSL`
//! (`fe-secure-openssl.c`) sets it up: only `sslrootcert` is trusted (never
//! the system's store), and a present root certificate makes the server's
//! chain checked whatever the sslmode; `sslcrl` / `sslcrldir` are checked
//! against that chain; `verify-full` also checks the host name; the client
//! certificate (`sslcert`, a chain file) and key (`sslkey`: PKCS#1,
//! PKCS#8, EC, encrypted with `sslpassword`) are sent when the files
//! exist; `ssl_min_protocol_version` / `ssl_max_protocol_version` bound the
//! protocol; SNI is sent for host names (`sslsni`).
//!
//! Connectors are built once per distinct set of settings and shared:
//! reading certificates costs time that a status run over many nodes must
//! not pay per node.

use std::collections::HashMap;
use std::net::{IpAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::PKey;
use openssl::ssl::{SslConnector, SslFiletype, SslMethod, SslStream, SslVerifyMode, SslVersion};
use openssl::x509::store::{X509Lookup, X509StoreBuilder};
use openssl::x509::verify::X509VerifyFlags;
use openssl::x509::X509;

use super::config::{ConnParams, SslMode, TlsVersion};

/// `X509_V_ERR_HOSTNAME_MISMATCH` and `X509_V_ERR_IP_ADDRESS_MISMATCH`.
const NAME_MISMATCH: [i32; 2] = [62, 64];

/// What a connector depends on.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    rootcert: Option<PathBuf>,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    password: Option<String>,
    crl: Option<PathBuf>,
    crldir: Option<PathBuf>,
    min: Option<TlsVersion>,
    max: Option<TlsVersion>,
}

impl Key {
    fn of(p: &ConnParams) -> Key {
        Key {
            rootcert: p.sslrootcert.clone(),
            cert: p.sslcert.clone(),
            key: p.sslkey.clone(),
            password: p.sslpassword.clone(),
            crl: p.sslcrl.clone(),
            crldir: p.sslcrldir.clone(),
            min: p.ssl_min_protocol_version,
            max: p.ssl_max_protocol_version,
        }
    }
}

/// The connector for these parameters, built once per distinct set of
/// TLS settings and shared.
pub fn shared_connector(params: &ConnParams) -> Result<SslConnector, String> {
    static CACHE: OnceLock<Mutex<HashMap<Key, SslConnector>>> = OnceLock::new();
    let key = Key::of(params);
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    // Build while holding the lock: parallel connections (a status run)
    // wait for the one build instead of each making their own.
    let mut map = match cache.lock() {
        Ok(m) => m,
        Err(_) => return connector(params),
    };
    if let Some(c) = map.get(&key) {
        return Ok(c.clone());
    }
    let made = connector(params)?;
    map.insert(key, made.clone());
    Ok(made)
}

/// OpenSSL's reason for the first error of a stack, as libpq's
/// `SSLerrmessage` shows it.
fn reason(e: &openssl::error::ErrorStack) -> String {
    e.errors()
        .first()
        .and_then(|e| e.reason().map(str::to_owned))
        .unwrap_or_else(|| e.to_string())
}

fn version(v: TlsVersion) -> SslVersion {
    match v {
        TlsVersion::Tls1 => SslVersion::TLS1,
        TlsVersion::Tls1_1 => SslVersion::TLS1_1,
        TlsVersion::Tls1_2 => SslVersion::TLS1_2,
        TlsVersion::Tls1_3 => SslVersion::TLS1_3,
    }
}

/// Build the connector, with libpq's messages for files it cannot use.
pub fn connector(params: &ConnParams) -> Result<SslConnector, String> {
    let setup = |e: openssl::error::ErrorStack| format!("could not set up TLS: {}", reason(&e));
    let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(setup)?;
    b.set_min_proto_version(params.ssl_min_protocol_version.map(version))
        .map_err(|e| format!("could not set minimum SSL protocol version: {}", reason(&e)))?;
    b.set_max_proto_version(params.ssl_max_protocol_version.map(version))
        .map_err(|e| format!("could not set maximum SSL protocol version: {}", reason(&e)))?;

    // Trust only the root certificate file, never the system's store.
    let mut store = X509StoreBuilder::new().map_err(setup)?;
    if let Some(root) = &params.sslrootcert {
        let shown = root.display();
        let pem = std::fs::read(root).map_err(|e| {
            format!(
                "could not read root certificate file \"{shown}\": {}",
                crate::io_reason(&e)
            )
        })?;
        let certs = X509::stack_from_pem(&pem).map_err(|e| {
            format!(
                "could not read root certificate file \"{shown}\": {}",
                reason(&e)
            )
        })?;
        for c in certs {
            // A certificate listed twice is not an error.
            let _ = store.add_cert(c);
        }
        let mut crl_given = false;
        if let Some(crl) = &params.sslcrl {
            let lookup = store.add_lookup(X509Lookup::file()).map_err(setup)?;
            lookup.load_crl_file(crl, SslFiletype::PEM).map_err(|e| {
                format!(
                    "could not load SSL certificate revocation list \"{}\": {}",
                    crl.display(),
                    reason(&e)
                )
            })?;
            crl_given = true;
        }
        if let Some(dir) = &params.sslcrldir {
            let lookup = store.add_lookup(X509Lookup::hash_dir()).map_err(setup)?;
            lookup
                .add_dir(&dir.display().to_string(), SslFiletype::PEM)
                .map_err(|e| {
                    format!(
                        "could not load SSL certificate revocation list directory \"{}\": {}",
                        dir.display(),
                        reason(&e)
                    )
                })?;
            crl_given = true;
        }
        if crl_given {
            store
                .set_flags(X509VerifyFlags::CRL_CHECK | X509VerifyFlags::CRL_CHECK_ALL)
                .map_err(setup)?;
        }
    }
    b.set_cert_store(store.build());
    // A present root certificate means the chain is checked, in every
    // sslmode (libpq's have_rootcert); without one nothing is.
    b.set_verify(if params.sslrootcert.is_some() {
        SslVerifyMode::PEER
    } else {
        SslVerifyMode::NONE
    });

    if let Some(cert) = params.sslcert.as_deref().filter(|c| c.exists()) {
        load_client_identity(&mut b, cert, params)?;
    }
    Ok(b.build())
}

/// The client certificate and its key, as libpq loads them: the key must
/// exist next to the certificate, must not be readable by others, and may
/// be encrypted (`sslpassword`).
fn load_client_identity(
    b: &mut openssl::ssl::SslConnectorBuilder,
    cert: &Path,
    params: &ConnParams,
) -> Result<(), String> {
    let shown = cert.display();
    b.set_certificate_chain_file(cert).map_err(|e| {
        format!(
            "could not read certificate file \"{shown}\": {}",
            reason(&e)
        )
    })?;
    let Some(key) = &params.sslkey else {
        return Err(format!(
            "certificate present, but not private key file \"{shown}\""
        ));
    };
    let kshown = key.display();
    let meta = std::fs::metadata(key)
        .map_err(|_| format!("certificate present, but not private key file \"{kshown}\""))?;
    if !meta.is_file() {
        return Err(format!(
            "private key file \"{kshown}\" is not a regular file"
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Root-owned keys may be group-readable (system-wide keys read
        // through a group), others only the owner's.
        let mode = meta.mode();
        let too_open = if meta.uid() == 0 {
            mode & 0o037 != 0
        } else {
            mode & 0o077 != 0
        };
        if too_open {
            return Err(format!(
                "private key file \"{kshown}\" has group or world access; file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root"
            ));
        }
    }
    let pem = std::fs::read(key).map_err(|e| {
        format!(
            "could not load private key file \"{kshown}\": {}",
            crate::io_reason(&e)
        )
    })?;
    // An unencrypted key ignores the passphrase; without sslpassword an
    // encrypted one fails to load, as in libpq (which never prompts).
    let pass = params.sslpassword.as_deref().unwrap_or("");
    let pkey = PKey::private_key_from_pem_passphrase(&pem, pass.as_bytes()).map_err(|e| {
        format!(
            "could not load private key file \"{kshown}\": {}",
            reason(&e)
        )
    })?;
    b.set_private_key(&pkey).map_err(|e| {
        format!(
            "could not load private key file \"{kshown}\": {}",
            reason(&e)
        )
    })?;
    b.check_private_key().map_err(|e| {
        format!(
            "certificate does not match private key file \"{kshown}\": {}",
            reason(&e)
        )
    })?;
    Ok(())
}

/// The TLS handshake over a TCP stream whose SSLRequest the server
/// accepted. `tls_name` is the host the certificate must match in
/// `verify-full`.
pub fn handshake(
    params: &ConnParams,
    tls_name: &str,
    tcp: TcpStream,
) -> Result<SslStream<TcpStream>, String> {
    let connector = shared_connector(params)?;
    let is_ip = tls_name.parse::<IpAddr>().is_ok();
    let verify_name = params.sslmode == SslMode::VerifyFull;
    let mut config = connector
        .configure()
        .map_err(|e| format!("could not set up TLS: {}", reason(&e)))?
        .use_server_name_indication(params.sslsni && !is_ip)
        .verify_hostname(verify_name);
    // The server's certificate, kept from verification for the message
    // when its names do not match (a failed handshake keeps none).
    let leaf: Arc<Mutex<Option<X509>>> = Arc::default();
    if verify_name {
        let slot = Arc::clone(&leaf);
        config.set_verify_callback(SslVerifyMode::PEER, move |ok, ctx| {
            if ctx.error_depth() == 0 {
                if let (Some(c), Ok(mut s)) = (ctx.current_cert(), slot.lock()) {
                    *s = Some(c.to_owned());
                }
            }
            ok
        });
    }
    config.connect(tls_name, tcp).map_err(|e| match e {
        openssl::ssl::HandshakeError::Failure(mid) | openssl::ssl::HandshakeError::WouldBlock(mid) => {
            let ssl = mid.ssl();
            if NAME_MISMATCH.contains(&ssl.verify_result().as_raw()) {
                let names = ssl
                    .peer_certificate()
                    .or_else(|| leaf.lock().ok().and_then(|l| l.clone()))
                    .map(|c| certificate_names(&c))
                    .unwrap_or_default();
                return match names.as_slice() {
                    [] => "could not get server's host name from server certificate".to_owned(),
                    [one] => format!("server certificate for \"{one}\" does not match host name \"{tls_name}\""),
                    [first, rest @ ..] => format!(
                        "server certificate for \"{first}\" (and {} other name{}) does not match host name \"{tls_name}\"",
                        rest.len(),
                        if rest.len() == 1 { "" } else { "s" }
                    ),
                };
            }
            match mid.error().ssl_error() {
                Some(stack) => format!("SSL error: {}", reason(stack)),
                None => match mid.error().io_error() {
                    Some(io) => format!("SSL SYSCALL error: {}", crate::io_reason(io)),
                    None => "SSL SYSCALL error: EOF detected".to_owned(),
                },
            }
        }
        openssl::ssl::HandshakeError::SetupFailure(stack) => {
            format!("could not set up TLS: {}", reason(&stack))
        }
    })
}

/// The names a certificate is for, as libpq lists them: its DNS and IP
/// subject alternative names, else its common name.
fn certificate_names(c: &X509) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(alt) = c.subject_alt_names() {
        for n in alt.iter() {
            if let Some(d) = n.dnsname() {
                names.push(d.to_owned());
            } else if let Some(ip) = n.ipaddress() {
                let addr = match ip.len() {
                    4 => <[u8; 4]>::try_from(ip)
                        .ok()
                        .map(|a| IpAddr::from(a).to_string()),
                    16 => <[u8; 16]>::try_from(ip)
                        .ok()
                        .map(|a| IpAddr::from(a).to_string()),
                    _ => None,
                };
                names.extend(addr);
            }
        }
    }
    if names.is_empty() {
        for e in c.subject_name().entries_by_nid(Nid::COMMONNAME) {
            if let Ok(s) = e.data().to_string() {
                names.push(s);
            }
        }
    }
    names
}

/// The `tls-server-end-point` channel binding data (RFC 5929): the hash
/// of the server's certificate, with SHA-256 for MD5 and SHA-1 signed
/// certificates, else the certificate's own signature hash.
pub fn server_end_point(s: &SslStream<TcpStream>) -> Option<Vec<u8>> {
    let cert = s.ssl().peer_certificate()?;
    let algorithms = cert
        .signature_algorithm()
        .object()
        .nid()
        .signature_algorithms()?;
    let md = match algorithms.digest {
        Nid::MD5 | Nid::SHA1 => MessageDigest::sha256(),
        nid => MessageDigest::from_nid(nid)?,
    };
    cert.digest(md).ok().map(|d| d.to_vec())
}
