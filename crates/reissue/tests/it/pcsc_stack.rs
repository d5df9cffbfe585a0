//! A private PC/SC stack for the black-box tests: pcscd socket-activated on a socket in a
//! temporary directory, with its own vpcd reader on a free port pair, and the software card
//! behind it (`reissue card emulate`). Never touches a pcscd already running.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::card::{BIN, text};

pub(crate) const READER: &str = "Virtual PCD 00 00";
pub(crate) const DEBIAN_PACKAGES: &str = "apt-get install -y pcscd vsmartcard-vpcd opensc libpcsclite-dev pkg-config";
pub(crate) const PID_FILE: &str = "/run/pcscd/pcscd.pid";

/// A process started by a test: stopped (SIGTERM, then SIGKILL) and reaped on drop.
pub(crate) struct Guard {
    pub(crate) name: &'static str,
    pub(crate) child: Child,
}

impl Guard {
    pub(crate) fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("{} did not stop on SIGTERM; killing it", self.name);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop();
    }
}

pub(crate) fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

pub(crate) fn require_program(name: &str) -> PathBuf {
    find_program(name).unwrap_or_else(|| panic!("`{name}` is not installed; this test needs it: {DEBIAN_PACKAGES}"))
}

/// The vpcd driver, from Debian's reader.conf.d entry or its usual place.
pub(crate) fn vpcd_driver() -> PathBuf {
    let from_conf = fs::read_to_string("/etc/reader.conf.d/vpcd")
        .ok()
        .and_then(|conf| conf.lines().find_map(|l| l.trim().strip_prefix("LIBPATH").map(|p| PathBuf::from(p.trim()))));
    from_conf
        .into_iter()
        .chain([
            PathBuf::from("/usr/lib/pcsc/drivers/serial/libifdvpcd.so"),
            PathBuf::from("/usr/lib64/pcsc/drivers/serial/libifdvpcd.so"),
        ])
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("the vpcd driver (libifdvpcd.so) is not installed: {DEBIAN_PACKAGES}"))
}

/// A port p such that p and p + 1 are free (vpcd listens on one port per slot).
pub(crate) fn free_port_pair() -> u16 {
    for _ in 0..100 {
        let first = TcpListener::bind("0.0.0.0:0").expect("bind a port");
        let port = first.local_addr().expect("local addr").port();
        if port < 65_535 && TcpListener::bind(("0.0.0.0", port + 1)).is_ok() {
            return port;
        }
    }
    panic!("no free pair of TCP ports for vpcd");
}

/// pcscd + vpcd on a private socket and port, and optionally the software card.
pub(crate) struct Stack {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) socket: PathBuf,
    pub(crate) port: u16,
    pub(crate) state: PathBuf,
    pub(crate) pcscd_bin: PathBuf,
    pub(crate) card: Option<Guard>,
    pub(crate) pcscd: Option<Guard>,
    pub(crate) saved_pid_file: Option<String>,
}

impl Stack {
    pub(crate) fn start() -> Self {
        let pcscd_bin = require_program("pcscd");
        require_program("pkcs15-tool");
        let driver = vpcd_driver();
        let dir = tempfile::Builder::new().prefix("reissue-card-it").tempdir().expect("temp dir");
        let port = free_port_pair();
        let conf = dir.path().join("reader.conf.d");
        fs::create_dir(&conf).expect("conf dir");
        fs::write(
            conf.join("vpcd"),
            format!(
                "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x{port:04X}\nLIBPATH      {}\nCHANNELID    0x{port:04X}\n",
                driver.display()
            ),
        )
        .expect("write reader.conf");

        let state = dir.path().join("card.json");
        let socket = dir.path().join("pcscd.comm");
        let mut stack = Self {
            dir,
            socket,
            port,
            state,
            pcscd_bin,
            card: None,
            pcscd: None,
            saved_pid_file: fs::read_to_string(PID_FILE).ok(),
        };
        stack.start_pcscd();
        stack
    }

