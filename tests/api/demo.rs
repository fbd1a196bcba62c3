//! `auditlog demo` run again and again, as a newcomer does: it seeds once, keeps its two
//! keys, and says what it really did.

use crate::helpers::{bin, run_ok};

fn demo_no_serve(data: &str) -> String {
    // as if started from a shell, not by cargo (which `demo` would name in what it prints)
    run_ok(bin().env_remove("CARGO_PKG_NAME").args([
        "demo",
        "--no-serve",
        "--events",
        "300",
        "--days",
        "3",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        data,
    ]))
}

fn key(printed: &str, label: &str) -> String {
    printed
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .map(|k| k.trim().to_string())
        .unwrap_or_else(|| panic!("no {label:?} line:\n{printed}"))
}

#[test]
fn the_demo_seeds_once_keeps_its_keys_and_does_not_claim_to_serve_with_no_serve() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let first = demo_no_serve(data);
    assert!(first.contains("seeded "), "{first}");
    assert!(
        !first.contains("http://"),
        "--no-serve names no address, nothing serves there:\n{first}"
    );
    let again = demo_no_serve(data);
    assert!(again.contains("not seeding again"), "{again}");
    for label in ["read key:", "write key:"] {
        assert_eq!(key(&first, label), key(&again, label), "the same {label}");
    }
    let keys = run_ok(bin().args(["key", "list", "--org", "demo", "--data-dir", data]));
    let demo_keys = keys.lines().filter(|l| l.contains(" demo ")).count();
    assert_eq!(
        demo_keys, 2,
        "two demo keys, however often it runs:\n{keys}"
    );

    // a revoked demo key is replaced, not printed again
    let read_id = keys
        .lines()
        .find(|l| l.contains(" read "))
        .and_then(|l| l.split_whitespace().next())
        .expect("the read key's id")
        .to_string();
    run_ok(bin().args([
        "key",
        "revoke",
        "--org",
        "demo",
        &read_id,
        "--data-dir",
        data,
    ]));
    let third = demo_no_serve(data);
    assert_ne!(key(&third, "read key:"), key(&first, "read key:"));
    assert_eq!(key(&third, "write key:"), key(&first, "write key:"));

    // the commands it prints run as printed (this binary is not on PATH: it names its path)
    let verify = third
        .lines()
        .find_map(|l| l.trim().strip_prefix("verify it:"))
        .expect("a verify command")
        .trim()
        .to_string();
    let out = std::process::Command::new("bash")
        .args(["-c", &verify])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{verify}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));
}
