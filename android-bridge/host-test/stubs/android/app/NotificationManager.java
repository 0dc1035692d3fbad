package android.app;

/** Host stand-in for android.app.NotificationManager (compile-only). */
public class NotificationManager {
    public static final int IMPORTANCE_LOW = 2;

    public void createNotificationChannel(NotificationChannel channel) {}
}
