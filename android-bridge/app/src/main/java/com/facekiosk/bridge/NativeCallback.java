package com.facekiosk.bridge;

import com.tencent.wxpayface.IWxPayfaceCallback;
import java.util.Map;

/**
 * The callback handed to the face SDK for one call. {@code handle} names the pending call on
 * the Rust side. Both natives are registered with RegisterNatives, return at once and never
 * throw (they run on the SDK's Binder threads, or synchronously on the calling thread).
 */
public final class NativeCallback extends IWxPayfaceCallback {
    private final long handle;

    public NativeCallback(long handle) {
        this.handle = handle;
    }

    /** The SDK's answer: the Map is converted to JSON and the pending call completed. */
    @Override
    public native void response(Map result);

    /** The call could not be made (an exception in the glue or the SDK). */
    public native void failed(String message);
}