    /// Starts pcscd on the private socket and waits for the vpcd reader.
    pub(crate) fn start_pcscd(&mut self) {
        // Socket activation (sd_listen_fds): pcscd serves the socket it is handed on fd 3
        // instead of the system-wide /run/pcscd/pcscd.comm, and skips its "another pcscd
        // is running" check. The shell moves the socket from stdin to fd 3 and then
        // becomes pcscd, so LISTEN_PID is pcscd's own pid.
        let _ = fs::remove_file(&self.socket);
        let listener = UnixListener::bind(&self.socket).expect("bind the pcscd socket");
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("pcscd.log"))
            .expect("pcscd log");
        let child = Command::new("sh")
            .arg("-c")
            .arg(r#"exec 3<&0 </dev/null; export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" --foreground --debug --config "$1""#)
            .arg(&self.pcscd_bin)
            .arg(self.dir.path().join("reader.conf.d"))
            .stdin(Stdio::from(OwnedFd::from(listener)))
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start pcscd");
        self.pcscd = Some(Guard { name: "pcscd", child });
        self.wait_for("pcscd to list the vpcd reader", |s| {
            let out = s.reissue(&["card", "readers"], None);
            out.status.success() && text(&out.stdout).contains(READER)
        });
    }

    pub(crate) fn log(&self, name: &str) -> String {
        fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    pub(crate) fn wait_for(&mut self, what: &str, mut ready: impl FnMut(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if ready(self) {
                return;
            }
            if let Some(pcscd) = &mut self.pcscd
                && let Ok(Some(status)) = pcscd.child.try_wait()
            {
                panic!("pcscd exited ({status}) while waiting for {what}:\n{}", self.log("pcscd.log"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!(
            "timed out waiting for {what}\n--- pcscd.log (tail) ---\n{}\n--- card.log ---\n{}",
            tail(&self.log("pcscd.log"), 40),
            self.log("card.log")
        );
    }

    pub(crate) fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("PCSCLITE_CSOCK_NAME", &self.socket).env("HOME", self.dir.path());
        cmd
    }

    pub(crate) fn reissue(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = self.command(BIN);
        cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        let mut child = cmd.spawn().expect("run reissue");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin");
            pipe.write_all(input.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("wait for reissue")
    }

    pub(crate) fn insert_card(&mut self) {
        let log = fs::File::create(self.dir.path().join("card.log")).expect("card log");
        let child = self
            .command(BIN)
            .args(["card", "emulate", "--state"])
            .arg(&self.state)
            .args(["--port", &self.port.to_string()])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start the software card");
        self.card = Some(Guard { name: "reissue card emulate", child });
        self.wait_for("the software card to be present", |s| {
            s.reissue(&["card", "status", "--reader", READER, "--json"], None).status.success()
        });
    }

    pub(crate) fn remove_card(&mut self) {
        self.card = None;
        // Let pcscd's reader poll (every 400 ms) see the card gone before anything
        // else talks to the reader. Otherwise a client's failed APDU ejects the vpcd
        // connection behind the poll's back, and a card inserted right after can stay
        // unseen ("Card Not Inserted") because pcscd never saw a removal.
        std::thread::sleep(Duration::from_millis(1500));
    }

    pub(crate) fn status_json(&self) -> String {
        let out = self.reissue(&["card", "status", "--reader", READER, "--json"], None);
        assert!(out.status.success(), "status failed: {}", text(&out.stderr));
        text(&out.stdout).trim().to_owned()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // The card first (it is pcscd's client), then pcscd.
        self.card = None;
        self.pcscd = None;
        // pcscd writes and, on exit, removes /run/pcscd/pcscd.pid even when socket
        // activated; give a system pcscd that is still running its pid file back.
        if let Some(saved) = &self.saved_pid_file {
            let pid = saved.trim_matches(|c: char| c == '\0' || c.is_whitespace());
            let alive = !pid.is_empty() && Path::new("/proc").join(pid).exists();
            let current = fs::read_to_string(PID_FILE).ok();
            if alive && current.as_deref() != Some(saved.as_str()) {
                let _ = fs::write(PID_FILE, saved);
            }
        }
    }
}

pub(crate) fn tail(log: &str, lines: usize) -> String {
    let all: Vec<&str> = log.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
