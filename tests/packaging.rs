//! The ways a PHP or MODX admin installs modretailcrm, each tried for real: the standard build
//! (`phpize && ./configure && make && make install` in `ext/` of a clean copy of the
//! repository), the Debian package (`scripts/deb.sh`: its fields, files, maintainer scripts, and
//! PHP loading what it ships), and the MODX transport package (`scripts/transport.php`, checked by
//! `tests/php/transport_package.php` on copies of the fake MODX 2.8 site).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{assert_php_passed, extension};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `command`, failing the test with its output unless it succeeds; returns its stdout.
fn run(what: &str, command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what} starts: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn php_config(flag: &str) -> String {
    run("php-config", Command::new("php-config").arg(flag))
        .trim()
        .to_string()
}

/// PHP's major.minor version, as php-config reports it (`8.2`).
fn php_version() -> String {
    let full = php_config("--version");
    full.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

/// The crate's version (`0.1.0`).
fn crate_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The `target` folder this test binary was built in (…/target/debug/deps/packaging-…).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors()
        .nth(3)
        .expect("the test binary lives in target/<profile>/deps")
        .to_path_buf()
}

/// `php -n -c ini -d extension_dir=dir -m`: the modules PHP lists with that ini.
fn php_modules(ini: &Path, extension_dir: &Path) -> Vec<String> {
    let output = run(
        "php -m",
        Command::new("php")
            .env("PHP_INI_SCAN_DIR", "")
            .arg("-c")
            .arg(ini)
            .arg("-d")
            .arg(format!("extension_dir={}", extension_dir.display()))
            .arg("-m"),
    );
    output.lines().map(str::to_string).collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("modretailcrm-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn phpize_configure_make_builds_an_extension_php_loads_and_make_install_puts_it_in_install_root() {
    // A clean copy: the repository's files as git knows them, at a fixed place under target/ so
    // that cargo reuses its release build of the dependencies from one run to the next.
    let copy = target_dir().join("phpize-check/modretailcrm");
    let _ = fs::remove_dir_all(&copy);
    fs::create_dir_all(&copy).expect("the copy's folder");
    let files = run(
        "git ls-files",
        Command::new("git").current_dir(repo()).args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ]),
    );
    for file in files.split('\0').filter(|f| !f.is_empty()) {
        let from = repo().join(file);
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let to = copy.join(file);
        fs::create_dir_all(to.parent().expect("a file has a folder")).expect("folder");
        fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {file}: {e}"));
    }
    let ext = copy.join("ext");
    let cargo_target = target_dir();
    run("phpize", Command::new("phpize").current_dir(&ext));
    let without_cargo = Command::new("./configure")
        .current_dir(&ext)
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", "/nonexistent")
        .env_remove("CARGO") // cargo test sets it; configure takes it as the cargo to use
        .output()
        .expect("configure runs");
    assert!(
        !without_cargo.status.success()
            && String::from_utf8_lossy(&without_cargo.stderr).contains(
                "cargo not found: modretailcrm is written in Rust. Install Rust 1.89 or newer"
            ),
        "without cargo, configure says what to install: {}",
        String::from_utf8_lossy(&without_cargo.stderr)
    );
    let configure = run("./configure", Command::new("./configure").current_dir(&ext));
    assert!(
        configure.contains("checking whether to build the modretailcrm extension... yes"),
        "configure enables the extension:\n{configure}"
    );
    run(
        "make",
        Command::new("make")
            .current_dir(&ext)
            .env("CARGO_TARGET_DIR", &cargo_target),
    );
    let built = ext.join("modules/modretailcrm.so");
    assert!(built.is_file(), "make leaves modules/modretailcrm.so");

    let install_root = temp_dir("phpize-root");
    let installed = run(
        "make install",
        Command::new("make")
            .current_dir(&ext)
            .env("CARGO_TARGET_DIR", &cargo_target)
            .arg("install")
            .arg(format!("INSTALL_ROOT={}", install_root.display())),
    );
    let extension_dir = php_config("--extension-dir");
    let so = install_root
        .join(extension_dir.trim_start_matches('/'))
        .join("modretailcrm.so");
    assert!(
        installed.contains(&format!(
            "Installing shared extensions:     {}",
            install_root.display()
        )),
        "make install says where:\n{installed}"
    );
    let mut placed = Vec::new();
    collect_files(&install_root, &mut placed);
    assert_eq!(
        placed,
        vec![so.clone()],
        "make install places the one library"
    );

    let info = run(
        "php --ri",
        Command::new("php")
            .arg("-n")
            .arg("-d")
            .arg(format!("extension={}", so.display()))
            .args(["--ri", "modretailcrm"]),
    );
    assert!(
        info.contains("modretailcrm support => enabled")
            && info.contains(&format!("version => {}", crate_version())),
        "PHP loads the installed extension:\n{info}"
    );
    let _ = fs::remove_dir_all(&install_root);
    let _ = fs::remove_dir_all(&copy);
}

