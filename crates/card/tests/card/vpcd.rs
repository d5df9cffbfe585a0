//! The vpcd framing, with the test playing vpcd's side of the socket.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reissue_card::soft::JPKI_ATR;
use reissue_card::vpcd::{VpcdEvent, serve};

use super::fixtures::card;

fn send(stream: &mut TcpStream, payload: &[u8]) {
    let mut frame = (payload.len() as u16).to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    stream.write_all(&frame).unwrap();
}

fn receive(stream: &mut TcpStream) -> Vec<u8> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).unwrap();
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut buf).unwrap();
    buf
}

#[test]
fn the_card_speaks_vpcd_framing_and_reconnects_when_the_connection_drops() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let server = {
        let stop = Arc::clone(&stop);
        let events = Arc::clone(&events);
        std::thread::spawn(move || {
            let mut card = card();
            serve(&mut card, addr, &|| stop.load(Ordering::SeqCst), &mut |e| events.lock().unwrap().push(e));
        })
    };

    for _round in 0..2 {
        let (mut vpcd, _) = listener.accept().unwrap();
        vpcd.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        send(&mut vpcd, &[0x01]); // power on: no answer
        send(&mut vpcd, &[0x04]); // get ATR
        assert_eq!(receive(&mut vpcd), JPKI_ATR);
        send(&mut vpcd, &[0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]);
        assert_eq!(receive(&mut vpcd), vec![0x90, 0x00]);
        send(&mut vpcd, &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18]);
        assert_eq!(receive(&mut vpcd), vec![0x90, 0x00]);
        send(&mut vpcd, &[0x00, 0x20, 0x00, 0x80]);
        assert_eq!(receive(&mut vpcd), vec![0x63, 0xC3]);
        // Dropping the connection is "pcscd restarted": the card must come back.
    }
    stop.store(true, Ordering::SeqCst);
    server.join().unwrap();
    let events = events.lock().unwrap();
    assert_eq!(events.iter().filter(|e| **e == VpcdEvent::Connected).count(), 2, "{events:?}");
}
