//! Where a request came from and which origin it addressed, honouring a
//! reverse proxy's `X-Forwarded-For`, `X-Forwarded-Proto` and
//! `X-Forwarded-Host` only when the TCP peer is listed in `proxy.trusted`.
//! Anyone can send those headers; believing them from anyone else would let
//! a client choose its throttling address and our redirect targets.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::http::request::Parts;

use super::AppState;

/// The client and the origin (scheme and host) a request addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOrigin {
    /// The client's address: the TCP peer, or behind trusted proxies the
    /// nearest untrusted address in `X-Forwarded-For`.
    pub client_ip: IpAddr,
    /// `http` or `https`.
    pub scheme: String,
    /// `host[:port]` as the client addressed it.
    pub host: String,
}

impl RequestOrigin {
    /// Reads the connection's peer (set by `server::run`) and the headers.
    pub fn from_parts(parts: &Parts, state: &AppState) -> RequestOrigin {
        let peer = peer_of(parts, state);
        resolve(
            &parts.headers,
            peer,
            state.tls_enabled(),
            &state.config().proxy.trusted,
            state.config().listen,
        )
    }

    /// `scheme://host`, for absolute URLs.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }

    /// Whether an absolute URL with this scheme and authority
    /// (`[user@]host[:port]`) names this origin: scheme and host compared
    /// without case, a default port (80, 443) written or not.
    pub fn is_named_by(&self, scheme: &str, authority: &str) -> bool {
        scheme.eq_ignore_ascii_case(&self.scheme)
            && normal_authority(&self.scheme, authority) == normal_authority(&self.scheme, &self.host)
    }
}

/// The origins a request may name this server by, as in an absolute
/// `Destination` (RFC 4918 §10.3): the scheme and host it addressed
/// directly (`Host`, or the request line's authority) and, when it came
/// through a trusted proxy, the public ones the proxy forwarded.
pub fn own_origins(parts: &Parts, state: &AppState) -> Vec<RequestOrigin> {
    let peer = peer_of(parts, state);
    let config = state.config();
    let tls = state.tls_enabled();
    let direct = resolve(&parts.headers, peer, tls, &[], config.listen);
    let mut origins = vec![
        resolve(&parts.headers, peer, tls, &config.proxy.trusted, config.listen),
        direct.clone(),
    ];
    if let Some(authority) = parts.uri.authority() {
        origins.push(RequestOrigin {
            host: authority.to_string(),
            ..direct
        });
    }
    origins.dedup();
    origins
}

fn peer_of(parts: &Parts, state: &AppState) -> SocketAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(state.config().listen, |c| c.0)
}

/// `host[:port]` without user info, lower case, without the scheme's default port.
fn normal_authority(scheme: &str, authority: &str) -> String {
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = host.to_ascii_lowercase();
    let default = if scheme.eq_ignore_ascii_case("https") {
        ":443"
    } else {
        ":80"
    };
    match host.strip_suffix(default) {
        Some(bare) => bare.to_owned(),
        None => host,
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The origin of a request from `peer`, believing forwarded headers only
/// from `trusted` peers.
pub fn resolve(
    headers: &HeaderMap,
    peer: SocketAddr,
    tls: bool,
    trusted: &[IpAddr],
    listen: SocketAddr,
) -> RequestOrigin {
    let is_trusted = |ip: &IpAddr| trusted.contains(ip);
    let own_scheme = if tls { "https" } else { "http" };
    let own_host = header(headers, HOST.as_str()).map_or_else(|| listen.to_string(), str::to_owned);
    if !is_trusted(&peer.ip()) {
        return RequestOrigin {
            client_ip: peer.ip(),
            scheme: own_scheme.to_owned(),
            host: own_host,
        };
    }
    // Proxies append: the rightmost address not itself a trusted proxy is
    // the client (anything left of it could be forged by the client).
    let client_ip = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .rev()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer.ip());
    let scheme = match header(headers, "x-forwarded-proto").and_then(|v| v.split(',').next()) {
        Some(p) if p.trim().eq_ignore_ascii_case("https") => "https",
        Some(p) if p.trim().eq_ignore_ascii_case("http") => "http",
        _ => own_scheme,
    };
    let host = header(headers, "x-forwarded-host")
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .map_or(own_host, str::to_owned);
    RequestOrigin {
        client_ip,
        scheme: scheme.to_owned(),
        host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    const LISTEN: &str = "127.0.0.1:8080";

    #[test]
    fn forwarded_headers_from_an_untrusted_peer_are_ignored() {
        let h = headers(&[
            ("host", "dav.example.org"),
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "evil.example"),
        ]);
        let o = resolve(
            &h,
            "10.0.0.9:5000".parse().unwrap(),
            false,
            &[],
            LISTEN.parse().unwrap(),
        );
        assert_eq!(o.client_ip, "10.0.0.9".parse::<IpAddr>().unwrap());
        assert_eq!(o.base_url(), "http://dav.example.org");
    }

    #[test]
    fn a_trusted_proxy_names_the_client_scheme_and_host() {
        let trusted: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()];
        let h = headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-for", "6.6.6.6, 1.2.3.4"),
            ("x-forwarded-for", "10.0.0.2"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "dav.example.org"),
        ]);
        let o = resolve(
            &h,
            "127.0.0.1:4000".parse().unwrap(),
            false,
            &trusted,
            LISTEN.parse().unwrap(),
        );
        assert_eq!(o.client_ip, "1.2.3.4".parse::<IpAddr>().unwrap(), "rightmost untrusted");
        assert_eq!(o.base_url(), "https://dav.example.org");
    }

    #[test]
    fn an_origin_is_named_with_or_without_its_default_port_in_any_case() {
        let o = resolve(
            &headers(&[("host", "Dav.Example.org")]),
            "10.0.0.9:5000".parse().unwrap(),
            true,
            &[],
            LISTEN.parse().unwrap(),
        );
        assert!(o.is_named_by("HTTPS", "dav.example.org:443"));
        assert!(o.is_named_by("https", "alice@dav.example.org"));
        assert!(!o.is_named_by("http", "dav.example.org"));
        assert!(!o.is_named_by("https", "dav.example.org:8443"));
        assert!(!o.is_named_by("https", "other.example.org"));
    }
}
