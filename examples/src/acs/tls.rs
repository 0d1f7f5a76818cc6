//! The HTTPS listener's TLS configuration: a certificate chain and key the operator gives, or
//! a self-signed certificate kept in the data directory so it survives restarts (CPEs that
//! were told to trust it keep trusting it).

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use rustls::ServerConfig;
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// The subject alternative names of a generated certificate when none are given: the names
/// a client on the same machine uses, so tests and a local simulator connect out of the box.
pub const DEFAULT_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The only ALPN protocol offered: CWMP runs over HTTP/1.1 (TR-069 section 3.4), and the
/// listener speaks nothing else.
const ALPN_HTTP_1_1: &[u8] = b"http/1.1";

/// A certificate chain and the server configuration built from it and its key.
///
/// The key is not kept: it lives only inside the [`ServerConfig`], so nothing here can print
/// it.
#[derive(Clone)]
pub struct TlsMaterial {
    chain: Vec<CertificateDer<'static>>,
    config: Arc<ServerConfig>,
}

impl fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

/// Why the TLS material could not be loaded, generated or turned into a configuration. Each
/// variant names the file concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A certificate was given without a key, or a key without a certificate.
    #[error("the {given} {path} was given without a {missing}: give both or neither")]
    HalfPair {
        /// `"certificate"` or `"key"`: the one given.
        given: &'static str,
        /// The file given.
        path: PathBuf,
        /// The one missing.
        missing: &'static str,
    },
    /// Only one of the two stored files exists in the data directory; generating a new pair
    /// would overwrite the other one.
    #[error(
        "{present} exists but {absent} does not: restore it, or delete both to generate a new pair"
    )]
    HalfStored {
        /// The file found.
        present: PathBuf,
        /// The file missing.
        absent: PathBuf,
    },
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A file is not valid PEM.
    #[error("{path} is not valid PEM: {source}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What the PEM reader found wrong.
        source: pem::Error,
    },
    /// A certificate file holds no `CERTIFICATE` section.
    #[error("{path} holds no PEM certificate")]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// A key file holds no private key section (PKCS#8, PKCS#1 or SEC1).
    #[error("{path} holds no PEM private key")]
    NoKey {
        /// The file.
        path: PathBuf,
    },
    /// rustls refused the pair: a key that does not match the certificate, an unsupported
    /// key type, a malformed certificate.
    #[error("{cert} and {key} do not make a TLS configuration: {source}")]
    Config {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// What rustls found wrong.
        source: rustls::Error,
    },
    /// The self-signed certificate could not be made (a name that is neither a DNS name nor an
    /// IP address, say).
    #[error("cannot generate a self-signed certificate for {names:?}: {source}")]
    Generate {
        /// The subject alternative names asked for.
        names: Vec<String>,
        /// What rcgen found wrong.
        source: rcgen::Error,
    },
    /// A generated file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file (or its directory).
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// Loads the listener's certificate and key, or makes them.
///
/// - `cert` and `key` both given: the PEM certificate chain (leaf first) and private key
///   (PKCS#8, PKCS#1 or SEC1) in those files.
/// - Neither given: `data_dir/tls/cert.pem` and `data_dir/tls/key.pem` when they exist, else
///   a new self-signed certificate for `names` (or [`DEFAULT_NAMES`] when `names` is empty),
///   written there (the key readable by its owner only) for the next start.
///
/// Several nodes sharing one data directory should be given `cert` and `key`: two nodes that
/// generate at the same moment could each leave one file of their pair.
///
/// # Errors
///
/// [`TlsError::HalfPair`] when only one of `cert` and `key` is given;
/// [`TlsError::HalfStored`] when only one of the stored files exists; otherwise the file that
/// could not be read, parsed, written or used, and why.
pub fn load_or_generate(
    cert: Option<&Path>,
    key: Option<&Path>,
    data_dir: &Path,
    names: &[String],
) -> Result<TlsMaterial, TlsError> {
    match (cert, key) {
        (Some(cert), Some(key)) => TlsMaterial::load(cert, key),
        (Some(cert), None) => Err(TlsError::HalfPair {
            given: "certificate",
            path: cert.to_path_buf(),
            missing: "key",
        }),
        (None, Some(key)) => Err(TlsError::HalfPair {
            given: "key",
            path: key.to_path_buf(),
            missing: "certificate",
        }),
        (None, None) => load_or_generate_stored(data_dir, names),
    }
}

