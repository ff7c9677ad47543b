//! Build script: checks that PHP and `php-config` are present before ext-php-rs's own
//! (much noisier) build step fails, and records the PHP version the extension is built
//! against so `phpinfo()` can show it.

use std::process::Command;

use anyhow::{Context, Result, bail};
use ext_php_rs_build::{PHPInfo, find_executable, find_php};

const MISSING_PHP: &str = "modretailcrm needs PHP's CLI and development files to build.\n\
     On Debian/Ubuntu run `scripts/setup.sh` (or `apt-get install php-cli php-dev libclang-dev clang`),\n\
     or point the PHP and PHP_CONFIG environment variables at another PHP installation.";

fn php_config_version() -> Result<String> {
    let php_config = std::env::var_os("PHP_CONFIG")
        .map(std::path::PathBuf::from)
        .or_else(|| find_executable("php-config"))
        .context("php-config not found")?;
    let output = Command::new(&php_config)
        .arg("--version")
        .output()
        .with_context(|| format!("could not run {}", php_config.display()))?;
    if !output.status.success() {
        bail!("{} --version failed", php_config.display());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn main() -> Result<()> {
    println!("cargo:rerun-if-env-changed=PHP");
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
    let php = find_php().context(MISSING_PHP)?;
    let info = PHPInfo::get(&php).context(MISSING_PHP)?;
    let version = info
        .version()
        .context("cannot read the PHP version")?
        .to_string();
    let dev_version = php_config_version().context(MISSING_PHP)?;
    if dev_version != version {
        println!(
            "cargo:warning=php is {version} but php-config is {dev_version}: the extension is built for {dev_version}"
        );
    }
    let thread_safety = if info.thread_safety().unwrap_or(false) {
        "ZTS"
    } else {
        "NTS"
    };
    println!("cargo:rustc-env=MODRETAILCRM_PHP_BUILD={dev_version} ({thread_safety})");
    Ok(())
}