fn collect_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_files(&path, into);
        } else {
            into.push(path);
        }
    }
}

/// Runs a maintainer script of the package with fake phpenmod, phpdismod and phpquery on PATH
/// that record how they were called; the recorded lines.
fn maintainer_script(control: &Path, script: &str, args: &[&str]) -> Vec<String> {
    let bin = control.join("fake-bin");
    fs::create_dir_all(&bin).expect("fake bin");
    let record = control.join("calls");
    let _ = fs::remove_file(&record);
    for tool in ["phpenmod", "phpdismod"] {
        let path = bin.join(tool);
        fs::write(
            &path,
            format!("#!/bin/sh\necho \"{tool} $*\" >> '{}'\n", record.display()),
        )
        .expect("fake tool");
        run("chmod", Command::new("chmod").arg("755").arg(&path));
    }
    let phpquery = bin.join("phpquery");
    fs::write(&phpquery, "#!/bin/sh\nprintf 'cli\\nfpm\\n'\n").expect("fake phpquery");
    run("chmod", Command::new("chmod").arg("755").arg(&phpquery));
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    run(
        script,
        Command::new("sh")
            .arg(control.join(script))
            .args(args)
            .env("PATH", path),
    );
    fs::read_to_string(&record)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_deb_ships_the_extension_and_its_ini_enables_it_on_install_and_disables_it_on_removal() {
    let out = temp_dir("deb");
    let so = extension();
    let built = run(
        "scripts/deb.sh",
        Command::new(repo().join("scripts/deb.sh"))
            .arg(&out)
            .env("MODRETAILCRM_SO", &so),
    );
    let version = php_version();
    let api = php_config("--phpapi");
    let arch = run("dpkg", Command::new("dpkg").arg("--print-architecture"))
        .trim()
        .to_string();
    let package = format!("php{version}-modretailcrm");
    let deb = out.join(format!("{package}_{}-1_{arch}.deb", crate_version()));
    assert_eq!(
        built.trim(),
        deb.display().to_string(),
        "the script prints the .deb"
    );

    let field = |name: &str| {
        run(
            "dpkg-deb -f",
            Command::new("dpkg-deb").arg("-f").arg(&deb).arg(name),
        )
        .trim()
        .to_string()
    };
    assert_eq!(field("Package"), package);
    assert_eq!(field("Version"), format!("{}-1", crate_version()));
    assert_eq!(field("Architecture"), arch);
    assert_eq!(field("Provides"), "php-modretailcrm");
    let depends = field("Depends");
    for wanted in [
        format!("phpapi-{api}"),
        format!("php{version}-common"),
        "php-common".to_string(),
        "libc6 (>= 2.".to_string(),
    ] {
        assert!(depends.contains(&wanted), "Depends has {wanted}: {depends}");
    }

    let contents = run("dpkg-deb -c", Command::new("dpkg-deb").arg("-c").arg(&deb));
    let mut files: Vec<&str> = contents
        .lines()
        .filter(|line| line.starts_with('-'))
        .filter_map(|line| line.split_whitespace().last())
        .collect();
    files.sort_unstable();
    let ini = format!("/etc/php/{version}/mods-available/modretailcrm.ini");
    let mut expected = vec![
        format!(".{ini}"),
        format!("./usr/lib/php/{api}/modretailcrm.so"),
        format!("./usr/share/doc/{package}/changelog.Debian.gz"),
        format!("./usr/share/doc/{package}/copyright"),
    ];
    expected.sort_unstable();
    assert_eq!(files, expected, "the files of the package");
    assert_eq!(
        php_config("--extension-dir"),
        format!("/usr/lib/php/{api}"),
        "the library goes where this PHP looks for extensions"
    );

    // Unpacked into a scratch root, the shipped ini loads the shipped library; without the
    // library PHP no longer lists the module.
    let root = out.join("root");
    run(
        "dpkg-deb -x",
        Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root),
    );
    let shipped_ini = root.join(ini.trim_start_matches('/'));
    assert_eq!(
        fs::read_to_string(&shipped_ini).expect("the ini"),
        "; priority=30\nextension=modretailcrm.so\n"
    );
    let ext_dir = root.join(format!("usr/lib/php/{api}"));
    let modules = php_modules(&shipped_ini, &ext_dir);
    assert!(
        modules.iter().any(|m| m == "modretailcrm"),
        "php -m lists the module: {modules:?}"
    );

    let control = out.join("control");
    run(
        "dpkg-deb -e",
        Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&control),
    );
    assert_eq!(
        fs::read_to_string(control.join("conffiles")).expect("conffiles"),
        format!("{ini}\n")
    );
    assert_eq!(
        maintainer_script(&control, "postinst", &["configure", ""]),
        vec![format!("phpenmod -m -v {version} modretailcrm")],
        "install enables it for every SAPI, not where the admin disabled it"
    );
    assert_eq!(
        maintainer_script(&control, "prerm", &["upgrade", "0.0.9-1"]),
        Vec::<String>::new(),
        "an upgrade keeps it enabled"
    );
    assert_eq!(
        maintainer_script(&control, "prerm", &["remove"]),
        vec![format!("phpdismod -m -v {version} modretailcrm")],
        "removal disables it"
    );
    assert_eq!(
        maintainer_script(&control, "postrm", &["remove"]),
        Vec::<String>::new(),
        "removal keeps the admin's choices until purge"
    );
    assert_eq!(
        maintainer_script(&control, "postrm", &["purge"]),
        vec![
            format!("phpdismod -p -f -m -q -v {version} -s cli modretailcrm"),
            format!("phpdismod -p -f -m -q -v {version} -s fpm modretailcrm"),
        ],
        "purge forgets the state of every SAPI"
    );
    fs::remove_file(ext_dir.join("modretailcrm.so")).expect("remove the library");
    let modules = php_modules(&shipped_ini, &ext_dir);
    assert!(
        !modules.iter().any(|m| m == "modretailcrm"),
        "php -m no longer lists the removed module: {modules:?}"
    );
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn the_transport_package_is_well_formed_and_installs_upgrades_and_uninstalls_like_install_php() {
    let script = repo().join("tests/php/transport_package.php");
    let output: Output = Command::new("timeout")
        .args(["300", "php", "-n", "-d", "extension=zip"])
        .arg(&script)
        .output()
        .expect("php runs");
    assert_php_passed("transport_package.php", &output);
}

