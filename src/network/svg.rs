//! A picture of the network (SVG). Being written.

use super::Network;
use std::io::{self, Write};

pub fn write_svg(_network: &Network, _out: &mut dyn Write) -> crate::error::Result<()> {
    Err(crate::Error::Output(io::Error::other(
        "svg output is not available yet",
    )))
}
