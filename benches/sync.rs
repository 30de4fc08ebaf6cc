//! Sync figures: request-body bytes on the wire for a one-field change to a
//! contact with a PHOTO — a native push (the change transaction the agent
//! computes with `align_ids`/`diff`) versus a CardDAV PUT of the whole
//! contact. Throughput and long-poll latency benchmarks are still to come.

use base64::Engine;
use pimgate::adapters::vcard;
use pimgate::engine::{align_ids, diff};
use pimgate::sync_protocol::PushRequest;
use pimgate::universal::{ChangeTransaction, CollectionId, DeviceId, Op, Timestamp, TxId, Uid, Version};

fn main() {
    // A typical phone contact: a 24 KB JPEG-sized photo and a few fields.
    let photo = base64::engine::general_purpose::STANDARD.encode(vec![0x5au8; 24 * 1024]);
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jane\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nTEL;TYPE=cell:+1 555 0100\r\n\
         EMAIL:jane@example.org\r\nORG:Example\r\nPHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nEND:VCARD\r\n"
    );
    let edited = card.replace("+1 555 0100", "+1 555 0199");
    let before = vcard::parse(card.as_bytes()).unwrap().remove(0);
    let mut after = vcard::parse(edited.as_bytes()).unwrap().remove(0);
    align_ids(&before, &mut after);
    let tx = ChangeTransaction {
        txid: TxId("0123456789abcdef0123456789abcdef".into()),
        collection: CollectionId("alice/addressbooks/contacts".into()),
        uid: Uid("jane".into()),
        op: Op::Update,
        base_version: Some(Version(3)),
        new_version: Version(4),
        origin: DeviceId(String::new()),
        at: Timestamp(1_764_259_200_000),
        changes: diff(&before, &after),
    };
    let push = serde_json::to_vec(&PushRequest { transactions: vec![tx] }).unwrap();
    let put = vcard::render(&after, vcard::VCardVersion::V3).unwrap();
    println!("native push body: {} bytes", push.len());
    println!("CardDAV PUT body: {} bytes", put.len());
    println!("ratio: {:.0}x fewer", put.len() as f64 / push.len() as f64);
}
