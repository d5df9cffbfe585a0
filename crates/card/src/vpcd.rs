//! Puts the software card behind the real PC/SC stack: a client for the vsmartcard
//! "Virtual PCD" driver (`vsmartcard-vpcd`) that pcscd loads.
//!
//! vpcd listens on TCP (35963 for reader "Virtual PCD 00 00"). Every message, both ways,
//! is a 2-byte big-endian length and that many bytes. vpcd always speaks first. A 1-byte
//! message is control: `00` power off, `01` power on, `02` reset (no answer to any of
//! these), `04` get ATR (answered with the ATR). Anything longer is a command APDU,
//! answered with the response APDU. The card counts as inserted while the connection is
//! open, so when it drops (pcscd restarted) this client connects again.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::soft::SoftCard;

/// The vpcd port of reader slot 0 on Debian (`CHANNELID 0x8C7B`).
pub const DEFAULT_PORT: u16 = 35963;

const POWER_OFF: u8 = 0x00;
const POWER_ON: u8 = 0x01;
const RESET: u8 = 0x02;
const GET_ATR: u8 = 0x04;

/// How often a stopped or dropped connection is retried, and how often the stop
/// condition is checked while waiting for vpcd.
const POLL: Duration = Duration::from_millis(250);

/// Why a vpcd session ended.
#[derive(Debug, thiserror::Error)]
pub enum VpcdError {
    /// The TCP connection failed or closed.
    #[error("vpcd connection: {0}")]
    Io(#[from] io::Error),
}

/// What happened to a connection attempt, for the caller's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VpcdEvent {
    /// Connected: the card is now "inserted".
    Connected,
    /// vpcd is not listening (pcscd not running or not started with vpcd).
    Waiting,
    /// The connection closed: the card is now "removed".
    Disconnected,
}

/// Serves `card` to vpcd at `addr` until `stop()` returns true, reconnecting whenever the
/// connection cannot be made or drops. `on_event` hears about each change, once.
pub fn serve(card: &mut SoftCard, addr: SocketAddr, stop: &dyn Fn() -> bool, on_event: &mut dyn FnMut(VpcdEvent)) {
    let mut last = None;
    let mut report = |event: VpcdEvent| {
        if last != Some(event) {
            last = Some(event);
            on_event(event);
        }
    };
    while !stop() {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(stream) => {
                report(VpcdEvent::Connected);
                // Errors end the session; reconnecting is the recovery either way.
                let _ = serve_connection(card, stream, stop);
                card.reset_session();
                report(VpcdEvent::Disconnected);
            }
            Err(_) => report(VpcdEvent::Waiting),
        }
        #[allow(clippy::disallowed_methods)] // Waiting for vpcd to accept is this edge's own pace.
        std::thread::sleep(POLL);
    }
}

/// Answers vpcd on one connection until it closes, fails or `stop()` is true.
pub fn serve_connection(card: &mut SoftCard, mut stream: TcpStream, stop: &dyn Fn() -> bool) -> Result<(), VpcdError> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(POLL))?;
    loop {
        let mut len = [0u8; 2];
        if !read_full(&mut stream, &mut len, stop)? {
            return Ok(());
        }
        let len = usize::from(u16::from_be_bytes(len));
        let mut message = zeroize::Zeroizing::new(vec![0u8; len]);
        if !read_full(&mut stream, &mut message, stop)? {
            return Ok(());
        }
        match message.as_slice() {
            [] => {}
            [POWER_OFF] | [POWER_ON] | [RESET] => card.reset_session(),
            [GET_ATR] => send(&mut stream, card.atr())?,
            [_] => {} // unknown control byte: vpcd expects no answer
            apdu => {
                let response = card.respond(apdu);
                send(&mut stream, &response)?;
            }
        }
    }
}

fn send(stream: &mut TcpStream, payload: &[u8]) -> Result<(), VpcdError> {
    let len =
        u16::try_from(payload.len()).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "response too long"))?;
    let mut frame = Vec::with_capacity(payload.len() + 2);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(payload);
    stream.write_all(&frame)?;
    Ok(())
}

/// Fills `buf`, riding out read timeouts (used only to check `stop`). Returns false on a
/// clean close before the first byte or when stopped.
fn read_full(stream: &mut TcpStream, buf: &mut [u8], stop: &dyn Fn() -> bool) -> Result<bool, VpcdError> {
    let mut filled = 0;
    while filled < buf.len() {
        if stop() {
            return Ok(false);
        }
        match stream.read(&mut buf[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into()),
            Ok(n) => filled += n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(true)
}
