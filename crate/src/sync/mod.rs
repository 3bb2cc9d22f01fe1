//! What the device and the server say to each other, and the client that says it: the wire
//! types of `/v1` ([`wire`]), the signed messages a device sends besides records
//! ([`messages`]), the retry policy ([`retry`]), the clock corrected to the server's time ([`clock`]) and the engine that enrolls and syncs a
//! [`crate::Device`] ([`engine`]).

mod clock;
pub(crate) mod engine;
mod messages;
mod retry;
mod wire;

pub use clock::{ServerClock, SERVER_OFFSET_SETTING};
pub use messages::*;
pub use retry::*;
pub use wire::*;
