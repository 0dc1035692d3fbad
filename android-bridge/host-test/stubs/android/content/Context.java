package android.content;

import android.content.pm.PackageManager;

/**
 * Host stand-in for android.content.Context (never packaged in the app). The host test makes
 * one with {@code new Context()}; the methods exist for the Service to compile.
 */
public class Context {
    public static final String NOTIFICATION_SERVICE = "notification";

    public java.io.File getFilesDir() {
        throw new UnsupportedOperationException("host stub");
    }

    public Context getApplicationContext() {
        return this;
    }

    public PackageManager getPackageManager() {
        throw new UnsupportedOperationException("host stub");
    }

    public Object getSystemService(String name) {
        throw new UnsupportedOperationException("host stub");
    }

    public ComponentName startService(Intent service) {
        throw new UnsupportedOperationException("host stub");
    }

    public ComponentName startForegroundService(Intent service) {
        throw new UnsupportedOperationException("host stub");
    }
}
