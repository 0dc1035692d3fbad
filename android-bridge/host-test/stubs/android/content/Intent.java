package android.content;

/** Host stand-in for android.content.Intent (compile-only). */
public class Intent {
    public static final String ACTION_BOOT_COMPLETED = "android.intent.action.BOOT_COMPLETED";

    public Intent(Context packageContext, Class<?> cls) {}

    public String getAction() {
        return null;
    }

    public String getStringExtra(String name) {
        return null;
    }
}
