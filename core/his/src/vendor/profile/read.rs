//! Reading a profile: the TOML walked key by key, every problem collected before any is
//! reported, so staff fix the file in one pass.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{
    AnswerRules, DateFormat, Format, Ours, Problem, Profile, Scalar, SexCodes, TheirPath,
    TradePlace, Trades,
};

/// The standard's credential type codes (CV02.01.101) a profile may map.
const CREDENTIAL_CODES: [&str; 8] = ["01", "02", "03", "04", "05", "06", "07", "99"];

/// Reads a profile, or every problem it has.
pub fn parse(text: &str) -> Result<Profile, Vec<Problem>> {
    let root: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            // Its message quotes the line; the line number is enough to find it.
            let at = e
                .span()
                .map(|s| {
                    let line = text.get(..s.start).map_or(0, |t| t.matches('\n').count()) + 1;
                    format!(" at line {line}")
                })
                .unwrap_or_default();
            return Err(vec![Problem {
                key: "(file)".into(),
                rule: format!("is not valid TOML{at}"),
            }]);
        }
    };
    let mut p = Problems::default();
    known(
        &root,
        "",
        &[
            "format",
            "trade",
            "fields",
            "constants",
            "formats",
            "codes",
            "answer",
        ],
        &mut p,
    );
    let format = match root.get("format") {
        None => {
            p.add("format", "is required (\"json\" or \"xml\")");
            None
        }
        Some(Value::String(s)) if s == "json" => Some(Format::Json),
        Some(Value::String(s)) if s == "xml" => Some(Format::Xml),
        Some(_) => {
            p.add("format", "must be \"json\" or \"xml\"");
            None
        }
    };
    // Without the format no path can be checked; the rest still is.
    let fmt = format.unwrap_or(Format::Json);

    let trade = table(&root, "trade", &mut p);
    known_in(
        trade,
        "trade",
        &["field", "header", "query", "create", "create_is_idempotent"],
        &mut p,
    );
    let place = match (get(trade, "field"), get(trade, "header")) {
        (Some(_), Some(_)) => {
            p.add("trade", "give field or header, not both");
            None
        }
        (None, None) => {
            p.add("trade", "needs field (a field of the payload) or header (an HTTP header) for the trade code");
            None
        }
        (Some(_), None) => path(trade, "trade", "field", fmt, &mut p).map(TradePlace::Field),
        (None, Some(_)) => string(trade, "trade", "header", &mut p)
            .and_then(|h| {
                check(
                    &mut p,
                    "trade.header",
                    header_name(&h).then_some(h),
                    "must be an HTTP header name (letters, digits, '-')",
                )
            })
            .map(TradePlace::Header),
    };
    let trade_code = |key: &str, p: &mut Problems| {
        string(trade, "trade", key, p).and_then(|c| {
            let ok = c.len() <= 64 && c.bytes().all(|b| b.is_ascii_graphic());
            check(
                p,
                &format!("trade.{key}"),
                ok.then_some(c),
                "must be 1 to 64 printable ASCII characters",
            )
        })
    };
    let query = trade_code("query", &mut p);
    let create = trade_code("create", &mut p);
    if create.is_none() && get(trade, "create").is_none() {
        p.add(
            "trade.create",
            "is required (the trade code that registers a patient)",
        );
    }
    let create_is_idempotent = match get(trade, "create_is_idempotent") {
        None => false,
        Some(Value::Boolean(b)) => *b,
        Some(_) => {
            p.add("trade.create_is_idempotent", "must be true or false");
            false
        }
    };
    if query.is_none() && get(trade, "query").is_none() && !create_is_idempotent && trade.is_some()
    {
        p.add(
            "trade.query",
            "is required unless the site answers a repeated create with the same patient \
             (then say create_is_idempotent = true): without either, a retry could register \
             the patient twice",
        );
    }

    let fields_table = table(&root, "fields", &mut p);
    let names: Vec<&str> = Ours::ALL.iter().map(|o| o.key()).collect();
    known_in(fields_table, "fields", &names, &mut p);
    let mut fields = BTreeMap::new();
    for ours in Ours::ALL {
        if let Some(at) = path(fields_table, "fields", ours.key(), fmt, &mut p) {
            fields.insert(ours, at);
        } else if matches!(ours, Ours::Name | Ours::CredentialNumber)
            && get(fields_table, ours.key()).is_none()
        {
            p.add(
                format!("fields.{}", ours.key()),
                "is required (the patient is found and registered by it)",
            );
        }
    }

    let mut constants = Vec::new();
    for (key, value) in table(&root, "constants", &mut p).into_iter().flatten() {
        let name = format!("constants.\"{key}\"");
        let at = TheirPath::parse(fmt, key)
            .map_err(|rule| p.add(&name, rule))
            .ok();
        let value = scalar(value).ok_or_else(|| p.add(&name, "must be a string or a whole number"));
        if let (Some(at), Ok(value)) = (at, value) {
            constants.push((at, value));
        }
    }

    let formats = table(&root, "formats", &mut p);
    known_in(formats, "formats", &["birth_date"], &mut p);
    let birth_date =
        string(formats, "formats", "birth_date", &mut p).and_then(|f| match f.as_str() {
            "yyyyMMdd" => Some(DateFormat::Compact),
            "yyyy-MM-dd" => Some(DateFormat::Iso),
            _ => {
                p.add(
                    "formats.birth_date",
                    "must be \"yyyyMMdd\" or \"yyyy-MM-dd\"",
                );
                None
            }
        });
    if fields.contains_key(&Ours::BirthDate)
        && birth_date.is_none()
        && get(formats, "birth_date").is_none()
    {
        p.add(
            "formats.birth_date",
            "is required when fields.birth_date is mapped (\"yyyyMMdd\" or \"yyyy-MM-dd\")",
        );
    }

    let codes = table(&root, "codes", &mut p);
    known_in(codes, "codes", &["sex", "credential_type"], &mut p);
    let sex_table = nested(codes, "codes", "sex", &mut p);
    known_in(
        sex_table,
        "codes.sex",
        &["male", "female", "unknown"],
        &mut p,
    );
    let sex_code = |key: &str, p: &mut Problems| {
        let value = get(sex_table, key);
        match value.map(scalar) {
            Some(Some(s)) => Some(s),
            Some(None) => {
                p.add(
                    format!("codes.sex.{key}"),
                    "must be a string or a whole number",
                );
                None
            }
            None => {
                if fields.contains_key(&Ours::Sex) {
                    p.add(format!("codes.sex.{key}"), "is required when fields.sex is mapped (sex codes differ from site to site)");
                }
                None
            }
        }
    };
    let (male, female, unknown) = (
        sex_code("male", &mut p),
        sex_code("female", &mut p),
        sex_code("unknown", &mut p),
    );
    let sex_codes = match (male, female, unknown) {
        (Some(male), Some(female), Some(unknown)) => {
            if male.text == female.text || male.text == unknown.text || female.text == unknown.text
            {
                p.add(
                    "codes.sex",
                    "male, female and unknown must be three different codes",
                );
            }
            Some(SexCodes {
                male,
                female,
                unknown,
            })
        }
        _ => None,
    };
    if sex_table.is_some() && !fields.contains_key(&Ours::Sex) {
        p.add("codes.sex", "is given but fields.sex is not mapped");
    }
    let mut credential_codes = BTreeMap::new();
    let credential_table = nested(codes, "codes", "credential_type", &mut p);
    for (key, value) in credential_table.into_iter().flatten() {
        let name = format!("codes.credential_type.\"{key}\"");
        if !CREDENTIAL_CODES.contains(&key.as_str()) {
            p.add(
                &name,
                format!(
                    "is not one of the standard's credential type codes ({})",
                    CREDENTIAL_CODES.join(", ")
                ),
            );
        } else if let Some(s) = scalar(value) {
            credential_codes.insert(key.clone(), s);
        } else {
            p.add(&name, "must be a string or a whole number");
        }
    }
    if fields.contains_key(&Ours::CredentialType) && credential_table.is_none() {
        p.add("codes.credential_type", "is required when fields.credential_type is mapped (the standard's codes, \"01\" resident ID..., to theirs)");
    }
    if credential_table.is_some() && !fields.contains_key(&Ours::CredentialType) {
        p.add(
            "codes.credential_type",
            "is given but fields.credential_type is not mapped",
        );
    }

    let answer = table(&root, "answer", &mut p);
    known_in(
        answer,
        "answer",
        &[
            "code",
            "success",
            "not_found",
            "ambiguous",
            "number",
            "error_code",
        ],
        &mut p,
    );
    let code = path(answer, "answer", "code", fmt, &mut p);
    let number = path(answer, "answer", "number", fmt, &mut p);
    let error_code = path(answer, "answer", "error_code", fmt, &mut p);
    for key in ["code", "number"] {
        if get(answer, key).is_none() {
            p.add(format!("answer.{key}"), "is required");
        }
    }
    let success = code_list(answer, "success", &mut p);
    if success.is_empty() && get(answer, "success").is_none() {
        p.add(
            "answer.success",
            "is required (the result code(s) of success)",
        );
    }
    let not_found = code_list(answer, "not_found", &mut p);
    let ambiguous = code_list(answer, "ambiguous", &mut p);
    if query.is_some() && not_found.is_empty() && get(answer, "not_found").is_none() {
        p.add(
            "answer.not_found",
            "is required when trade.query is given (the code of \"no such patient\")",
        );
    }
    if query.is_none() && get(trade, "query").is_none() && !not_found.is_empty() {
        p.add("answer.not_found", "is given but there is no trade.query");
    }
    for (a, b, la, lb) in [
        (&success, &not_found, "success", "not_found"),
        (&success, &ambiguous, "success", "ambiguous"),
        (&not_found, &ambiguous, "not_found", "ambiguous"),
    ] {
        if a.iter().any(|c| b.contains(c)) {
            p.add(
                format!("answer.{lb}"),
                format!("shares a code with answer.{la}"),
            );
        }
    }

    // Two values written to one place, or one inside another, cannot both be sent.
    let mut written: Vec<(String, &TheirPath)> = Vec::new();
    if let Some(TradePlace::Field(at)) = &place {
        written.push(("trade.field".into(), at));
    }
    for (ours, at) in &fields {
        written.push((format!("fields.{}", ours.key()), at));
    }
    for (at, _) in &constants {
        written.push((format!("constants.\"{}\"", at.text), at));
    }
    for (i, (key, at)) in written.iter().enumerate() {
        if let Some((other, _)) = written[..i].iter().find(|(_, o)| o.overlaps(at)) {
            p.add(key, format!("is the same place as {other}, or inside it"));
        }
    }
    if fmt == Format::Xml && format.is_some() {
        same_root(&written, &mut p);
        let read: Vec<(String, &TheirPath)> = [
            ("answer.code", &code),
            ("answer.number", &number),
            ("answer.error_code", &error_code),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_owned(), v)))
        .collect();
        same_root(&read, &mut p);
    }

    if !p.0.is_empty() {
        return Err(p.0);
    }
    let (Some(format), Some(place), Some(create), Some(code), Some(number)) =
        (format, place, create, code, number)
    else {
        return Err(vec![Problem {
            key: "(file)".into(),
            rule: "is incomplete".into(),
        }]);
    };
    Ok(Profile {
        format,
        trades: Trades {
            place,
            query,
            create,
            create_is_idempotent,
        },
        fields,
        constants,
        birth_date,
        sex_codes,
        credential_codes,
        answer: AnswerRules {
            error_code: error_code.unwrap_or_else(|| code.clone()),
            code,
            success,
            not_found,
            ambiguous,
            number,
        },
    })
}

