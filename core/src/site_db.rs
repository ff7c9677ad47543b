//! The shop's MySQL/MariaDB database as MODX names it: the PDO DSN, user, password and
//! table prefix of `config.inc.php`, read into the `mysql` crate's connection options.
//! Shared by the outbox in the site's database and the catalogue reader; the password is
//! never shown (not in `Debug`, errors or logs).

use std::fmt;
use std::time::Duration;

use mysql::OptsBuilder;

/// The longest table prefix accepted (MySQL names are at most 64 characters, and the
/// longest table name added to it is 33).
pub const MAX_PREFIX: usize = 30;

/// A MySQL/MariaDB database with MODX's connection settings.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct MysqlTarget {
    /// MODX's PDO form: `mysql:host=…;port=…;dbname=…;charset=…` or
    /// `mysql:unix_socket=…;dbname=…`.
    pub dsn: String,
    /// The database user.
    pub user: String,
    /// The user's password (never shown: not in `Debug`, errors or logs).
    pub password: String,
    /// The table prefix (MODX's `table_prefix`, e.g. `modx_`): letters, digits and `_`.
    pub prefix: String,
}

impl fmt::Debug for MysqlTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MysqlTarget")
            .field("dsn", &self.dsn)
            .field("user", &self.user)
            .field("password", &"…")
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// The connection options of a [`MysqlTarget`], with where it points for messages.
pub struct Connection {
    /// The options to connect with (user, password, database, host or socket, timeout).
    pub options: OptsBuilder,
    /// The database name.
    pub database: String,
    /// `host:port` or `socket PATH`, for messages.
    pub server: String,
}

impl MysqlTarget {
    /// The connection options; an unreadable DSN is an error naming what is wrong (the
    /// messages call the DSN `setting`, the name the operator knows it by).
    pub fn connection(&self, setting: &str) -> Result<Connection, String> {
        let dsn = parse_dsn(&self.dsn).map_err(|problem| format!("{setting} {problem}"))?;
        let server = match (&dsn.socket, &dsn.host) {
            (Some(socket), _) => format!("socket {socket}"),
            (None, Some(host)) => format!("{host}:{}", dsn.port.unwrap_or(3306)),
            (None, None) => String::new(),
        };
        let options = OptsBuilder::new()
            .user(Some(&self.user))
            .pass(Some(&self.password))
            .db_name(Some(&dsn.database))
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(5)));
        let options = match (&dsn.socket, &dsn.host) {
            (Some(socket), _) => options.socket(Some(socket)),
            (None, host) => options
                .ip_or_hostname(host.clone())
                .tcp_port(dsn.port.unwrap_or(3306)),
        };
        Ok(Connection {
            options,
            database: dsn.database,
            server,
        })
    }

    /// Whether the table prefix can be written into SQL as it is: letters, digits and `_`,
    /// at most [`MAX_PREFIX`] characters.
    pub fn prefix_is_plain(&self) -> bool {
        self.prefix.len() <= MAX_PREFIX
            && self
                .prefix
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
    }
}

/// What went wrong with a database call, in plain words: the server's own message with its
/// error number, or the driver's or the system's message without the client library's type
/// names around it.
pub fn plain_error(error: &mysql::Error) -> String {
    match error {
        mysql::Error::MySqlError(e) => format!("the server said: {} (error {})", e.message, e.code),
        mysql::Error::DriverError(e) => e.to_string(),
        mysql::Error::IoError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// The parts of a PDO DSN used here.
#[derive(Debug, Default, PartialEq, Eq)]
struct Dsn {
    host: Option<String>,
    port: Option<u16>,
    socket: Option<String>,
    database: String,
}

/// Reads MODX's PDO DSN (`mysql:host=…;port=…;dbname=…;charset=…` or
/// `mysql:unix_socket=…;dbname=…`); `charset` is ignored (connections set utf8mb4).
/// Errors are completed by the caller with the setting's name in front.
fn parse_dsn(dsn: &str) -> Result<Dsn, String> {
    let rest = dsn
        .trim()
        .strip_prefix("mysql:")
        .ok_or("must start with mysql: (MODX's PDO form)")?;
    let mut parsed = Dsn::default();
    for part in rest
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| format!("has {part:?}, which is not name=value"))?;
        let value = value.trim().to_string();
        match name.trim() {
            "host" => parsed.host = Some(value),
            "port" => {
                parsed.port = Some(
                    value
                        .parse()
                        .map_err(|_| format!("has the port {value:?}, not a port number"))?,
                );
            }
            "unix_socket" => parsed.socket = Some(value),
            "dbname" => parsed.database = value,
            "charset" => {}
            other => return Err(format!("has the unknown part {other:?}")),
        }
    }
    if parsed.database.is_empty() {
        return Err("names no database (dbname=…)".into());
    }
    if parsed.host.is_none() && parsed.socket.is_none() {
        return Err("names no host=… or unix_socket=…".into());
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_errors_are_told_without_the_drivers_type_names() {
        let refused = mysql::Error::DriverError(mysql::DriverError::CouldNotConnect(Some((
            "localhost:3399".into(),
            "Connection refused (os error 111)".into(),
            std::io::ErrorKind::ConnectionRefused,
        ))));
        assert_eq!(
            plain_error(&refused),
            "Could not connect to address `localhost:3399': Connection refused (os error 111)"
        );
        let gone = mysql::Error::IoError(std::io::Error::new(
            std::io::ErrorKind::BrokenPipe,
            "broken pipe",
        ));
        assert_eq!(plain_error(&gone), "broken pipe");
    }

    #[test]
    fn modx_dsns_are_read() {
        assert_eq!(
            parse_dsn("mysql:host=db.local;port=3307;dbname=shop;charset=utf8mb4"),
            Ok(Dsn {
                host: Some("db.local".into()),
                port: Some(3307),
                socket: None,
                database: "shop".into()
            })
        );
        assert_eq!(
            parse_dsn("mysql:unix_socket=/run/mysqld/mysqld.sock;dbname=shop"),
            Ok(Dsn {
                host: None,
                port: None,
                socket: Some("/run/mysqld/mysqld.sock".into()),
                database: "shop".into()
            })
        );
        assert!(parse_dsn("pgsql:host=x;dbname=y").is_err());
        assert!(parse_dsn("mysql:host=x").is_err(), "no database");
        assert!(parse_dsn("mysql:host=x;port=http;dbname=y").is_err());
    }

    #[test]
    fn odd_prefixes_are_told_and_the_password_is_never_shown() {
        let with = |prefix: &str| MysqlTarget {
            prefix: prefix.into(),
            password: "s3cret-pass".into(),
            ..MysqlTarget::default()
        };
        assert!(with("modx_").prefix_is_plain());
        assert!(with("").prefix_is_plain());
        for odd in ["mo`dx", "modx_; DROP TABLE x", "модкс_", &"p".repeat(31)] {
            assert!(!with(odd).prefix_is_plain(), "{odd}");
        }
        assert!(!format!("{:?}", with("modx_")).contains("s3cret"));
        let error = MysqlTarget {
            dsn: "pgsql:x".into(),
            ..with("modx_")
        }
        .connection("the DSN")
        .err()
        .unwrap_or_default();
        assert!(
            error.starts_with("the DSN must start with mysql:"),
            "{error}"
        );
    }
}