fn load_or_generate_stored(data_dir: &Path, names: &[String]) -> Result<TlsMaterial, TlsError> {
    let dir = data_dir.join("tls");
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    match (cert.exists(), key.exists()) {
        (true, true) => {
            let material = TlsMaterial::load(&cert, &key)?;
            tracing::info!(cert = %cert.display(), "TLS: using the stored certificate");
            Ok(material)
        }
        (true, false) => Err(TlsError::HalfStored {
            present: cert,
            absent: key,
        }),
        (false, true) => Err(TlsError::HalfStored {
            present: key,
            absent: cert,
        }),
        (false, false) => generate(&dir, &cert, &key, names),
    }
}

fn generate(
    dir: &Path,
    cert: &Path,
    key: &Path,
    names: &[String],
) -> Result<TlsMaterial, TlsError> {
    let names: Vec<String> = if names.is_empty() {
        DEFAULT_NAMES.iter().map(|n| (*n).to_owned()).collect()
    } else {
        names.to_vec()
    };
    let generate_error = |source| TlsError::Generate {
        names: names.clone(),
        source,
    };
    let mut params = rcgen::CertificateParams::new(names.clone()).map_err(generate_error)?;
    // A subject that says what the certificate is, for whoever finds it in a trust store.
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "tta-acs self-signed");
    let signing_key = rcgen::KeyPair::generate().map_err(generate_error)?;
    let certificate = params.self_signed(&signing_key).map_err(generate_error)?;
    let cert_pem = certificate.pem();
    let key_pem = signing_key.serialize_pem();

    fs::create_dir_all(dir).map_err(|source| TlsError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    // The key first: a crash between the two writes then leaves a key without a certificate,
    // which the next start reports instead of serving a certificate whose key is lost.
    write_atomically(key, key_pem.as_bytes(), true)?;
    write_atomically(cert, cert_pem.as_bytes(), false)?;

    let material = TlsMaterial::from_pem(cert, cert_pem.as_bytes(), key, key_pem.as_bytes())?;
    tracing::warn!(
        cert = %cert.display(),
        names = ?names,
        "TLS: generated a self-signed certificate; clients must be given it to trust \
         (or configure a certificate and key)"
    );
    Ok(material)
}

