//! Where the server may send a webhook: never inward. An address is inward when it is loopback,
//! private (RFC 1918, unique-local), shared (100.64/10), link-local (which holds the cloud
//! metadata address 169.254.169.254), unspecified, multicast or broadcast, or an IPv6 form that
//! carries such an IPv4 address (mapped, compatible, NAT64, 6to4). The URL's host is checked at
//! registration, and again at every delivery after DNS resolution (`GuardedResolver`), so a
//! name that later resolves inward is caught; proxy variables are not followed. The operator
//! may allow-list hosts (`--webhook-allow-hosts`), e.g. a gateway on the district's own LAN.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Hosts the operator allows even though they are, or resolve to, inward addresses. Each is a
/// host as a URL writes it (a name, an IPv4 address, or an IPv6 address without brackets),
/// compared without regard to case.
#[derive(Clone, Debug, Default)]
pub struct AllowList(Arc<Vec<String>>);

impl AllowList {
    pub fn new<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> AllowList {
        AllowList(Arc::new(
            hosts
                .into_iter()
                .map(|h| canonical_host(h.as_ref()))
                .filter(|h| !h.is_empty())
                .collect(),
        ))
    }

    /// Whether `host` (as `url::Url::host_str` gives it) is allowed inward.
    pub fn allows(&self, host: &str) -> bool {
        let host = canonical_host(host);
        self.0.contains(&host)
    }
}

/// A host without IPv6 brackets, in lower case, with IP addresses in their canonical form.
fn canonical_host(host: &str) -> String {
    let bare = host.trim().trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => bare.trim_end_matches('.').to_ascii_lowercase(),
    }
}

fn inward_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0
        // Shared address space (carrier-grade NAT), and the IETF protocol block.
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        // Reserved for future use (240/4).
        || a >= 240
}

fn inward_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return inward_v4(v4);
    }
    let seg = ip.segments();
    // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4
    // address that the network may route to.
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if seg[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified() {
        return inward_v4(embedded(seg[6], seg[7]));
    }
    if seg[0] == 0x64 && seg[1] == 0xff9b && seg[2..6] == [0; 4] {
        return inward_v4(embedded(seg[6], seg[7]));
    }
    if seg[0] == 0x2002 {
        return inward_v4(embedded(seg[1], seg[2]));
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique-local (fc00::/7) and link-local (fe80::/10).
        || (seg[0] & 0xfe00) == 0xfc00
        || (seg[0] & 0xffc0) == 0xfe80
        // Site-local (deprecated, fec0::/10).
        || (seg[0] & 0xffc0) == 0xfec0
}

/// Whether a webhook may never be sent to `ip` (unless its host is allow-listed).
pub fn is_inward(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => inward_v4(v4),
        IpAddr::V6(v6) => inward_v6(v6),
    }
}

/// The address a URL's host is written as, if it is one (names are resolved elsewhere).
pub fn literal_ip(url: &url::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// Whether a URL's host is written as an inward address that is not allow-listed.
pub fn inward_literal(url: &url::Url, allow: &AllowList) -> bool {
    literal_ip(url).is_some_and(is_inward) && !allow.allows(url.host_str().unwrap_or_default())
}

/// Why a URL may not receive webhooks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not http or https, or without a host.
    NotHttp,
    /// The host is, or resolves to, an inward address.
    Inward,
    /// The host's name does not resolve.
    Unresolvable,
}

/// Checks a webhook URL where it is registered: its scheme, and every address its host is or
/// resolves to.
pub async fn check_url(url: &url::Url, allow: &AllowList) -> Result<(), Refused> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refused::NotHttp);
    }
    let host = url.host().ok_or(Refused::NotHttp)?;
    if allow.allows(url.host_str().unwrap_or_default()) {
        return Ok(());
    }
    if inward_literal(url, allow) {
        return Err(Refused::Inward);
    }
    match host {
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => Ok(()),
        url::Host::Domain(name) => {
            let port = url.port_or_known_default().unwrap_or(80);
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name, port))
                .await
                .map_err(|_| Refused::Unresolvable)?
                .collect();
            if addrs.is_empty() {
                return Err(Refused::Unresolvable);
            }
            if addrs.iter().any(|a| is_inward(a.ip())) {
                return Err(Refused::Inward);
            }
            Ok(())
        }
    }
}

/// The delivery client's resolver: the system's, with every inward address taken out unless
/// the host is allow-listed. A name with nothing left fails to connect.
pub struct GuardedResolver {
    pub allow: AllowList,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let allowed = self.allow.allows(&host);
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allowed || !is_inward(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no address a webhook may reach").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(url: &str) -> IpAddr {
        match url::Url::parse(url).unwrap().host().unwrap() {
            url::Host::Ipv4(ip) => IpAddr::V4(ip),
            url::Host::Ipv6(ip) => IpAddr::V6(ip),
            url::Host::Domain(d) => panic!("{url}: a name, {d}"),
        }
    }

    #[test]
    fn every_inward_form_is_inward() {
        for url in [
            "http://127.0.0.1/",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://0/",
            "http://0.0.0.0/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.20/",
            "http://169.254.169.254/",
            "http://100.64.0.1/",
            "http://255.255.255.255/",
            "http://224.0.0.1/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://[::127.0.0.1]/",
            "http://[64:ff9b::a00:1]/",
            "http://[2002:7f00:1::]/",
            "http://[fd00:ec2::254]/",
            "http://[fe80::1]/",
            "http://[ff02::1]/",
        ] {
            assert!(is_inward(host_of(url)), "{url}");
        }
        for url in [
            "http://8.8.8.8/",
            "http://114.114.114.114/",
            "http://[2400:3200::1]/",
            "http://[::ffff:8.8.8.8]/",
        ] {
            assert!(!is_inward(host_of(url)), "{url}");
        }
    }

    #[tokio::test]
    async fn registration_refuses_inward_hosts_and_names_unless_allowed() {
        let none = AllowList::default();
        for url in [
            "http://127.0.0.1:9/hook",
            "http://[::1]/",
            "http://localhost:8080/",
            "http://2130706433/",
        ] {
            let u = url::Url::parse(url).unwrap();
            assert_eq!(check_url(&u, &none).await, Err(Refused::Inward), "{url}");
        }
        let u = url::Url::parse("ftp://8.8.8.8/").unwrap();
        assert_eq!(check_url(&u, &none).await, Err(Refused::NotHttp));
        let u = url::Url::parse("https://8.8.8.8/hook").unwrap();
        assert_eq!(check_url(&u, &none).await, Ok(()));
        let allow = AllowList::new(["127.0.0.1", "LOCALHOST."]);
        for url in ["http://127.0.0.1:9/hook", "http://localhost:8080/"] {
            let u = url::Url::parse(url).unwrap();
            assert_eq!(check_url(&u, &allow).await, Ok(()), "{url}");
        }
        let u = url::Url::parse("http://[::1]/").unwrap();
        assert_eq!(check_url(&u, &allow).await, Err(Refused::Inward));
    }
}
