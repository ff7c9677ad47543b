//! `crm-sandbox`: a RetailCRM API v5 emulator on loopback. Prints
//! `listening on http://127.0.0.1:PORT` once it accepts connections (with `--tls DIR`, then
//! where HTTPS listens and where its CA is), then serves until SIGTERM or SIGINT.

mod cli;

use cli::{Command, USAGE};
use crm_sandbox::{RunningSandbox, Sandbox, SandboxConfig, Seed};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use tokio::signal::unix::{SignalKind, signal};

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("crm-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("crm-sandbox: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("crm-sandbox: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the HTTPS listener's CA and certificate into `dir` and says where they are and where
/// it listens: `tls listening on https://…`, `tls ca DIR/ca.pem`, `tls certificate
/// DIR/cert.pem`.
fn announce_tls(sandbox: &RunningSandbox, dir: &Path) -> Result<(), String> {
    let (Some(url), Some(ca), Some(cert)) =
        (sandbox.https_url(), sandbox.ca_pem(), sandbox.cert_pem())
    else {
        return Err("the HTTPS listener did not start".to_string());
    };
    let write = |name: &str, pem: &str| {
        let path = dir.join(name);
        std::fs::write(&path, pem)
            .map(|()| path.clone())
            .map_err(|error| format!("cannot write {}: {error}", path.display()))
    };
    std::fs::create_dir_all(dir)
        .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let ca_path = write("ca.pem", ca)?;
    let cert_path = write("cert.pem", cert)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "tls listening on {url}")
        .and_then(|()| writeln!(stdout, "tls ca {}", ca_path.display()))
        .and_then(|()| writeln!(stdout, "tls certificate {}", cert_path.display()))
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot write to stdout: {error}"))
}

async fn run(options: cli::Options) -> Result<(), String> {
    let seed = match &options.seed {
        Some(path) => Seed::from_file(path).map_err(|error| error.to_string())?,
        None => Seed::default(),
    };
    let config = SandboxConfig {
        host: options.host,
        port: options.port,
        rate_limit_per_second: options.rate_limit,
        seed,
        tls_port: options.tls.as_ref().map(|_| options.tls_port),
    };
    // Handlers go in before the address is announced, so that a signal sent right after
    // the announcement stops the sandbox cleanly.
    let listen =
        |kind: SignalKind| signal(kind).map_err(|error| format!("cannot handle signals: {error}"));
    let mut interrupt = listen(SignalKind::interrupt())?;
    let mut terminate = listen(SignalKind::terminate())?;
    let sandbox = Sandbox::start(config)
        .await
        .map_err(|error| format!("cannot listen: {error}"))?;
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on {}", sandbox.url())
            .and_then(|()| stdout.flush())
            .map_err(|error| format!("cannot write to stdout: {error}"))?;
    }
    if let Some(dir) = &options.tls {
        announce_tls(&sandbox, dir)?;
    }
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
    sandbox.shutdown().await;
    Ok(())
}