#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, key: impl Into<String>, rule: impl Into<String>) {
        self.0.push(Problem {
            key: key.into(),
            rule: rule.into(),
        });
    }
}

fn check<T>(p: &mut Problems, key: &str, value: Option<T>, rule: &str) -> Option<T> {
    if value.is_none() {
        p.add(key, rule);
    }
    value
}

fn known(t: &Table, prefix: &str, allowed: &[&str], p: &mut Problems) {
    for key in t.keys() {
        if !allowed.contains(&key.as_str()) {
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            p.add(
                name,
                format!("is not a known key (known: {})", allowed.join(", ")),
            );
        }
    }
}

fn known_in(t: Option<&Table>, prefix: &str, allowed: &[&str], p: &mut Problems) {
    if let Some(t) = t {
        known(t, prefix, allowed, p);
    }
}

fn table<'a>(root: &'a Table, key: &str, p: &mut Problems) -> Option<&'a Table> {
    match root.get(key)? {
        Value::Table(t) => Some(t),
        _ => {
            p.add(key, "must be a [section]");
            None
        }
    }
}

fn nested<'a>(
    t: Option<&'a Table>,
    prefix: &str,
    key: &str,
    p: &mut Problems,
) -> Option<&'a Table> {
    match get(t, key)? {
        Value::Table(t) => Some(t),
        _ => {
            p.add(format!("{prefix}.{key}"), "must be a [section]");
            None
        }
    }
}