/// Writes through a temporary file and a rename, so a reader never sees half a file; a
/// `private` file is created readable by its owner only, never briefly readable by others.
fn write_atomically(path: &Path, contents: &[u8], private: bool) -> Result<(), TlsError> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(format!(".tmp.{}", std::process::id()));
    let tmp = PathBuf::from(tmp_name);
    let write = || -> io::Result<()> {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let mut file = options.open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|source| {
        let _ = fs::remove_file(&tmp);
        TlsError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

impl TlsMaterial {
    /// Reads a PEM certificate chain and a PEM private key and checks that they make a
    /// server configuration.
    ///
    /// # Errors
    ///
    /// The file that could not be read or parsed, or [`TlsError::Config`] when rustls refuses
    /// the pair.
    pub fn load(cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let read = |path: &Path| {
            fs::read(path).map_err(|source| TlsError::Read {
                path: path.to_path_buf(),
                source,
            })
        };
        let cert_pem = read(cert)?;
        let key_pem = read(key)?;
        Self::from_pem(cert, &cert_pem, key, &key_pem)
    }

    fn from_pem(
        cert_path: &Path,
        cert_pem: &[u8],
        key_path: &Path,
        key_pem: &[u8],
    ) -> Result<Self, TlsError> {
        let chain = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| TlsError::Pem {
                path: cert_path.to_path_buf(),
                source,
            })?;
        if chain.is_empty() {
            return Err(TlsError::NoCertificate {
                path: cert_path.to_path_buf(),
            });
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|source| match source {
            pem::Error::NoItemsFound => TlsError::NoKey {
                path: key_path.to_path_buf(),
            },
            source => TlsError::Pem {
                path: key_path.to_path_buf(),
                source,
            },
        })?;
        let config_error = |source| TlsError::Config {
            cert: cert_path.to_path_buf(),
            key: key_path.to_path_buf(),
            source,
        };
        let mut config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(config_error)?
                .with_no_client_auth()
                .with_single_cert(chain.clone(), key)
                .map_err(config_error)?;
        config.alpn_protocols = vec![ALPN_HTTP_1_1.to_vec()];
        Ok(Self {
            chain,
            config: Arc::new(config),
        })
    }

    /// The server configuration for a `tokio_rustls::TlsAcceptor`: TLS 1.2 and 1.3 on the
    /// ring provider, no client certificates, ALPN `http/1.1` only.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        Arc::clone(&self.config)
    }

    /// The leaf certificate in DER: what a client adds to its roots to trust a self-signed
    /// certificate.
    pub fn certificate_der(&self) -> &CertificateDer<'static> {
        // `from_pem` refuses an empty chain, so the leaf is always there.
        &self.chain[0]
    }

    /// The whole chain in DER, leaf first.
    pub fn chain_der(&self) -> &[CertificateDer<'static>] {
        &self.chain
    }

    /// The leaf certificate in PEM, for clients that take a PEM file (curl `--cacert`, the
    /// STB simulator).
    pub fn certificate_pem(&self) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(self.certificate_der());
        let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 64);
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        // RFC 7468 section 2: lines of 64 characters. base64 output is ASCII, so any byte
        // offset is a character boundary.
        let mut rest = b64.as_str();
        while !rest.is_empty() {
            let (line, tail) = rest.split_at(rest.len().min(64));
            out.push_str(line);
            out.push('\n');
            rest = tail;
        }
        out.push_str("-----END CERTIFICATE-----\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::atomic::{AtomicUsize, Ordering};

    use rustls::pki_types::ServerName;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A fresh directory under the system temp dir, deleted when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("tta-acs-tls-{tag}-{}-{n}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn client_config(trusted: &CertificateDer<'static>) -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(trusted.clone()).unwrap();
        let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(config)
    }

    /// Handshakes over an in-memory pipe, sends one line each way and returns the ALPN
    /// protocol the server chose.
    async fn handshake(
        material: &TlsMaterial,
        name: &'static str,
    ) -> Result<Option<Vec<u8>>, io::Error> {
        let (client_io, server_io) = tokio::io::duplex(16 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(material.server_config());
        let connector = tokio_rustls::TlsConnector::from(client_config(material.certificate_der()));
        let server = async move {
            let mut tls = acceptor.accept(server_io).await?;
            let mut buf = [0u8; 5];
            tls.read_exact(&mut buf).await?;
            assert_eq!(&buf, b"ping\n");
            tls.write_all(b"pong\n").await?;
            tls.shutdown().await?;
            Ok::<_, io::Error>(())
        };
        let client = async move {
            let name = ServerName::try_from(name).unwrap();
            let mut tls = connector.connect(name, client_io).await?;
            tls.write_all(b"ping\n").await?;
            let mut buf = Vec::new();
            tls.read_to_end(&mut buf).await?;
            assert_eq!(buf, b"pong\n");
            Ok::<_, io::Error>(tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec))
        };
        let (server, client) = tokio::join!(server, client);
        let alpn = client?;
        server?;
        Ok(alpn)
    }

    #[test]
    fn generates_stores_and_loads_back_the_same_certificate() {
        let dir = TempDir::new("gen");
        let first = load_or_generate(None, None, &dir.0, &[]).unwrap();
        let cert = dir.0.join("tls/cert.pem");
        let key = dir.0.join("tls/key.pem");
        assert!(cert.is_file() && key.is_file());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "key mode {mode:o}");
        }
        // No temporary files left beside them.
        assert_eq!(fs::read_dir(dir.0.join("tls")).unwrap().count(), 2);

        let again = load_or_generate(None, None, &dir.0, &[]).unwrap();
        assert_eq!(again.certificate_der(), first.certificate_der());
        let explicit =
            load_or_generate(Some(&cert), Some(&key), Path::new("/nonexistent"), &[]).unwrap();
        assert_eq!(explicit.certificate_der(), first.certificate_der());
        assert_eq!(explicit.chain_der().len(), 1);

        // The PEM form is what was written, and parses back to the same DER.
        assert_eq!(first.certificate_pem(), fs::read_to_string(&cert).unwrap());
        let parsed = CertificateDer::from_pem_slice(first.certificate_pem().as_bytes()).unwrap();
        assert_eq!(&parsed, first.certificate_der());
    }

    #[test]
    fn one_path_only_is_an_error() {
        let dir = TempDir::new("half");
        let path = dir.0.join("x.pem");
        let err = load_or_generate(Some(&path), None, &dir.0, &[]).unwrap_err();
        assert!(
            matches!(
                err,
                TlsError::HalfPair {
                    given: "certificate",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("x.pem"), "{err}");
        let err = load_or_generate(None, Some(&path), &dir.0, &[]).unwrap_err();
        assert!(
            matches!(err, TlsError::HalfPair { given: "key", .. }),
            "{err}"
        );
        // Nothing was generated on the way.
        assert!(!dir.0.join("tls").exists());
    }

    #[test]
    fn one_stored_file_only_is_an_error_and_nothing_is_overwritten() {
        let dir = TempDir::new("halfstored");
        load_or_generate(None, None, &dir.0, &[]).unwrap();
        let cert = dir.0.join("tls/cert.pem");
        fs::remove_file(&cert).unwrap();
        let err = load_or_generate(None, None, &dir.0, &[]).unwrap_err();
        assert!(matches!(err, TlsError::HalfStored { .. }), "{err}");
        assert!(err.to_string().contains("cert.pem"), "{err}");
        assert!(!cert.exists());
    }

    #[test]
    fn bad_files_are_named_in_the_error() {
        let dir = TempDir::new("bad");
        load_or_generate(None, None, &dir.0, &[]).unwrap();
        let cert = dir.0.join("tls/cert.pem");
        let key = dir.0.join("tls/key.pem");
        let garbage = dir.0.join("garbage.pem");
        let broken = dir.0.join("broken.pem");
        fs::write(&garbage, "this is not PEM\n").unwrap();
        fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let missing = dir.0.join("missing.pem");

        // (certificate, key, the file the message must name, the variant expected)
        let cases: [(&Path, &Path, &str, &str); 6] = [
            (&garbage, &key, "garbage.pem", "NoCertificate"),
            (&broken, &key, "broken.pem", "Pem"),
            (&cert, &garbage, "garbage.pem", "NoKey"),
            (&cert, &broken, "broken.pem", "Pem"),
            (&missing, &key, "missing.pem", "Read"),
            // A certificate offered as its own key.
            (&cert, &cert, "cert.pem", "NoKey"),
        ];
        for (c, k, named, variant) in cases {
            let err = load_or_generate(Some(c), Some(k), &dir.0, &[]).unwrap_err();
            let debug = format!("{err:?}");
            assert!(
                debug.starts_with(&format!("{variant} {{")),
                "{}, {}: {debug}",
                c.display(),
                k.display()
            );
            assert!(err.to_string().contains(named), "{err}");
        }
    }

    #[test]
    fn a_key_of_another_certificate_is_refused() {
        let a = TempDir::new("mismatch-a");
        let b = TempDir::new("mismatch-b");
        load_or_generate(None, None, &a.0, &[]).unwrap();
        load_or_generate(None, None, &b.0, &[]).unwrap();
        let err = load_or_generate(
            Some(&a.0.join("tls/cert.pem")),
            Some(&b.0.join("tls/key.pem")),
            &a.0,
            &[],
        )
        .unwrap_err();
        assert!(matches!(err, TlsError::Config { .. }), "{err:?}");
    }

    #[test]
    fn a_name_that_cannot_be_a_san_is_refused() {
        let dir = TempDir::new("badname");
        let err = load_or_generate(None, None, &dir.0, &["bad\u{e9}name".to_owned()]).unwrap_err();
        assert!(matches!(err, TlsError::Generate { .. }), "{err:?}");
        assert!(!dir.0.join("tls/key.pem").exists());
    }

    #[tokio::test]
    async fn a_client_that_trusts_the_generated_certificate_connects() {
        let dir = TempDir::new("handshake");
        let material = load_or_generate(None, None, &dir.0, &[]).unwrap();
        for name in DEFAULT_NAMES {
            let alpn = handshake(&material, name).await.unwrap();
            assert_eq!(alpn.as_deref(), Some(ALPN_HTTP_1_1), "{name}");
        }
        // The certificate is for the given names only.
        let err = handshake(&material, "acs.example.net").await.unwrap_err();
        assert!(err.to_string().contains("certificate"), "{err}");
    }

    #[tokio::test]
    async fn given_names_replace_the_defaults() {
        let dir = TempDir::new("names");
        let names = ["acs.example.net".to_owned(), "192.0.2.7".to_owned()];
        let material = load_or_generate(None, None, &dir.0, &names).unwrap();
        handshake(&material, "acs.example.net").await.unwrap();
        handshake(&material, "192.0.2.7").await.unwrap();
        assert!(handshake(&material, "localhost").await.is_err());
    }
}
