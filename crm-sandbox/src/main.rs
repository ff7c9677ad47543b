//! `crm-sandbox`: a RetailCRM API v5 emulator on loopback. Prints
//! `listening on http://127.0.0.1:PORT` once it accepts connections, then serves until
//! SIGTERM or SIGINT.

mod cli;

use cli::{Command, USAGE};
use crm_sandbox::{Sandbox, SandboxConfig, Seed};
use std::io::Write;
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
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
    sandbox.shutdown().await;
    Ok(())
}
