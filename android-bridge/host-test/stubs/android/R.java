package android;

/** Host stand-in for the framework's android.R (compile-only). */
public final class R {
    public static final class drawable {
        public static final int ic_dialog_info = 0x01080041;
    }
}
