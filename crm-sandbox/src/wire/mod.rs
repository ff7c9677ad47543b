//! What travels on the wire: request parameters, JSON answers and errors, timestamps.

pub mod clock;
pub mod error;
pub mod multipart;
pub mod params;
pub mod reply;