fn get<'a>(t: Option<&'a Table>, key: &str) -> Option<&'a Value> {
    t?.get(key)
}

fn string(t: Option<&Table>, prefix: &str, key: &str, p: &mut Problems) -> Option<String> {
    match get(t, key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::String(_) => {
            p.add(format!("{prefix}.{key}"), "is empty");
            None
        }
        _ => {
            p.add(format!("{prefix}.{key}"), "must be a string (in quotes)");
            None
        }
    }
}

fn path(
    t: Option<&Table>,
    prefix: &str,
    key: &str,
    format: Format,
    p: &mut Problems,
) -> Option<TheirPath> {
    let text = string(t, prefix, key, p)?;
    TheirPath::parse(format, &text)
        .map_err(|rule| p.add(format!("{prefix}.{key}"), rule))
        .ok()
}

fn scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::String(s) if !s.is_empty() && !s.chars().any(char::is_control) => Some(Scalar {
            text: s.clone(),
            number: false,
        }),
        Value::Integer(i) => Some(Scalar {
            text: i.to_string(),
            number: true,
        }),
        _ => None,
    }
}

/// A list of result codes (strings, whole numbers or true/false, compared as text: some sites
/// answer `"success": true`).
fn code_list(t: Option<&Table>, key: &str, p: &mut Problems) -> Vec<String> {
    let Some(value) = get(t, key) else {
        return Vec::new();
    };
    let code = |v: &Value| match v {
        Value::Boolean(b) => Some(b.to_string()),
        v => scalar(v).map(|s| s.text),
    };
    let items = match value {
        Value::Array(items) => items.iter().map(code).collect::<Option<Vec<_>>>(),
        one => code(one).map(|s| vec![s]),
    };
    match items {
        Some(items) if !items.is_empty() => items,
        _ => {
            p.add(
                format!("answer.{key}"),
                "must be a code or a list of codes (strings, whole numbers or true/false)",
            );
            Vec::new()
        }
    }
}

fn header_name(h: &str) -> bool {
    !h.is_empty() && h.len() <= 64 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// An XML message has one root: every path of the request (or of the answer) starts there.
fn same_root(paths: &[(String, &TheirPath)], p: &mut Problems) {
    let Some((first_key, first)) = paths.first() else {
        return;
    };
    for (key, at) in &paths[1..] {
        if at.segments[0] != first.segments[0] {
            p.add(
                key,
                format!("must start at the same root element as {first_key}"),
            );
        }
    }
}
