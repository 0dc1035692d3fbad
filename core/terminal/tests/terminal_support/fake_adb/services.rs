//! The device services behind a transport switch: `shell:CMD` (legacy protocol: raw output,
//! then the device closes), `shell:sh` and `shell:` (commands read from standard input until
//! `exit`), and `sync:` (`STAT`, `SEND`/`DATA`/`DONE`, `QUIT`) into the fake file system.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::system::System;

/// Serves `service` (already answered OKAY) on `stream`.
pub async fn serve(system: Arc<Mutex<System>>, mut stream: TcpStream, service: &str) {
    if service == "sync:" {
        return sync(system, stream).await;
    }
    if let Some(command) = service.strip_prefix("exec:") {
        return exec(system, stream, command).await;
    }
    let command = service.trim_start_matches("shell:");
    if command.is_empty() || command == "sh" {
        return interactive(system, stream).await;
    }
    let out = system.lock().unwrap().run(command);
    let _ = stream.write_all(out.as_bytes()).await;
}

/// `exec:CMD`: raw standard input and output. `cmd package install -S SIZE` reads the APK's
/// SIZE bytes from standard input (adb's streamed install).
async fn exec(system: Arc<Mutex<System>>, mut stream: TcpStream, command: &str) {
    let words = super::system::split_words(command);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let out = match words.as_slice() {
        ["cmd", "package", "install", .., "-S", size] => {
            let Ok(size) = size.parse::<u32>() else {
                return;
            };
            let Some(apk) = body(&mut stream, size).await else {
                return;
            };
            system.lock().unwrap().install_bytes(&apk)
        }
        _ => system.lock().unwrap().run(command),
    };
    let _ = stream.write_all(out.as_bytes()).await;
}

async fn interactive(system: Arc<Mutex<System>>, stream: TcpStream) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if line.trim() == "exit" {
            return;
        }
        let out = system.lock().unwrap().run(&line);
        if write.write_all(out.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn header(stream: &mut TcpStream) -> Option<([u8; 4], u32)> {
    let mut buf = [0u8; 8];
    stream.read_exact(&mut buf).await.ok()?;
    let id = [buf[0], buf[1], buf[2], buf[3]];
    Some((id, u32::from_le_bytes([buf[4], buf[5], buf[6], buf[7]])))
}

async fn body(stream: &mut TcpStream, len: u32) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; len as usize];
    stream.read_exact(&mut buf).await.ok()?;
    Some(buf)
}

fn fail(message: &str) -> Vec<u8> {
    let mut out = b"FAIL".to_vec();
    out.extend((message.len() as u32).to_le_bytes());
    out.extend(message.bytes());
    out
}

/// Where the shell user may write.
fn writable(path: &str) -> bool {
    path.starts_with("/data/local/tmp/") || path.starts_with("/sdcard/")
}

async fn sync(system: Arc<Mutex<System>>, mut stream: TcpStream) {
    while let Some((id, len)) = header(&mut stream).await {
        if len > 64 * 1024 {
            let _ = stream.write_all(&fail("sync packet too large")).await;
            return;
        }
        let Some(arg) = body(&mut stream, len).await else {
            return;
        };
        let arg = String::from_utf8_lossy(&arg).into_owned();
        let reply = match &id {
            b"QUIT" => return,
            b"STAT" => {
                let st = system.lock().unwrap();
                let (mode, size): (u32, u32) = match st.files.get(&arg) {
                    Some(f) => (0o100644, f.len() as u32),
                    None if arg == "/data/local/tmp" || arg == "/data/local/tmp/" => (0o40771, 0),
                    None => (0, 0),
                };
                let mut out = b"STAT".to_vec();
                for v in [mode, size, 0] {
                    out.extend(v.to_le_bytes());
                }
                out
            }
            b"SEND" => match receive(&mut stream, &arg).await {
                None => return,
                Some(Err(message)) => fail(&message),
                Some(Ok((path, data))) => {
                    system.lock().unwrap().files.insert(path, data);
                    b"OKAY\0\0\0\0".to_vec()
                }
            },
            _ => fail("unsupported sync request"),
        };
        if stream.write_all(&reply).await.is_err() {
            return;
        }
    }
}

/// `SEND path,mode` then `DATA`... `DONE`: the file, or the device's refusal (sent after
/// `DONE`, as adbd does). `None` when the client went away.
async fn receive(stream: &mut TcpStream, spec: &str) -> Option<Result<(String, Vec<u8>), String>> {
    let path = spec.rsplit_once(',').map_or(spec, |(p, _)| p).to_string();
    let mut data = Vec::new();
    loop {
        let (id, len) = header(stream).await?;
        match &id {
            b"DATA" if len <= 64 * 1024 => data.extend(body(stream, len).await?),
            b"DONE" => break,
            _ => return Some(Err("bad sync packet during SEND".into())),
        }
    }
    if !writable(&path) {
        return Some(Err(format!(
            "couldn't create file: Permission denied ({path})"
        )));
    }
    Some(Ok((path, data)))
}
