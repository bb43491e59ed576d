//! Values for tests of MessagePack readers, here and in the clients (the `testing`
//! feature), written once.

/// A value with every MessagePack kind in it, nested, each at every width (fixed, 8, 16
/// and 32 bits), for decoder tests.
pub fn every_kind() -> rmpv::Value {
    use rmpv::Value;
    let scalars = vec![
        Value::Nil,
        Value::from(true),
        Value::from(7),
        Value::from(-7),
        Value::from(200),
        Value::from(-200),
        Value::from(70_000),
        Value::from(-70_000),
        Value::from(u64::MAX),
        Value::from(i64::MIN),
        Value::F32(1.5),
        Value::F64(2.5),
        Value::from("short"),
        Value::from("x".repeat(40)),
        Value::from("y".repeat(300)),
        Value::from("z".repeat(70_000)),
        Value::Binary(vec![1; 3]),
        Value::Binary(vec![2; 300]),
        Value::Binary(vec![3; 70_000]),
        Value::Ext(1, vec![0; 1]),
        Value::Ext(2, vec![0; 2]),
        Value::Ext(3, vec![0; 4]),
        Value::Ext(4, vec![0; 8]),
        Value::Ext(5, vec![0; 16]),
        Value::Ext(6, vec![0; 3]),
        Value::Ext(7, vec![0; 300]),
        Value::Ext(8, vec![0; 70_000]),
        Value::Array((0..20).map(Value::from).collect()),
        Value::Array((0..70_000).map(Value::from).collect()),
    ];
    let big_map = (0..20)
        .map(|i| (Value::from(i), Value::Array(vec![])))
        .collect();
    let huge_map = (0..70_000).map(|i| (Value::from(i), Value::Nil)).collect();
    Value::Map(vec![
        ("scalars".into(), Value::Array(scalars)),
        ("big".into(), Value::Map(big_map)),
        ("huge".into(), Value::Map(huge_map)),
    ])
}
