//! A real browser for the tests: Debian's headless Chromium driven through its chromedriver
//! (both installed by `scripts/setup.sh`) with fantoccini, with a fresh profile and nothing
//! that reaches the network by itself.

use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// How long a wait for the page may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A headless Chromium session: its chromedriver is stopped (by its process id) when dropped.
pub struct Browser {
    client: Option<Client>,
    driver: Child,
    screenshots: PathBuf,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and a Chromium session with a fresh
    /// profile in `dir`; screenshots go to `screenshots` (created).
    pub fn start(dir: &Path, screenshots: &Path) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (scripts/setup.sh installs chromium-driver)");
        let give_up = Instant::now() + PATIENCE;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < give_up, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        let profile = dir.join("chromium-profile");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1280,2200", "--lang=en-US",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("the capabilities are an object");
        };
        let client = block_on(
            ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .expect("a Chromium session starts");
        std::fs::create_dir_all(screenshots).expect("the screenshot folder");
        Browser {
            client: Some(client),
            driver,
            screenshots: screenshots.to_path_buf(),
        }
    }

    /// The WebDriver session.
    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("the session is open")
    }

    /// Opens `url`.
    pub fn open(&self, url: &str) {
        block_on(self.client().goto(url)).expect("the page opens");
    }

    /// Waits until an element matches the CSS `selector` and returns it.
    pub fn wait_for(&self, selector: &str) -> Element {
        block_on(
            self.client()
                .wait()
                .at_most(PATIENCE)
                .for_element(Locator::Css(selector)),
        )
        .unwrap_or_else(|error| panic!("no {selector} appeared: {error}"))
    }

    /// The text of the element `selector` matches, once it is there.
    pub fn text(&self, selector: &str) -> String {
        block_on(self.wait_for(selector).text()).expect("its text")
    }

    /// Clicks the element `selector` matches, once it is there.
    pub fn click(&self, selector: &str) {
        block_on(self.wait_for(selector).click())
            .unwrap_or_else(|e| panic!("click {selector}: {e}"));
    }

    /// Runs an async step of the session.
    pub fn run<T>(&self, step: impl Future<Output = T>) -> T {
        block_on(step)
    }

    /// Writes a screenshot of the window as `{name}.png` and returns its path.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let png = block_on(self.client().screenshot()).expect("a screenshot");
        let path = self.screenshots.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = block_on(client.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Runs `future` on the process's runtime (the one the sandbox's control calls use too).
fn block_on<F: Future>(future: F) -> F::Output {
    modretailcrm_core::runtime::block_on(future).expect("the runtime starts")
}
