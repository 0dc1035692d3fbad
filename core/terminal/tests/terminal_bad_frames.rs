//! A peer that sends garbage floods neither log: the bridge server and the kiosk's client each
//! log the 1st, 2nd, 4th, 8th... bad frame of a connection only, and drop the connection after a
//! run of bad frames with no good one between. Over real sockets, the log captured at TRACE.
//! Its own test binary: the log subscriber is global.

mod terminal_support;

use facekiosk_bridge::protocol::{
    ClientMessage, FrameDecoder, JsonObject, Ping, Pong, ServerMessage, check_paired, client_hello,
    encode_frame, verify_client_hello,
};
use facekiosk_terminal::{BridgeClient, LinkDown};
use facekiosk_testkit::logs;
use terminal_support::{WAIT, fast_client, pairing_key, raw_bridge, start_bridge};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A frame whose body is not JSON.
const GARBAGE: [u8; 6] = [0, 0, 0, 2, b'{', b'{'];
const ROUNDS: u64 = 1000;

async fn recv(stream: &mut TcpStream, decoder: &mut FrameDecoder) -> Option<JsonObject> {
    tokio::time::timeout(WAIT, async {
        let mut buf = [0u8; 4096];
        loop {
            if let Ok(Some(frame)) = decoder.next_frame() {
                return Some(frame);
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => decoder.push(&buf[..n]),
            }
        }
    })
    .await
    .expect("a frame within the wait")
}

fn kind(frame: &JsonObject) -> &str {
    frame.get("type").and_then(|t| t.as_str()).unwrap_or("")
}

fn lines(logs: &str, pred: impl Fn(&str) -> bool) -> usize {
    logs.lines().filter(|l| pred(l)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_of_bad_frames_floods_neither_log() {
    let logs = logs::capture();

    // The bridge server, fed a bad frame before every ping by a paired client.
    let t = start_bridge().await;
    let mut stream = TcpStream::connect(t.addr).await.unwrap();
    let mut decoder = FrameDecoder::new();
    let hello = recv(&mut stream, &mut decoder).await.unwrap();
    let ServerMessage::Hello(hello) = ServerMessage::from_object(hello).unwrap() else {
        panic!("no hello")
    };
    let (answer, transcript) = client_hello(&pairing_key(), "garbler", &hello);
    let frame = encode_frame(&ClientMessage::Hello(answer)).unwrap();
    stream.write_all(&frame).await.unwrap();
    let paired = recv(&mut stream, &mut decoder).await.unwrap();
    let ServerMessage::Paired(paired) = ServerMessage::from_object(paired).unwrap() else {
        panic!("not paired")
    };
    check_paired(&pairing_key(), &transcript, &paired).unwrap();
    for seq in 0..ROUNDS {
        stream.write_all(&GARBAGE).await.unwrap();
        assert_eq!(
            kind(&recv(&mut stream, &mut decoder).await.unwrap()),
            "error"
        );
        let ping = encode_frame(&ClientMessage::Ping(Ping { seq })).unwrap();
        stream.write_all(&ping).await.unwrap();
        assert_eq!(
            kind(&recv(&mut stream, &mut decoder).await.unwrap()),
            "pong"
        );
    }
    // A run of them ends the connection.
    for _ in 0..8 {
        stream.write_all(&GARBAGE).await.unwrap();
    }
    let mut errors = 0;
    while let Some(frame) = recv(&mut stream, &mut decoder).await {
        assert_eq!(kind(&frame), "error");
        errors += 1;
    }
    assert_eq!(errors, 8, "7 skipped, then the one that closes");
    drop(stream);

    // The kiosk's client, fed a bad frame before every pong by a paired bridge.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let sent = raw_bridge::hello(facekiosk_bridge::protocol::PROTO_VERSION);
        let frame = encode_frame(&ServerMessage::Hello(sent.clone())).unwrap();
        stream.write_all(&frame).await.unwrap();
        let mut decoder = FrameDecoder::new();
        let hello = recv(&mut stream, &mut decoder).await.unwrap();
        let Ok(ClientMessage::Hello(client)) =
            serde_json::from_value::<ClientMessage>(hello.into())
        else {
            panic!("no client hello")
        };
        let paired = verify_client_hello(&pairing_key(), &sent, &client).unwrap();
        let mut out = encode_frame(&ServerMessage::Paired(paired)).unwrap();
        for seq in 0..ROUNDS {
            out.extend_from_slice(&GARBAGE);
            out.extend(encode_frame(&ServerMessage::Pong(Pong { seq })).unwrap());
        }
        for _ in 0..8 {
            out.extend_from_slice(&GARBAGE);
        }
        stream.write_all(&out).await.unwrap();
        while recv(&mut stream, &mut decoder).await.is_some() {}
    });
    let client = BridgeClient::connect_tcp(addr, &fast_client())
        .await
        .unwrap();
    let reason = tokio::time::timeout(WAIT, client.closed()).await.unwrap();
    assert_eq!(
        reason,
        LinkDown::BadFrame("8 bad frames in a row".into()),
        "a run of bad frames ends the link"
    );

    let logs = logs.contents();
    let server = lines(&logs, |l| l.contains("server::connection: bad frame"));
    let kiosk = lines(&logs, |l| l.contains("skipped a bad frame from the bridge"));
    // 1008 bad frames: logged as the 1st, 2nd, 4th ... 512th, 1024th would be next.
    assert!(
        server <= 11,
        "the bridge logged {server} bad-frame lines:\n{logs}"
    );
    assert!(kiosk <= 11, "the kiosk logged {kiosk} bad-frame lines");
    assert!(server >= 1 && kiosk >= 1, "bad frames are still reported");
    assert!(
        logs.contains("bad_frames=1008"),
        "the total is summarised at the close"
    );
}
