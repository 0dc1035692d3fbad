package android.app;

/** Host stand-in for android.app.NotificationChannel (compile-only). */
public final class NotificationChannel {
    public NotificationChannel(String id, CharSequence name, int importance) {}
}
