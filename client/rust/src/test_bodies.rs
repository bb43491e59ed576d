//! Frame bodies written from a MessagePack value exactly as given, for the decode tests,
//! which run on every platform: messages no typed envelope writes, with fields missing or
//! in another order.

/// The body of a frame holding exactly `value`.
pub(crate) fn value_body(value: &rmpv::Value) -> Vec<u8> {
    let mut body = Vec::new();
    rmpv::encode::write_value(&mut body, value).unwrap();
    body
}
