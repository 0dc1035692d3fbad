package com.facekiosk.bridge;

import android.app.Notification;
import android.app.NotificationChannel;
import android.app.NotificationManager;
import android.app.Service;
import android.content.Context;
import android.content.Intent;
import android.content.pm.PackageManager;
import android.os.Build;
import android.os.IBinder;
import android.util.Log;
import com.tencent.wxpayface.WxPayFace;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The foreground Service that hosts the bridge. On its first start command it loads
 * libfacekiosk_bridge.so (whose JNI_OnLoad registers the natives and caches the glue classes),
 * starts the SDK looper ({@link Dispatcher#start}) and the server on the abstract socket
 * {@code @facekiosk-bridge} ({@link BridgeNative#start}). It keeps the versions the hello reports
 * current and tells the kiosk when the face service goes away and comes back.
 *
 * <p>The server only serves the kiosk it is paired with: the pairing key lives in this app's
 * private storage ({@code files/pairing.key}), put there by a start command carrying the extra
 * {@code pairing_key} (sent through adb, see android-bridge/README.md "Pairing"; the Service
 * is exported only to holders of DUMP, i.e. the adb shell). Without a key it does not serve.
 *
 * <pre>adb shell am start-foreground-service -n com.facekiosk.bridge/.BridgeService --es serial SERIAL</pre>
 */
public final class BridgeService extends Service {
    static final String TAG = "facekiosk-bridge";
    /** facekiosk_bridge_protocol::SOCKET_NAME. */
    private static final String SOCKET_NAME = "facekiosk-bridge";
    private static final String FACE_APP = "com.tencent.wxpayface";
    private static final String CHANNEL = "bridge";
    private static final long WATCH_MS = 2000;
    /** The start-command extra that provisions the pairing key. */
    static final String EXTRA_PAIRING_KEY = "pairing_key";
    private static final String PAIRING_FILE = "pairing.key";

    private ScheduledExecutorService watcher;
    private boolean started;
    private boolean wasConnected;
    private boolean everConnected;
    private String serial;

    @Override
    public void onCreate() {
        super.onCreate();
        startForeground(1, notification());
    }

    @Override
    public int onStartCommand(Intent intent, int flags, int startId) {
        String key = intent == null ? null : intent.getStringExtra(EXTRA_PAIRING_KEY);
        if (key != null && savePairingKey(key) && started) {
            // Paired anew: serve under the new key at once (connected kiosks are told
            // SHUTTING_DOWN and reconnect).
            BridgeNative.stop();
            if (!BridgeNative.start(SOCKET_NAME, serial, Build.MODEL, readPairingKey(),
                    Build.VERSION.SDK_INT)) {
                Log.e(TAG, "the bridge server did not restart with the new pairing key");
            }
        }
        if (!started) {
            String given = intent == null ? null : intent.getStringExtra("serial");
            serial = given != null ? given : Build.SERIAL;
            started = start(serial);
            if (!started) {
                stopSelf();
                return START_NOT_STICKY;
            }
        }
        return START_STICKY;
    }

    private boolean start(String serial) {
        try {
            System.loadLibrary("facekiosk_bridge");
        } catch (UnsatisfiedLinkError e) {
            Log.e(TAG, "cannot load libfacekiosk_bridge.so", e);
            return false;
        }
        Dispatcher.aarVersion = aarVersion();
        Dispatcher.faceAppVersion = faceAppVersion();
        String key = readPairingKey();
        if (key == null) {
            Log.e(TAG, "not paired with a kiosk: give it the kiosk's pairing key (extra "
                    + EXTRA_PAIRING_KEY + "; android-bridge/README.md, Pairing)");
            return false;
        }
        Dispatcher.start(getApplicationContext());
        if (!BridgeNative.start(SOCKET_NAME, serial, Build.MODEL, key, Build.VERSION.SDK_INT)) {
            Log.e(TAG, "the bridge server did not start");
            return false;
        }
        watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(new Runnable() {
            @Override
            public void run() {
                watchFaceService();
            }
        }, WATCH_MS, WATCH_MS, TimeUnit.MILLISECONDS);
        Log.i(TAG, "serving @" + SOCKET_NAME + " (AAR " + Dispatcher.aarVersion + ", face app "
                + Dispatcher.faceAppVersion + ")");
        return true;
    }

    /**
     * The AAR owns the ServiceConnection; its isServiceConnected() (AAR 2.32+) is polled. A
     * drop after a connection (the face app updating itself, say) and the way back become
     * notifications to every kiosk connected to the bridge.
     */
    private void watchFaceService() {
        boolean connected;
        try {
            connected = WxPayFace.getInstance().isServiceConnected();
        } catch (Throwable t) {
            return; // an older AAR without isServiceConnected(): no events
        }
        if (connected == wasConnected) {
            return;
        }
        wasConnected = connected;
        Dispatcher.faceAppVersion = faceAppVersion();
        if (!connected) {
            BridgeNative.event("face_service_disconnected");
        } else if (everConnected) {
            BridgeNative.event("face_service_reconnected");
        }
        everConnected |= connected;
    }

    @Override
    public void onDestroy() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (started) {
            BridgeNative.stop();
        }
        super.onDestroy();
    }

    @Override
    public IBinder onBind(Intent intent) {
        return null;
    }

    /**
     * Keeps the key in the app's private storage (mode 0600 in a directory only this app can
     * enter). Only its shape is checked here; the server parses it. The key is never logged.
     */
    private boolean savePairingKey(String key) {
        String text = key.trim();
        if (text.isEmpty() || text.length() > 128 || !text.matches("[0-9A-Za-z+/=]+")) {
            Log.e(TAG, "the pairing key given is not hex or base64; keeping the old one");
            return false;
        }
        File file = new File(getFilesDir(), PAIRING_FILE);
        try (FileOutputStream out = new FileOutputStream(file)) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            Log.e(TAG, "cannot store the pairing key", e);
            return false;
        }
        file.setReadable(false, false);
        file.setReadable(true, true);
        Log.i(TAG, "paired with a kiosk (new pairing key stored)");
        return true;
    }

    /** The stored pairing key, or null when this bridge was never paired. */
    private String readPairingKey() {
        File file = new File(getFilesDir(), PAIRING_FILE);
        byte[] buf = new byte[256];
        try (FileInputStream in = new FileInputStream(file)) {
            int n = in.read(buf);
            return n <= 0 ? null : new String(buf, 0, n, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** "2.32.105.2032105": the value the AAR itself sends as aar_version. */
    static String aarVersion() {
        try {
            Class<?> c = Class.forName("com.tencent.mmfacepay.BuildConfig");
            return c.getField("VERSION_NAME").get(null) + "." + c.getField("VERSION_CODE").get(null);
        } catch (ReflectiveOperationException e) {
            return "unknown";
        }
    }

    /** versionName of the face app, null when it is not installed. */
    private String faceAppVersion() {
        try {
            return getPackageManager().getPackageInfo(FACE_APP, 0).versionName;
        } catch (PackageManager.NameNotFoundException e) {
            return null;
        }
    }

    private Notification notification() {
        Notification.Builder builder;
        if (Build.VERSION.SDK_INT >= 26) {
            NotificationManager manager =
                    (NotificationManager) getSystemService(Context.NOTIFICATION_SERVICE);
            manager.createNotificationChannel(new NotificationChannel(
                    CHANNEL, "Face terminal bridge", NotificationManager.IMPORTANCE_LOW));
            builder = new Notification.Builder(this, CHANNEL);
        } else {
            builder = new Notification.Builder(this);
        }
        return builder.setSmallIcon(android.R.drawable.ic_dialog_info)
                .setContentTitle("facekiosk bridge")
                .setContentText("Serving the WeChat face SDK to the kiosk")
                .setOngoing(true)
                .build();
    }
}
