//! Refusing private and loopback addresses: a resolver that drops them (so a public name that
//! resolves to 10.0.0.1 is refused too) and a check for IP literals in URLs.

use std::net::{IpAddr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is anything but a public unicast address: loopback, private, link-local,
/// carrier-grade NAT, unspecified, broadcast, documentation, benchmarking (198.18.0.0/15), IETF
/// protocol assignments (192.0.0.0/24), multicast and reserved (240.0.0.0/4) IPv4; and for IPv6
/// the same kinds plus every range that can carry or translate to an IPv4 address the guard
/// would otherwise not see: IPv4-mapped (`::ffff:a.b.c.d`, judged by the embedded address),
/// IPv4-compatible (`::/96`), NAT64 (`64:ff9b::/96`, `64:ff9b:1::/48`), 6to4 (`2002::/16`) and
/// Teredo (`2001::/32`); site-local (`fec0::/10`), unique-local, link-local, multicast,
/// discard-only (`100::/64`) and documentation (`2001:db8::/32`).
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || o[0] >= 240
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || o[0] == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[..6] == [0; 6])
                || (s[0] == 0x64 && s[1] == 0xff9b && (s[2] == 1 || s[2..6] == [0; 4]))
                || s[0] == 0x2002
                || (s[0] == 0x2001 && s[1] == 0)
                || (s[0] == 0x2001 && s[1] == 0xdb8)
                || (s[0] == 0x100 && s[1..4] == [0; 3])
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
        }
    }
}

/// A DNS resolver that answers only public addresses.
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| !is_private(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!(
                    "`{host}` has no public address (private and loopback addresses are refused)"
                )
                .into());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "0.0.0.0",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    /// Every range the guard must refuse, each with an address at its start, inside and at its
    /// end, and the public neighbours just outside where there are some.
    #[test]
    fn every_special_range_is_refused() {
        let refused: &[(&str, &[&str])] = &[
            (
                "NAT64 64:ff9b::/96",
                &["64:ff9b::", "64:ff9b::a00:1", "64:ff9b::ffff:ffff"],
            ),
            (
                "local NAT64 64:ff9b:1::/48",
                &["64:ff9b:1::1", "64:ff9b:1:ffff::1"],
            ),
            (
                "6to4 2002::/16",
                &["2002::", "2002:c0a8:101::1", "2002:ffff::1"],
            ),
            (
                "IPv4-compatible ::/96",
                &["::2", "::8.8.8.8", "::10.0.0.1", "::ffff"],
            ),
            ("site-local fec0::/10", &["fec0::1", "feff:ffff::1"]),
            (
                "IPv6 multicast ff00::/8",
                &["ff02::1", "ff0e::1", "ffff::1"],
            ),
            ("Teredo 2001::/32", &["2001::1", "2001:0:ffff::1"]),
            ("documentation 2001:db8::/32", &["2001:db8::1"]),
            ("discard 100::/64", &["100::1"]),
            (
                "IPv4 multicast 224.0.0.0/4",
                &["224.0.0.1", "239.255.255.255"],
            ),
            (
                "reserved 240.0.0.0/4",
                &["240.0.0.1", "250.1.2.3", "255.255.255.254"],
            ),
            (
                "benchmarking 198.18.0.0/15",
                &["198.18.0.0", "198.19.255.255"],
            ),
            (
                "IETF 192.0.0.0/24",
                &["192.0.0.0", "192.0.0.170", "192.0.0.255"],
            ),
            (
                "IPv4-mapped private",
                &[
                    "::ffff:10.0.0.1",
                    "::ffff:192.168.1.1",
                    "::ffff:169.254.169.254",
                    "::ffff:198.18.0.1",
                ],
            ),
        ];
        for (range, ips) in refused {
            for ip in *ips {
                assert!(is_private(ip.parse().unwrap()), "{range}: {ip}");
            }
        }
        for ip in [
            "198.17.255.255",
            "198.20.0.0",
            "192.0.1.1",
            "223.255.255.255",
            "2001:1::1",
            "2003::1",
            "64:ff9c::1",
            "fe00::1",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip} is public");
        }
    }

    /// A name that resolves only to loopback (here `localhost`, from /etc/hosts) is refused by
    /// the resolver itself, so DNS cannot smuggle a private address past the URL check.
    #[tokio::test]
    async fn resolver_drops_private_answers() {
        let name: Name = "localhost".parse().unwrap();
        let err = match PublicOnly.resolve(name).await {
            Ok(addrs) => panic!("resolved to {:?}", addrs.collect::<Vec<_>>()),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("no public address"), "{err}");
    }
}
