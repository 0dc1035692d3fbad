package android.app;

/** Compile-only (see ../../README.md): the API 26 members the app uses. */
public class NotificationManager {
    public static final int IMPORTANCE_LOW = 2;

    public void createNotificationChannel(NotificationChannel channel) {
        throw new RuntimeException("compile-only overlay");
    }
}
