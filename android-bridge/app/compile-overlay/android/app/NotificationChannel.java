package android.app;

/** Compile-only (see ../../README.md): API 26. */
public final class NotificationChannel {
    public NotificationChannel(String id, CharSequence name, int importance) {
        throw new RuntimeException("compile-only overlay");
    }
}