#[test]
fn the_release_zip_is_named_as_pie_looks_for_it_and_holds_the_library() {
    let out = temp_dir("release-zip");
    let so = extension();
    let output = Command::new(repo().join("scripts/release-zip.sh"))
        .arg(&out)
        .env("MODRETAILCRM_SO", &so)
        .output()
        .expect("scripts/release-zip.sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "release-zip.sh: {stdout}\n{stderr}"
    );
    let arch = match std::env::consts::ARCH {
        "aarch64" => "arm64",
        other => other,
    };
    let zip = out.join(format!(
        "php_modretailcrm-{}_php{}-{arch}-linux-glibc.zip",
        crate_version(),
        php_version()
    ));
    assert_eq!(stdout.trim(), zip.display().to_string(), "the zip's name");
    assert!(
        stderr.contains("release-zip: the library needs glibc 2."),
        "it reports the glibc the library needs: {stderr}"
    );
    let listing = run("unzip -Z1", Command::new("unzip").arg("-Z1").arg(&zip));
    assert_eq!(
        listing, "modretailcrm.so\n",
        "the zip holds the library only"
    );
    let unpacked = out.join("unpacked");
    run(
        "unzip",
        Command::new("unzip")
            .arg("-q")
            .arg(&zip)
            .arg("-d")
            .arg(&unpacked),
    );
    let info = run(
        "php --ri",
        Command::new("php")
            .arg("-n")
            .arg("-d")
            .arg(format!(
                "extension={}",
                unpacked.join("modretailcrm.so").display()
            ))
            .args(["--ri", "modretailcrm"]),
    );
    assert!(
        info.contains("modretailcrm support => enabled"),
        "PHP loads the zipped library:\n{info}"
    );
    let _ = fs::remove_dir_all(&out);
}
