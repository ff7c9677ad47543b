//! What can go wrong while building a catalogue.

use std::io;
use std::path::PathBuf;

/// An error of the ICML writer or of the mapping. Messages name what they are about:
/// `offer "mod-5-3": price must be a number, got "abc"`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An offer that cannot be written (bad or missing field); nothing of it was written.
    #[error("offer {}: {message}", quoted(.id))]
    Offer {
        /// The offer's id, when it has one.
        id: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A category that cannot be written (bad field, duplicate, cycle).
    #[error("category {}: {message}", quoted(.id))]
    Category {
        /// The category's id, when it has one.
        id: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// Bad shop header (`name`, `company`, `date`).
    #[error("shop {0}")]
    Shop(String),
    /// Bad mapping options.
    #[error("{0}")]
    Options(String),
    /// A path where a catalogue may not be published (see [`super::location`]).
    #[error("{0}")]
    Path(String),
    /// A call out of order: a category after the first offer, anything after a failure.
    #[error("{0}")]
    State(String),
    /// The file system refused.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done (`create a temporary file in`, `write`, `publish` …).
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// An [`Error::Offer`] about the offer `id`.
    pub fn offer(id: Option<&str>, message: impl Into<String>) -> Error {
        Error::Offer {
            id: id.map(str::to_string),
            message: message.into(),
        }
    }

    /// An [`Error::Category`] about the category `id`.
    pub fn category(id: Option<&str>, message: impl Into<String>) -> Error {
        Error::Category {
            id: id.map(str::to_string),
            message: message.into(),
        }
    }
}

fn quoted(id: &Option<String>) -> String {
    match id {
        Some(id) => format!("{id:?}"),
        None => "without an id".to_string(),
    }
}
