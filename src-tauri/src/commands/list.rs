// The app's commands, listed once, each as the screens see it: its arguments (by name) and what
// it answers (every command answers `Result<answer, AppError>`). `build.rs` includes this file
// to declare them to Tauri's ACL (so each one needs a permission in capabilities/);
// `commands::handler` registers exactly these (a command cannot be registered without being
// declared, or the reverse), `commands::COMMAND_SPECS` describes them to the screens' generated
// bindings, and `commands/mod.rs` checks each entry against its function: an entry whose
// arguments or answer differ from the function's does not compile.
// `for_each_command!(command_names)` is their names, for both.
macro_rules! for_each_command {
    ($then:ident) => {
        $then! {
            app::app_info() -> AppInfo,
            app::ui_ready(marks: Vec<UiMark>) -> (),
            session::session_view() -> SessionView,
            session::session_intent(intent: Intent) -> (),
            demo::demo_personas() -> Vec<DemoPersona>,
            demo::demo_present_face(persona: String) -> (),
            demo::demo_wechat_screen(confirm: bool) -> (),
            staff::staff_enter(pin: String) -> Entry,
            staff::staff_status() -> Option<StaffView>,
            staff::staff_touch() -> (),
            staff::staff_leave() -> (),
            staff::staff_settings() -> Vec<FieldView>,
            staff::staff_key_files() -> Vec<KeyFileView>,
            staff::staff_preview(edits: Vec<Edit>) -> Preview,
            staff::staff_save(edits: Vec<Edit>) -> Vec<ChangeView>,
            staff::staff_suspend(zh_cn: String, en: String) -> SuspensionView,
            staff::staff_resume() -> bool,
            staff::staff_forget(number: String) -> u32,
            staff::staff_audit() -> Vec<AuditLine>,
            staff::staff_diagnostics() -> Report,
            staff::staff_bundle_targets() -> Vec<String>,
            staff::staff_bundle(dir: String) -> String,
            staff::staff_export_receipts(from: String, to: String, utc_offset_minutes: i32, dir: String) -> ExportView,
            staff::staff_export_audit(dir: String) -> ExportView,
        }
    };
}

macro_rules! command_names {
    ($($module:ident :: $command:ident ($($arg:ident : $ty:ty),*) -> $answer:ty),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}
