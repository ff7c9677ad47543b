//! The command line of `crm-sandbox`.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

/// What `--help` prints.
pub const USAGE: &str = "\
usage: crm-sandbox [--port N] [--host 127.0.0.1] [--seed seed.json] [--rate-limit N]
                   [--tls DIR [--tls-port N]]

  --port N         port to listen on; 0 (the default) picks a free one
  --host ADDR      loopback address to listen on (127.0.0.1, ::1 or localhost)
  --seed FILE      API keys and reference books (default: the built-in seed.json)
  --rate-limit N   requests per second per API key before 503; 0 turns it off (default 10)
  --tls DIR        also serve HTTPS, with a CA and a certificate for localhost, 127.0.0.1
                   and ::1 made at start and written to DIR/ca.pem and DIR/cert.pem
  --tls-port N     the HTTPS port; 0 (the default) picks a free one

Prints `listening on http://HOST:PORT` once ready (with --tls, then `tls listening on
https://HOST:PORT`, `tls ca DIR/ca.pem` and `tls certificate DIR/cert.pem`); serves until
SIGTERM or SIGINT.
";

/// How to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `--host`.
    pub host: IpAddr,
    /// `--port`.
    pub port: u16,
    /// `--seed`.
    pub seed: Option<PathBuf>,
    /// `--rate-limit`.
    pub rate_limit: u32,
    /// `--tls`: where to write the CA and certificate of the HTTPS listener.
    pub tls: Option<PathBuf>,
    /// `--tls-port`.
    pub tls_port: u16,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Serve with these options.
    Run(Options),
    /// Print the usage.
    Help,
}

/// Reads the arguments (without the program name); `--name value` and `--name=value`.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = Options {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
        seed: None,
        rate_limit: 10,
        tls: None,
        tls_port: 0,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            return Ok(Command::Help);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--port" => options.port = number(&name, &value()?)?,
            "--rate-limit" => options.rate_limit = number(&name, &value()?)?,
            "--seed" => options.seed = Some(PathBuf::from(value()?)),
            "--tls" => options.tls = Some(PathBuf::from(value()?)),
            "--tls-port" => options.tls_port = number(&name, &value()?)?,
            "--host" => options.host = loopback(&value()?)?,
            _ => return Err(format!("unknown argument {name}")),
        }
    }
    Ok(Command::Run(options))
}

fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{name} needs a non-negative number, not {value:?}"))
}

fn loopback(host: &str) -> Result<IpAddr, String> {
    let ip = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse::<IpAddr>()
            .map_err(|_| format!("--host needs an IP address, not {host:?}"))?
    };
    if ip.is_loopback() {
        Ok(ip)
    } else {
        Err(format!(
            "refusing to listen on {ip}: the sandbox is for loopback only"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn reads_options_in_both_forms_with_defaults() {
        let Ok(Command::Run(options)) = run(&["--port", "8080", "--seed=s.json", "--host", "::1"])
        else {
            panic!("options expected");
        };
        assert_eq!(options.port, 8080);
        assert_eq!(options.seed, Some(PathBuf::from("s.json")));
        assert_eq!(options.host, "::1".parse::<IpAddr>().expect("an address"));
        assert_eq!(options.rate_limit, 10);
        assert_eq!(options.tls, None);
        assert_eq!(run(&["--help"]), Ok(Command::Help));
        let Ok(Command::Run(options)) = run(&["--tls", "/tmp/keys", "--tls-port=8443"]) else {
            panic!("options expected");
        };
        assert_eq!(options.tls, Some(PathBuf::from("/tmp/keys")));
        assert_eq!(options.tls_port, 8443);
    }

    #[test]
    fn refuses_other_hosts_and_bad_values() {
        assert!(run(&["--host", "0.0.0.0"]).is_err_and(|e| e.contains("loopback")));
        assert!(run(&["--host", "192.168.1.2"]).is_err());
        assert!(run(&["--port", "http"]).is_err());
        assert!(run(&["--port"]).is_err());
        assert!(run(&["--colour"]).is_err());
    }
}
