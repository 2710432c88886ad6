//! `Key`: an address as a plain unsigned integer (`u32` for IPv4, `u128` for IPv6), so the
//! tables can be written once and stay free of `IpNet` arithmetic on the hot path.

use std::fmt::Debug;
use std::net::{Ipv4Addr, Ipv6Addr};

use domain::IpRange;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

pub(crate) trait Key: Copy + Ord + Debug + Send + Sync + 'static {
    /// Address width: 32 or 128. A prefix of this length is a single host.
    const BITS: u8;
    const ZERO: Self;

    /// The last address of the prefix `self/len` (`self` must have no host bits).
    fn last(self, len: u8) -> Self;
    /// The next address, or `None` after the last one.
    fn succ(self) -> Option<Self>;
    /// `self` with the bits after `len` cleared.
    fn trunc(self, len: u8) -> Self;
    /// The top `bits` bits (0..=24) as an index, for bucket and filter tables.
    fn top(self, bits: u32) -> usize;
    /// The range `self/len`; `self` must have no host bits.
    fn range(self, len: u8) -> IpRange;
    /// The low 16 bits.
    fn low16(self) -> u16;
    /// The key whose top 16 bits are `top` and low 16 bits `low`: an IPv4 key stored as its
    /// bucket and low half. Meaningless for IPv6, which is never stored that way.
    fn from_halves(top: usize, low: u16) -> Self;
}

macro_rules! impl_key {
    ($ty:ty, $bits:expr, $addr:ident, $net:ident, $variant:ident) => {
        impl Key for $ty {
            const BITS: u8 = $bits;
            const ZERO: Self = 0;

            #[inline]
            fn last(self, len: u8) -> Self {
                self | <$ty>::MAX.checked_shr(u32::from(len)).unwrap_or(0)
            }
            #[inline]
            fn succ(self) -> Option<Self> {
                self.checked_add(1)
            }
            #[inline]
            fn trunc(self, len: u8) -> Self {
                self & !<$ty>::MAX.checked_shr(u32::from(len)).unwrap_or(0)
            }
            #[inline]
            fn top(self, bits: u32) -> usize {
                // `checked_shr` turns the `bits == 0` case (a shift by the full width) into 0.
                self.checked_shr(<$ty>::BITS - bits).unwrap_or(0) as usize
            }
            #[inline]
            fn range(self, len: u8) -> IpRange {
                if len == <Self as Key>::BITS {
                    // The common hit, and `host` is much cheaper than `from_net`'s validation.
                    return IpRange::host(std::net::IpAddr::from($addr::from(self)));
                }
                let net = IpNet::$variant($net::new_assert($addr::from(self), len));
                IpRange::from_net(net).expect("index keys never have host bits set")
            }
            #[inline]
            fn low16(self) -> u16 {
                self as u16
            }
            fn from_halves(top: usize, low: u16) -> Self {
                (top as $ty) << (<$ty>::BITS - 16) | <$ty>::from(low)
            }
        }
    };
}

impl_key!(u32, 32, Ipv4Addr, Ipv4Net, V4);
impl_key!(u128, 128, Ipv6Addr, Ipv6Net, V6);

/// Where a range lives in the index: the family, its network as a key, and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    V4(u32, u8),
    V6(u128, u8),
}

impl Slot {
    pub(crate) fn of(range: &IpRange) -> Slot {
        match range.net() {
            IpNet::V4(n) => Slot::V4(u32::from(n.network()), n.prefix_len()),
            IpNet::V6(n) => Slot::V6(u128::from(n.network()), n.prefix_len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_arithmetic_handles_both_ends_of_the_length_range() {
        assert_eq!(0x0a00_0000u32.last(8), 0x0aff_ffff);
        assert_eq!(0u32.last(0), u32::MAX);
        assert_eq!(7u32.last(32), 7);
        assert_eq!(0x0a01_0203u32.trunc(16), 0x0a01_0000);
        assert_eq!(0x0a01_0203u32.trunc(0), 0);
        assert_eq!(0x0a01_0203u32.trunc(32), 0x0a01_0203);
        assert_eq!(u128::MAX.trunc(128), u128::MAX);
        assert_eq!(0x0a01_0203u32.top(16), 0x0a01);
        assert_eq!(0x0a01_0203u32.top(0), 0);
        assert_eq!((1u128 << 127).top(1), 1);
        assert_eq!(u32::MAX.succ(), None);
        assert_eq!(u32::from_halves(0x0a01, 0x0203), 0x0a01_0203);
        assert_eq!(0x0a01_0203u32.low16(), 0x0203);
    }

    #[test]
    fn a_key_turns_back_into_the_same_range() {
        let r: IpRange = "10.1.0.0/16".parse().unwrap();
        assert_eq!(Slot::of(&r), Slot::V4(0x0a01_0000, 16));
        assert_eq!(0x0a01_0000u32.range(16), r);
        let r: IpRange = "2001:db8::/32".parse().unwrap();
        let Slot::V6(k, len) = Slot::of(&r) else {
            panic!("IPv6 range in the IPv4 slot")
        };
        assert_eq!(k.range(len), r);
    }
}
