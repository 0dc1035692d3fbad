// The app's commands, listed once. `build.rs` includes this file to declare them to Tauri's
// ACL (so each one needs a permission in capabilities/), and `commands::handler` registers
// exactly these: a command cannot be registered without being declared, or the reverse.
// `for_each_command!(command_names)` is their names, for both.
macro_rules! for_each_command {
    ($then:ident) => {
        $then! {
            app::app_info,
            app::ui_ready,
            session::session_view,
            session::session_intent,
            demo::demo_personas,
            demo::demo_present_face,
            demo::demo_wechat_screen,
        }
    };
}

macro_rules! command_names {
    ($($module:ident :: $command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}
