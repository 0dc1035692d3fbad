package com.facekiosk.bridge;

import android.content.Context;
import android.os.Handler;
import android.os.HandlerThread;
import com.tencent.wxpayface.WxPayFace;
import java.util.Map;

/**
 * Runs every SDK call on one HandlerThread: the AAR creates its own timeout Handler on the
 * calling thread and needs a Looper there. Rust calls {@link #call} from its SDK thread; the
 * call is posted and {@code call} returns at once. Nothing here blocks waiting for a callback.
 */
public final class Dispatcher {
    private static volatile Handler handler;
    private static volatile Context context;
    /** The AAR's version, set by the app (e.g. from the AAR's BuildConfig). */
    public static volatile String aarVersion = "unknown";
    /** versionName of com.tencent.wxpayface, null when not installed; kept current by the app. */
    public static volatile String faceAppVersion;

    private Dispatcher() {}

    /** Starts the looper thread once; {@code ctx} is the Service's application context. */
    public static synchronized void start(Context ctx) {
        context = ctx;
        if (handler == null) {
            HandlerThread thread = new HandlerThread("facekiosk-sdk-looper");
            thread.start();
            handler = new Handler(thread.getLooper());
        }
    }

    /** {aar, face_app}. */
    public static String[] versions() {
        return new String[] {aarVersion, faceAppVersion};
    }

    public static void call(final String method, final Map<String, String> params,
                            final NativeCallback cb) {
        Handler h = handler;
        if (h == null) {
            cb.failed("the dispatcher is not started");
            return;
        }
        boolean posted = h.post(new Runnable() {
            @Override
            public void run() {
                invoke(method, params, cb);
            }
        });
        if (!posted) {
            cb.failed("the SDK looper thread is gone");
        }
    }

    static void invoke(String method, Map<String, String> params, NativeCallback cb) {
        try {
            WxPayFace sdk = WxPayFace.getInstance();
            if ("initWxpayface".equals(method)) {
                if (params.isEmpty()) {
                    sdk.initWxpayface(context, cb);
                } else {
                    sdk.initWxpayface(context, params, cb);
                }
            } else if ("getWxpayfaceRawdata".equals(method)) {
                sdk.getWxpayfaceRawdata(cb);
            } else if ("getWxpayfaceCode".equals(method)) {
                sdk.getWxpayfaceCode(params, cb);
            } else if ("getWxpayAuth".equals(method)) {
                sdk.getWxpayAuth(params, cb);
            } else if ("stopWxpayface".equals(method)) {
                sdk.stopWxpayface(params, cb);
            } else {
                cb.failed("no such SDK method in the glue: " + method);
            }
        } catch (Throwable t) {
            // Only the class name: an exception message might quote request data.
            cb.failed(t.getClass().getName());
        }
    }
}
