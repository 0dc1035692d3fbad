package com.tencent.wxpayface;

import android.content.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double of com.tencent.wxpayface.WxPayFace with the real AAR's method signatures (2.32.105).
 *
 * Each call takes the next behaviour scripted for its method with {@link #script} (default
 * "async"): "sync" answers on the calling thread, "async" on a "fake-binder-N" thread,
 * "never" keeps the callback, "errcode" answers FAIL with the Integer err_code 271378620 as the
 * AAR does when the face service is not initialised, "throw" throws from the call. Like the
 * AAR, exceptions thrown by a callback are swallowed (printed).
 */
public class WxPayFace {
    private static final WxPayFace INSTANCE = new WxPayFace();
    private static final Map<String, ConcurrentLinkedQueue<String>> SCRIPT =
        new ConcurrentHashMap<String, ConcurrentLinkedQueue<String>>();
    private static final ConcurrentLinkedQueue<IWxPayFaceCallbackAIDL> HELD =
        new ConcurrentLinkedQueue<IWxPayFaceCallbackAIDL>();
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService BINDER = Executors.newFixedThreadPool(4,
        new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "fake-binder-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            }
        });
    /** The thread that made the last call (the glue must call from its looper thread). */
    public static volatile String lastCallThread;
    /** The params of the last call, as received. */
    public static volatile Map lastParams;

    public static WxPayFace getInstance() {
        return INSTANCE;
    }

    public static void script(String method, String behaviour) {
        ConcurrentLinkedQueue<String> q = SCRIPT.get(method);
        if (q == null) {
            SCRIPT.putIfAbsent(method, new ConcurrentLinkedQueue<String>());
            q = SCRIPT.get(method);
        }
        q.add(behaviour);
    }

    /** Answers every held callback now (a late answer); returns how many. */
    public static int answerHeld() {
        int n = 0;
        IWxPayFaceCallbackAIDL cb;
        while ((cb = HELD.poll()) != null) {
            deliver(cb, success("late"));
            n++;
        }
        return n;
    }

    private static Map<String, Object> success(String what) {
        Map<String, Object> m = new HashMap<String, Object>();
        m.put("return_code", "SUCCESS");
        m.put("return_msg", what);
        return m;
    }

    private static void deliver(IWxPayFaceCallbackAIDL cb, Map result) {
        try {
            result.put("callback_thread", Thread.currentThread().getName());
            cb.response(result);
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    private void answer(String method, Map params, final IWxPayFaceCallbackAIDL cb,
                        final Map<String, Object> result) {
        lastCallThread = Thread.currentThread().getName();
        lastParams = params;
        ConcurrentLinkedQueue<String> q = SCRIPT.get(method);
        String behaviour = q == null ? null : q.poll();
        if (behaviour == null) {
            behaviour = "async";
        }
        if (behaviour.equals("sync")) {
            deliver(cb, result);
        } else if (behaviour.equals("async")) {
            BINDER.execute(new Runnable() {
                @Override
                public void run() {
                    deliver(cb, result);
                }
            });
        } else if (behaviour.equals("never")) {
            HELD.add(cb);
        } else if (behaviour.equals("errcode")) {
            Map<String, Object> m = new HashMap<String, Object>();
            m.put("return_code", "FAIL");
            m.put("return_msg", "\u5237\u8138\u670d\u52a1\u672a\u521d\u59cb\u5316");
            m.put("err_code", Integer.valueOf(271378620));
            deliver(cb, m);
        } else if (behaviour.equals("throw")) {
            throw new IllegalStateException("scripted failure");
        }
    }

    public void initWxpayface(Context context, IWxPayFaceCallbackAIDL cb) {
        answer("initWxpayface", new HashMap(), cb, success("init without map"));
    }

    public void initWxpayface(Context context, Map params, IWxPayFaceCallbackAIDL cb) {
        Map<String, Object> r = success("init with map");
        r.put("param_count", Integer.valueOf(params.size()));
        answer("initWxpayface", params, cb, r);
    }

    public void getWxpayfaceRawdata(IWxPayFaceCallbackAIDL cb) {
        Map<String, Object> r = success("");
        r.put("rawdata", "FAKE-RAWDATA-0123456789");
        answer("getWxpayfaceRawdata", new HashMap(), cb, r);
    }

    public void getWxpayfaceCode(Map params, IWxPayFaceCallbackAIDL cb) {
        Map<String, Object> r = success("");
        r.put("face_sid", "FAKE-FACE-SID");
        r.put("openid", "oFAKE");
        r.put("underage_state", Integer.valueOf(1));
        r.put("telephone_used", Long.valueOf(0));
        r.put("echo_face_authtype", params.get("face_authtype"));
        Map<String, Object> nested = new HashMap<String, Object>();
        nested.put("ok", Boolean.TRUE);
        nested.put("score", Double.valueOf(0.5));
        r.put("extra", nested);
        r.put("nothing", null);
        answer("getWxpayfaceCode", params, cb, r);
    }

    public void getWxpayAuth(Map params, IWxPayFaceCallbackAIDL cb) {
        answer("getWxpayAuth", params, cb, success("auth"));
    }

    public void stopWxpayface(Map params, IWxPayFaceCallbackAIDL cb) {
        answer("stopWxpayface", params, cb, success("stopped"));
    }

    /** AAR 2.32.105: whether the binder to the face service is up (polled by the Service). */
    public boolean isServiceConnected() {
        return true;
    }
}
