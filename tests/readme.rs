//! README.md, run as written: the demo command of "The two commands" and every shell block of
//! "Quick start with curl", typed into bash from the repository's root exactly as a new user
//! would (`cargo run --release -- ...`, so the first run builds the release binary).
//!
//! Only what the README itself sets through environment variables is substituted: the quick
//! start's `AUDITLOG_DATA_DIR` and `AUDITLOG_LISTEN` (a temp dir and a free port), and the
//! demo's (which the README leaves at their defaults). Each command must exit 0; where the
//! README shows output (comment lines right under a command), the command's stdout must match
//! it, `...` standing for any text. The demo must seed, serve the page, open the signed-in
//! link it prints and answer every command it prints.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The first release build of a fresh clone takes minutes on two cores.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(20 * 60);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// The text of the `## {title}` section, up to the next `## `.
fn section<'a>(text: &'a str, title: &str) -> &'a str {
    let head = format!("\n## {title}\n");
    let start = text
        .find(&head)
        .unwrap_or_else(|| panic!("README.md has no section {title:?}"))
        + head.len();
    let rest = &text[start..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// The bodies of the section's ```sh blocks.
fn sh_blocks(section: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(b), l) => {
                b.push_str(l);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed ```sh block");
    blocks
}

/// One command of a block, and the output the README shows under it (if any).
#[derive(Debug, PartialEq)]
struct Step {
    command: String,
    expected: Option<String>,
}

/// True when `text` ends inside a quote or with a line continuation: the command goes on.
fn open(text: &str) -> bool {
    let (mut single, mut double, mut escaped) = (false, false, false);
    // a backslash before the line's end continues the command
    for c in text.strip_suffix('\n').unwrap_or(text).chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
    }
    single || double || escaped
}

/// Splits a block into commands. A command is one line, or several joined by quotes left
/// open or a trailing backslash; comment lines right under a command are its output (`#`
/// alone an empty line); other comment lines and blank lines are prose.
fn steps(block: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut command = String::new();
    let mut output_of_last = false;
    for line in block.lines() {
        if !command.is_empty() {
            command.push_str(line);
            command.push('\n');
            if !open(&command) {
                steps.push(Step {
                    command: std::mem::take(&mut command),
                    expected: None,
                });
                output_of_last = true;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            output_of_last = false;
        } else if let Some(comment) = trimmed.strip_prefix('#') {
            if output_of_last && let Some(last) = steps.last_mut() {
                let text = comment.strip_prefix(' ').unwrap_or(comment);
                let expected = last.expected.get_or_insert_with(String::new);
                if !expected.is_empty() {
                    expected.push('\n');
                }
                expected.push_str(text);
            }
        } else {
            command.push_str(line);
            command.push('\n');
            if !open(&command) {
                steps.push(Step {
                    command: std::mem::take(&mut command),
                    expected: None,
                });
                output_of_last = true;
            }
        }
    }
    assert!(command.is_empty(), "a command left open: {command}");
    steps
}

/// Whether `text` matches `pattern`, where `...` stands for any text (also none, also
/// across lines) and everything else must appear as written, from the first character to the
/// last. Trailing whitespace of lines is ignored.
fn matches(pattern: &str, text: &str) -> bool {
    let norm = |s: &str| {
        s.trim_end()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (pattern, text) = (norm(pattern), norm(text));
    let pieces: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if pieces.len() == 1 {
        return text == first;
    }
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Replaces the value of `NAME=value` on `export` lines for each name in `values`; every name
/// must be set exactly once by the README, so a renamed variable fails here, not silently.
fn substitute(steps: &mut [Step], values: &BTreeMap<&str, String>) {
    for (name, value) in values {
        let mut seen = 0;
        for step in steps.iter_mut() {
            if !step.command.trim_start().starts_with("export ") {
                continue;
            }
            let words: Vec<String> = step
                .command
                .split(' ')
                .map(|w| match w.split_once('=') {
                    Some((n, rest)) if n == *name => {
                        seen += 1;
                        let tail = if rest.ends_with('\n') { "\n" } else { "" };
                        format!("{n}={value}{tail}")
                    }
                    _ => w.to_string(),
                })
                .collect();
            step.command = words.join(" ");
        }
        assert_eq!(
            seen, 1,
            "the quick start must export {name} exactly once (the test substitutes it)"
        );
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// bash in the repository's root, in a process group of its own (so that whatever it left
/// running can be stopped), without the caller's `AUDITLOG_*` settings or `KEY`.
fn bash(script: &str, env: &[(&str, String)]) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .current_dir(root())
        .process_group(0);
    for (k, _) in std::env::vars() {
        if k.starts_with("AUDITLOG_") || k == "KEY" {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Stops a process group started by [`bash`] when dropped.
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        let pgid = self.0.id().to_string();
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{pgid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.wait();
    }
}

/// Waits for `child` up to `limit`; false when it is still running.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// `curl -s ARGS`: the status and the body.
fn curl(args: &[&str]) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .expect("curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The names an `export NAME=... OTHER=...` line of a step sets.
fn exported_names(command: &str) -> Vec<String> {
    command
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("export "))
        .flat_map(|rest| {
            rest.split_whitespace()
                .filter_map(|w| w.split_once('=').map(|(name, _)| name.to_string()))
                .filter(|name| {
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn export_lines_name_their_variables() {
    assert_eq!(
        exported_names(
            "export A=1 B_2=./x\nexport KEY=$(cargo run -- org create acme --name \"Acme Support\")"
        ),
        vec!["A", "B_2", "KEY"]
    );
    assert!(exported_names("curl -s \"$AUDITLOG_URL\"").is_empty());
}

#[test]
fn the_quick_start_runs_as_written() {
    let text = readme();
    let mut all: Vec<Step> = sh_blocks(section(&text, "Quick start with curl"))
        .iter()
        .flat_map(|b| steps(b))
        .collect();
    assert!(
        all.len() >= 10,
        "the quick start has its commands: {all:#?}"
    );
    let data = tempfile::tempdir().expect("tempdir");
    let listen = format!("127.0.0.1:{}", free_port());
    let values = BTreeMap::from([
        (
            "AUDITLOG_DATA_DIR",
            data.path().join("data").display().to_string(),
        ),
        ("AUDITLOG_LISTEN", listen.clone()),
    ]);
    substitute(&mut all, &values);

    // each command as written, its stdout, stderr and exit code kept apart; the first
    // failure ends the script
    let out = data.path().join("steps");
    std::fs::create_dir_all(&out).unwrap();
    let mut script = String::new();
    for (i, step) in all.iter().enumerate() {
        // a variable an `export` sets must come out non-empty: a broken `$(...)` fails
        // at its own step, not three steps later as a 401
        let checks: String = exported_names(&step.command)
            .iter()
            .map(|v| {
                format!(
                    "[ -n \"${{{v}}}\" ] || {{ echo \"{v} came out empty\" >>\"$QS_OUT/{i}.err\"; rc=1; }}\n"
                )
            })
            .collect();
        script.push_str(&format!(
            "{{\n{}}} >\"$QS_OUT/{i}.out\" 2>\"$QS_OUT/{i}.err\"\nrc=$?\n{checks}echo $rc >\"$QS_OUT/{i}.rc\"; [ $rc = 0 ] || exit 1\n",
            step.command
        ));
    }
    script.push_str("printf %s \"$KEY\" >\"$QS_OUT/KEY\"\n");
    let mut group = Group(
        bash(&script, &[("QS_OUT", out.display().to_string())])
            .stdin(Stdio::null())
            .spawn()
            .expect("bash"),
    );
    let status = wait_for(&mut group.0, SCRIPT_TIMEOUT);
    let csv = root().join("acme-last-30-days.csv");
    let csv_text = read(&csv);
    let _ = std::fs::remove_file(&csv);

    for (i, step) in all.iter().enumerate() {
        let rc = read(&out.join(format!("{i}.rc")));
        let stdout = read(&out.join(format!("{i}.out")));
        let stderr = read(&out.join(format!("{i}.err")));
        let tail: String = stderr.lines().rev().take(15).collect::<Vec<_>>().join("\n");
        assert!(
            !rc.is_empty(),
            "step {i} never finished (timed out: {}):\n{}\nstderr (last lines, reversed):\n{tail}",
            status.is_none(),
            step.command
        );
        assert_eq!(
            rc.trim(),
            "0",
            "step {i} failed:\n{}\nstdout:\n{stdout}\nstderr (last lines, reversed):\n{tail}",
            step.command
        );
        if let Some(expected) = &step.expected {
            assert!(
                matches(expected, &stdout),
                "step {i}'s output is not what README.md shows:\n{}\nREADME:\n{expected}\ngot:\n{stdout}",
                step.command
            );
        }
    }
    assert_eq!(status.map(|s| s.success()), Some(true), "the script ended");
    let key = read(&out.join("KEY"));
    assert!(key.starts_with("alk_") && key.len() > 20, "KEY={key:?}");
    // what the quick start says it did: the CSV holds the org's two records and the
    // event, the server has stopped
    assert!(csv_text.lines().count() == 4, "{csv_text}");
    assert!(csv_text.contains(",org.created,"), "{csv_text}");
    assert!(
        std::net::TcpStream::connect(&listen).is_err(),
        "step 8 stopped the server"
    );
    // the narrower keys exist
    let steps_text: Vec<&str> = all.iter().map(|s| s.command.as_str()).collect();
    assert!(steps_text.iter().any(|c| c.contains("key create")));
}

#[test]
fn the_demo_command_seeds_serves_the_page_and_answers_what_it_prints() {
    let text = readme();
    let blocks = sh_blocks(section(&text, "The two commands"));
    let demo = blocks
        .iter()
        .flat_map(|b| steps(b))
        .map(|s| s.command)
        .find(|c| c.contains(" demo"))
        .expect("README's demo command");
    assert_eq!(demo.trim(), "cargo run --release -- demo");
    let data = tempfile::tempdir().expect("tempdir");
    let listen = format!("127.0.0.1:{}", free_port());
    let env = [
        (
            "AUDITLOG_DATA_DIR",
            data.path().join("data").display().to_string(),
        ),
        ("AUDITLOG_LISTEN", listen.clone()),
    ];
    let mut group = Group(
        bash(&demo, &env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("bash"),
    );
    // its output up to the line that says it serves until Ctrl-C
    let stdout = group.0.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let done = line.starts_with("Ctrl-C stops");
            if tx.send(line).is_err() || done {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let started = Instant::now();
    while lines
        .last()
        .is_none_or(|l: &String| !l.starts_with("Ctrl-C stops"))
    {
        let left = SCRIPT_TIMEOUT.saturating_sub(started.elapsed());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(e) => panic!(
                "the demo stopped printing ({e}) after:\n{}",
                lines.join("\n")
            ),
        }
    }
    let printed = lines.join("\n");
    let seeded: usize = printed
        .lines()
        .find_map(|l| l.strip_prefix("seeded "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `seeded N events` line:\n{printed}"));
    assert!(seeded >= 60_000, "{printed}");
    let url = format!("http://{listen}");
    assert!(printed.contains(&format!("serving at {url}")), "{printed}");

    // the page, and the link that opens it signed in
    let (status, page) = curl(&[&format!("{url}/")]);
    assert_eq!(status, 200);
    assert!(page.contains("Audit Log"), "{page:.300}");
    let link = printed
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&format!("{url}/embed?token=")))
        .unwrap_or_else(|| panic!("no signed-in link:\n{printed}"));
    let (status, _) = curl(&[link]);
    assert_eq!(status, 200, "{link}");
    let token = link.split("token=").nth(1).unwrap_or_default();
    let (status, me) = curl(&[
        "-H",
        &format!("Authorization: Bearer {token}"),
        &format!("{url}/v1/whoami"),
    ]);
    assert_eq!(status, 200, "the link's token reads the demo org: {me}");
    let me: serde_json::Value = serde_json::from_str(&me).expect("JSON");
    assert_eq!(me["org"]["slug"], "demo");
    assert_eq!(
        me["org"]["name"], "Acme Support",
        "the header shows (demo) once"
    );

    // every command it prints, run as printed (curl's files land in a scratch dir)
    let scratch = tempfile::tempdir().expect("tempdir");
    let commands: Vec<&str> = printed
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("curl ") || l.starts_with("cargo run"))
        .collect();
    assert_eq!(commands.len(), 4, "{printed}");
    for command in commands {
        let dir = if command.starts_with("curl") {
            scratch.path().to_path_buf()
        } else {
            root()
        };
        let out = bash(command, &[])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .expect("bash");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{command}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if command.contains("/v1/events?") {
            let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
            let events = v["events"].as_array().expect("events");
            assert_eq!(events.len(), 5, "{stdout}");
            assert!(events.iter().all(|e| e["category"] == "configuration"));
        } else if command.contains("/summary?") {
            let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
            assert!(v["total"].as_u64().is_some_and(|n| n > 0), "{stdout}");
        } else if command.contains("/export?") {
            let csv = read(&scratch.path().join("security.csv"));
            assert!(csv.starts_with("occurred_at,"), "{csv:.200}");
            assert!(csv.lines().count() > 100, "security events exported");
        } else {
            assert!(command.contains(" verify --org demo"), "{command}");
            assert!(stdout.starts_with("ok: "), "{stdout}");
        }
    }
}

#[test]
fn commands_are_split_and_outputs_matched_as_the_readme_writes_them() {
    let block = "# prose\nexport A=1 B=2\n\ncurl -s x \\\n  -d '{\"a\":\n 1}'\n# {\"ok\":...}\n#\n# end\n\n# more prose\nkill %1\n";
    let got = steps(block);
    assert_eq!(got.len(), 3, "{got:#?}");
    assert_eq!(got[0].command, "export A=1 B=2\n");
    assert_eq!(got[0].expected, None);
    assert_eq!(got[1].command, "curl -s x \\\n  -d '{\"a\":\n 1}'\n");
    assert_eq!(got[1].expected.as_deref(), Some("{\"ok\":...}\n\nend"));
    assert_eq!(got[2].expected, None);

    assert!(matches("{\"ok\":...}", "{\"ok\":1}\n"));
    assert!(matches("a...c\n...z", "abc\nxyz"));
    assert!(!matches("a...c", "abcd"), "anchored at the end");
    assert!(!matches("b...", "abc"), "anchored at the start");
    assert!(!matches("exact", "exactly"));
    assert!(!matches("ab...bc", "abc"), "pieces do not overlap");

    let mut s = steps("export AUDITLOG_DATA_DIR=./x AUDITLOG_LISTEN=1:2\n");
    let values = BTreeMap::from([("AUDITLOG_LISTEN", "127.0.0.1:9".to_string())]);
    substitute(&mut s, &values);
    assert_eq!(
        s[0].command,
        "export AUDITLOG_DATA_DIR=./x AUDITLOG_LISTEN=127.0.0.1:9\n"
    );
}
