//! The client's address, as the sign-in limits count it. It is the connection's peer, unless
//! the peer is a trusted reverse proxy (`--trusted-proxies`, a list of CIDR blocks): then it is
//! the rightmost address of `X-Forwarded-For` that is not itself a trusted proxy, since each
//! proxy appends the address it was reached from and everything left of the first hop we do
//! not trust may have been written by the client. Without trusted proxies the header is
//! ignored. Addresses are counted by [`key_of`]: IPv4 as is, IPv6 by its /64.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

/// A block of addresses, `10.0.0.0/8`, `fd00::/8`, or one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an address or a CIDR block"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?,
            None => max,
        };
        Ok(Cidr { net, prefix })
    }
}

fn masked(ip: IpAddr, prefix: u8) -> u128 {
    let (bits, width) = match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    };
    let shift = width - u32::from(prefix);
    if shift >= 128 {
        0
    } else {
        bits >> shift
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, as a dual-stack socket reports IPv4 peers)
/// is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        ip.is_ipv4() == self.net.is_ipv4()
            && masked(ip, self.prefix) == masked(self.net, self.prefix)
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed (none by default).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<Cidr>>);

impl TrustedProxies {
    pub fn new(blocks: impl IntoIterator<Item = Cidr>) -> TrustedProxies {
        TrustedProxies(Arc::new(blocks.into_iter().collect()))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client behind a connection from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                // Not an address: the trusted hop right of it is the last we can vouch for.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// One entry of `X-Forwarded-For`: an address, perhaps with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// What the limits count an address by: an IPv4 address itself; an IPv6 address by its /64,
/// the prefix one subscriber (one home, one phone) is given, so that the 2^64 addresses in it
/// are one client.
pub fn key_of(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let net = Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1));
            format!("{net}/64")
        }
    }
}

/// The client's address (see the module's comment) as a request extractor.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        Ok(ClientAddr(
            state.trusted_proxies.client(peer, &parts.headers),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn blocks_parse_and_contain() {
        let c: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(c.contains(ip("10.200.1.1")));
        assert!(!c.contains(ip("11.0.0.1")));
        assert!(c.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped");
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")) && !all.contains(ip("::1")));
        assert!("10.0.0.0/33".parse::<Cidr>().is_err());
        assert!("proxy.lan".parse::<Cidr>().is_err());
    }

    #[test]
    fn forwarded_for_is_read_only_from_a_trusted_proxy_and_from_the_right() {
        let none = TrustedProxies::default();
        let headers = xff(&["203.0.113.7"]);
        assert_eq!(none.client(ip("127.0.0.1"), &headers), ip("127.0.0.1"));
        let proxies =
            TrustedProxies::new(["127.0.0.1".parse().unwrap(), "10.0.0.0/8".parse().unwrap()]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &headers), ip("203.0.113.7"));
        // A peer that is not a proxy is the client, whatever it claims.
        assert_eq!(
            proxies.client(ip("198.51.100.1"), &headers),
            ip("198.51.100.1")
        );
        // What the client wrote left of the first untrusted hop does not count.
        let spoofed = xff(&["1.1.1.1, 203.0.113.7", "10.0.0.2"]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &spoofed), ip("203.0.113.7"));
        // Ports, brackets, and garbage.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &xff(&["[2001:db8::1]:443"])),
            ip("2001:db8::1")
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &xff(&["garbage, 10.0.0.9"])),
            ip("10.0.0.9")
        );
        // A request from the proxy itself, with no header.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &HeaderMap::new()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn ipv6_is_keyed_by_its_64() {
        assert_eq!(
            key_of(ip("2001:db8:1:2::1")),
            key_of(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(key_of(ip("2001:db8:1:2::1")), key_of(ip("2001:db8:1:3::1")));
        assert_eq!(key_of(ip("::ffff:192.0.2.1")), key_of(ip("192.0.2.1")));
        assert_ne!(key_of(ip("192.0.2.1")), key_of(ip("192.0.2.2")));
    }
}
