//! The staff mode's settings editor: any file and any edit (a field staff may change, any
//! text) never panics, and a refused edit leaves the draft as it was.
#![no_main]

use facekiosk_config::edit::{Draft, FIELDS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // First line: which field and its new value; the rest: the file.
    let (edit, file) = text.split_once('\n').unwrap_or((text, ""));
    let (index, value) = edit.split_once('=').unwrap_or(("0", edit));
    let key = FIELDS[index.bytes().map(usize::from).sum::<usize>() % FIELDS.len()].key;
    let path = std::env::temp_dir().join(format!("facekiosk-fuzz-{}.toml", std::process::id()));
    if std::fs::write(&path, file).is_err() {
        return;
    }
    let Ok(mut draft) = Draft::open(&path) else {
        return;
    };
    let before = draft.text();
    match draft.apply(&[(key.to_owned(), value.to_owned())]) {
        Ok(changes) => {
            let _ = format!("{changes:?}{draft:?}");
        }
        Err(problems) => {
            assert_eq!(draft.text(), before, "a refused edit changed the draft");
            let _ = problems.iter().map(ToString::to_string).count();
        }
    }
});
