//! The kiosk's settings as staff change them: the fields of the configuration file staff may
//! edit ([`facekiosk_config::edit::FIELDS`], those of the configured hospital adapter), each change checked by the same validation as
//! the file (every problem at once, by field), shown as a summary before it is saved, saved
//! into the same file with its comments and order, and each changed field audited with its
//! old and new value. Secrets are not among the fields: key files are named in the file and
//! never typed at the kiosk.

use facekiosk_config::Problem;
use facekiosk_config::edit::{Change, Draft, FieldGroup, FieldKind};
use facekiosk_staff::{Action, Permission, Role, SettingChange};
use serde::Serialize;

use crate::{Console, ConsoleError, Now, StaffView};

/// One field as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldView {
    /// `store.store_id`: the field's name in the file, and in every problem about it.
    pub key: String,
    /// `merchant`, `kiosk`, `terminal`, `hospital`: the screen's sections.
    pub group: String,
    /// `text`, `integer`, `number` or `choice`.
    pub kind: String,
    pub choices: Vec<String>,
    /// As the file has it; `None`: not in the file (the default applies).
    pub value: Option<String>,
    /// Whether the role of whoever is in may change it.
    pub editable: bool,
}

/// One change, old and new as text (`None`: not in the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChangeView {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A problem with a field: its name and the rule it breaks (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldProblem {
    pub field: String,
    pub rule: String,
}

/// What saving these edits would change, or why it cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Preview {
    pub changes: Vec<ChangeView>,
    pub problems: Vec<FieldProblem>,
}

/// An edit as the screens send it: the field and its new text (empty: back to the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Edit {
    pub key: String,
    pub value: String,
}

fn permission(group: FieldGroup) -> Permission {
    match group {
        FieldGroup::Kiosk => Permission::ChangeKioskSettings,
        FieldGroup::Merchant => Permission::ChangeMerchantSettings,
        FieldGroup::Terminal | FieldGroup::Hospital => Permission::ChangeTerminalSettings,
    }
}

fn kind_of(kind: &FieldKind) -> (&'static str, Vec<String>) {
    match kind {
        FieldKind::Text => ("text", Vec::new()),
        FieldKind::Integer => ("integer", Vec::new()),
        FieldKind::Number => ("number", Vec::new()),
        FieldKind::Choice(choices) => ("choice", choices.iter().map(|c| (*c).to_owned()).collect()),
    }
}

impl Console {
    /// Every field staff may edit, with its value and whether this role may change it.
    pub fn settings(&self, now: Now) -> Result<Vec<FieldView>, ConsoleError> {
        let role = self
            .authorize(Permission::ChangeKioskSettings, "change settings", now)?
            .role;
        let draft = self.draft()?;
        Ok(draft
            .shown()
            .into_iter()
            .map(|spec| {
                let (kind, choices) = kind_of(&spec.kind);
                FieldView {
                    key: spec.key.to_owned(),
                    group: spec.group.as_str().to_owned(),
                    kind: kind.to_owned(),
                    choices,
                    value: draft.value(spec.key),
                    editable: role.may(permission(spec.group)),
                }
            })
            .collect())
    }

    /// What these edits would change, and every problem they have (the role's limits
    /// included), without saving anything.
    pub fn preview(&self, edits: &[Edit], now: Now) -> Result<Preview, ConsoleError> {
        let role = self
            .authorize(Permission::ChangeKioskSettings, "change settings", now)?
            .role;
        let mut draft = self.draft()?;
        Ok(match checked(&mut draft, edits, role) {
            Ok(changes) => Preview {
                changes: changes.into_iter().map(view).collect(),
                problems: Vec::new(),
            },
            Err(problems) => Preview {
                changes: Vec::new(),
                problems: problems
                    .into_iter()
                    .map(|p| FieldProblem {
                        field: p.field,
                        rule: p.rule,
                    })
                    .collect(),
            },
        })
    }

    /// Saves these edits into the configuration file, each change audited. The caller
    /// rebuilds the kiosk from the file (nothing changes for patients until then).
    pub fn save(&self, edits: &[Edit], now: Now) -> Result<Vec<ChangeView>, ConsoleError> {
        let StaffView { account, role } =
            self.authorize(Permission::ChangeKioskSettings, "change settings", now)?;
        let mut draft = self.draft()?;
        let changes = checked(&mut draft, edits, role).map_err(ConsoleError::Invalid)?;
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        draft.save().map_err(|e| ConsoleError::Config {
            path: self.config.clone(),
            detail: e.to_string(),
        })?;
        let audit = self.audit();
        for change in &changes {
            let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "(default)".to_owned());
            let entry =
                SettingChange::new(&change.key, &text(&change.old), &text(&change.new), false);
            audit.append(now.wall, &account, Action::SettingChanged(entry))?;
        }
        tracing::info!(account, changed = changes.len(), "settings saved");
        Ok(changes.into_iter().map(view).collect())
    }

    fn draft(&self) -> Result<Draft, ConsoleError> {
        Draft::open(&self.config).map_err(|e| ConsoleError::Config {
            path: self.config.clone(),
            detail: e.to_string(),
        })
    }
}

/// The edits applied, when the role may change every field they touch and the result
/// validates; else every problem of both kinds.
fn checked(draft: &mut Draft, edits: &[Edit], role: Role) -> Result<Vec<Change>, Vec<Problem>> {
    let refused: Vec<Problem> = edits
        .iter()
        .filter_map(|edit| {
            let spec = facekiosk_config::edit::field(&edit.key)?;
            (!role.may(permission(spec.group))).then(|| Problem {
                field: edit.key.clone(),
                rule: "only a technician may change it".to_owned(),
            })
        })
        .collect();
    let pairs: Vec<(String, String)> = edits
        .iter()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect();
    let applied = draft.apply(&pairs);
    match applied {
        Ok(changes) if refused.is_empty() => Ok(changes),
        Ok(_) => Err(refused),
        Err(mut problems) => {
            problems.splice(0..0, refused);
            Err(problems)
        }
    }
}

fn view(change: Change) -> ChangeView {
    ChangeView {
        key: change.key,
        old: change.old,
        new: change.new,
    }
}
