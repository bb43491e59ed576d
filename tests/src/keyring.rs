//! A private Secret Service for tests: its own D-Bus session bus (without service
//! activation, so a stopped keyring stays stopped) and its own gnome-keyring-daemon,
//! unlocked, with its keyring files in a temp home. Each test gets one, so tests that
//! stop the keyring never disturb each other.
//!
//! Needs `dbus-daemon`, `dbus-send`, `gnome-keyring-daemon` and `secret-tool`, which
//! `scripts/test` installs.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "llm-agent-tests";
const READY_TIMEOUT: Duration = Duration::from_secs(20);

const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

pub struct KeyringSession {
    dir: tempfile::TempDir,
    bus: Child,
    address: String,
    daemon: Option<Child>,
}

impl KeyringSession {
    /// Starts a bus and an unlocked keyring daemon on it.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("llm-agent-keyring")
            .tempdir()
            .expect("temp dir");
        for sub in ["home/.local/share", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("dirs");
        }
        let config = dir.path().join("bus.conf");
        std::fs::write(&config, BUS_CONFIG).expect("bus config");
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (install dbus; scripts/test does)");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("bus address");
        let mut session = Self {
            dir,
            bus,
            address: address.trim().to_owned(),
            daemon: None,
        };
        session.start_daemon();
        session
    }

    /// The environment a process needs to use this keyring.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let path = |sub: &str| self.dir.path().join(sub).display().to_string();
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            ("HOME", path("home")),
            ("XDG_DATA_HOME", path("home/.local/share")),
            ("XDG_RUNTIME_DIR", path("run")),
        ]
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.envs(self.env());
        command
    }

    /// Starts (or restarts) the keyring daemon and waits until it serves.
    pub fn start_daemon(&mut self) {
        assert!(self.daemon.is_none(), "the keyring daemon is running");
        let mut daemon = self
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (install gnome-keyring; scripts/test does)");
        let mut stdin = daemon.stdin.take().expect("stdin");
        stdin.write_all(PASSWORD.as_bytes()).expect("password");
        drop(stdin);
        self.daemon = Some(daemon);
        let deadline = Instant::now() + READY_TIMEOUT;
        while !self.serves() {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring-daemon did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the keyring daemon, as a crash or a logout would, and waits until the
    /// Secret Service is gone from the bus.
    pub fn stop_daemon(&mut self) {
        let mut daemon = self
            .daemon
            .take()
            .expect("the keyring daemon is not running");
        let _ = daemon.kill();
        let _ = daemon.wait();
        let deadline = Instant::now() + READY_TIMEOUT;
        while self.serves() {
            assert!(
                Instant::now() < deadline,
                "the Secret Service stayed on the bus"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether something owns the Secret Service name on this bus.
    fn serves(&self) -> bool {
        let output = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .expect("dbus-send (install dbus-bin; scripts/test does)");
        String::from_utf8_lossy(&output.stdout).contains("boolean true")
    }

    /// Deletes every llm-agent entry, as a user clearing their keyring would.
    pub fn clear_agent_entries(&self) {
        let status = self
            .command("secret-tool")
            .args(["clear", "service", "llm-agent"])
            .status()
            .expect("secret-tool (install libsecret-tools; scripts/test does)");
        assert!(status.success(), "secret-tool clear failed");
    }

    /// Every secret stored for llm-agent, as `secret-tool` shows it.
    pub fn agent_entries(&self) -> String {
        let output = self
            .command("secret-tool")
            .args(["search", "--all", "service", "llm-agent"])
            .output()
            .expect("secret-tool");
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        if let Some(mut daemon) = self.daemon.take() {
            let _ = daemon.kill();
            let _ = daemon.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
