//! Test support shared by the test binaries: a throwaway PostgreSQL cluster started from the
//! machine's PostgreSQL binaries (`initdb`, `pg_ctl`) in a temporary directory, and free
//! loopback ports. Used only as a dev-dependency.

use std::path::PathBuf;
use std::process::Command;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn pg_bin(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(Result::ok).map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs.into_iter().rev().map(|d| d.join(name)).find(|p| p.exists()).unwrap_or_else(|| PathBuf::from(name))
}

/// A PostgreSQL cluster in a temporary directory, stopped when dropped.
#[derive(Debug)]
pub struct Postgres {
    dir: tempfile::TempDir,
    pub url: String,
    as_postgres: bool,
}

impl Postgres {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let as_postgres = is_root();
        if as_postgres {
            // initdb refuses to run as root: run the cluster as the postgres user.
            let out = Command::new("id").args(["-u", "postgres"]).output().expect("id -u postgres");
            let uid: u32 = String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .expect("a postgres user (apt-get install postgresql)");
            std::os::unix::fs::chown(dir.path(), Some(uid), None).expect("chown the cluster folder");
        }
        let port = free_port();
        let run = |bin: &str, args: &[&str]| {
            let mut c = if as_postgres {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(pg_bin(bin));
                c
            } else {
                Command::new(pg_bin(bin))
            };
            let out = c.args(args).output().unwrap_or_else(|e| panic!("{bin}: {e} (apt-get install postgresql)"));
            assert!(out.status.success(), "{bin} failed: {}", String::from_utf8_lossy(&out.stderr));
        };
        let d = data.to_string_lossy().into_owned();
        run("initdb", &["-D", &d, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        let opts = format!("-p {port} -h 127.0.0.1 -k {} -F -c fsync=off", dir.path().display());
        let log = dir.path().join("pg.log").to_string_lossy().into_owned();
        run("pg_ctl", &["-D", &d, "-o", &opts, "-l", &log, "-w", "-t", "60", "start"]);
        Self { url: format!("postgres://postgres@127.0.0.1:{port}/postgres"), dir, as_postgres }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let d = self.dir.path().join("data").to_string_lossy().into_owned();
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(pg_bin("pg_ctl"));
            c
        } else {
            Command::new(pg_bin("pg_ctl"))
        };
        let _ = c.args(["-D", &d, "-m", "immediate", "stop"]).output();
    }
}
