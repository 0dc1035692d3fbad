package android.app;

import android.content.Context;
import android.content.Intent;
import android.os.IBinder;

/** Host stand-in for android.app.Service (compile-only; the real one extends ContextWrapper). */
public abstract class Service extends Context {
    public static final int START_NOT_STICKY = 2;
    public static final int START_STICKY = 1;

    public void onCreate() {}

    public int onStartCommand(Intent intent, int flags, int startId) {
        return START_STICKY;
    }

    public abstract IBinder onBind(Intent intent);

    public void onDestroy() {}

    public final void startForeground(int id, Notification notification) {}

    public final void stopSelf() {}
}
