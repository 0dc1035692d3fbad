package android.content;

/**
 * Compile-only (see ../../README.md): API 26's startForegroundService beside what the app uses
 * of Context. Not abstract, so that android-23.jar's ContextWrapper still looks complete.
 */
public class Context {
    public static final String NOTIFICATION_SERVICE = "notification";

    public ComponentName startService(Intent service) {
        throw new RuntimeException("compile-only overlay");
    }

    public ComponentName startForegroundService(Intent service) {
        throw new RuntimeException("compile-only overlay");
    }
}
