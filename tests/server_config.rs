//! Configuration layers and validation: flags > environment > file > defaults.

use std::io::Write;

use pimgate::config::{Config, ConfigError, Database, Sources};

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn defaults_need_no_file() {
    let c = Config::load(&Sources::default()).unwrap();
    assert_eq!(c, Config::default());
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.database(), Database::Sqlite("./pimgate-data/pimgate.db".into()));
    assert_eq!(
        c.initial_password_file(),
        std::path::Path::new("./pimgate-data/initial-admin-password")
    );
}

#[test]
fn flags_override_env_override_file_override_defaults() {
    let f = file(
        "listen = \"0.0.0.0:9000\"\ndata = \"/srv/file\"\n\
         [limits]\nxml_depth = 10\nrequest_body_bytes = 100000000\n\
         [auth]\ncache_ttl_secs = 5\n",
    );
    let sources = Sources {
        file: Some(f.path().to_owned()),
        env: env(&[
            ("PIMGATE_DATA", "/srv/env"),
            ("PIMGATE_LISTEN", "127.0.0.1:9001"),
            ("PIMGATE_LIMITS_XML_DEPTH", "20"),
            ("PIMGATE_PROXY_TRUSTED", "127.0.0.1, ::1"),
            ("PIMGATE_TEST_POSTGRES_URL", "ignored: not a config key"),
        ]),
        flags: vec![("listen", "127.0.0.1:9002".into())],
    };
    let c = Config::load(&sources).unwrap();
    assert_eq!(c.listen.to_string(), "127.0.0.1:9002", "flag beats env and file");
    assert_eq!(c.data, std::path::Path::new("/srv/env"), "env beats file");
    assert_eq!(c.limits.xml_depth, 20, "env beats file in a section");
    assert_eq!(c.limits.request_body_bytes, 100_000_000, "file beats default");
    assert_eq!(c.auth.cache_ttl_secs, 5);
    assert_eq!(c.auth.user_failures, 5, "default where nobody says");
    assert_eq!(c.proxy.trusted.len(), 2);
    assert_eq!(c.database(), Database::Sqlite("/srv/env/pimgate.db".into()));
}

#[test]
fn every_config_field_has_a_key_and_an_environment_variable() {
    let mut full = Config {
        database: Some("postgres://x@y/z".into()),
        ..Config::default()
    };
    full.tls.cert = Some("c".into());
    full.tls.key = Some("k".into());
    full.proxy.trusted = vec!["::1".parse().unwrap()];
    let table = toml::Table::try_from(&full).unwrap();
    let mut fields = Vec::new();
    for (k, v) in &table {
        match v.as_table() {
            Some(section) => fields.extend(section.keys().map(|s| format!("{k}.{s}"))),
            None => fields.push(k.clone()),
        }
    }
    fields.sort();
    let mut keys: Vec<String> = Config::keys().map(|(k, _)| k.to_owned()).collect();
    keys.sort();
    assert_eq!(keys, fields);
    assert!(Config::keys().any(|(k, e)| k == "limits.request_body_bytes" && e == "PIMGATE_LIMITS_REQUEST_BODY_BYTES"));
}

#[test]
fn mistakes_are_reported_with_their_origin() {
    let unknown = file("[limits]\nrequest_body = 5\n");
    let err = Config::load(&Sources {
        file: Some(unknown.path().to_owned()),
        ..Sources::default()
    })
    .unwrap_err();
    assert!(matches!(err, ConfigError::Value { .. }), "{err}");
    assert!(err.to_string().contains("request_body"), "{err}");

    let err = Config::load(&Sources {
        env: env(&[("PIMGATE_AUTH_CACHE_TTL_SECS", "a minute")]),
        ..Sources::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("PIMGATE_AUTH_CACHE_TTL_SECS"), "{err}");

    let broken = file("listen = ");
    let err = Config::load(&Sources {
        file: Some(broken.path().to_owned()),
        ..Sources::default()
    })
    .unwrap_err();
    assert!(matches!(err, ConfigError::File { .. }), "{err}");

    for (key, value, needle) in [
        ("tls.cert", "/x.pem", "tls.key"),
        ("limits.xml_depth", "0", "xml_depth"),
        ("limits.resource_bytes", "999999999999", "cannot exceed"),
        ("database", "mysql://x", "sqlite://"),
        ("listen", "not an address", "listen"),
    ] {
        let err = Config::load(&Sources {
            flags: vec![(key, value.into())],
            ..Sources::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains(needle), "{key}={value}: {err}");
    }
}

#[test]
fn database_urls_name_sqlite_files_or_servers() {
    let with = |url: &str| Config {
        database: Some(url.into()),
        ..Config::default()
    };
    assert_eq!(
        with("sqlite:///var/lib/p.db").database(),
        Database::Sqlite("/var/lib/p.db".into())
    );
    assert_eq!(
        with("postgres://u@h/db").database(),
        Database::Url("postgres://u@h/db".into())
    );
}
