package com.facekiosk.bridge;

/**
 * The Rust bridge server (libfacekiosk_bridge.so). Its JNI_OnLoad registers these natives and
 * NativeCallback's, and caches the glue classes. The Service calls {@link Dispatcher#start}
 * first, then {@link #start}.
 */
public final class BridgeNative {
    private BridgeNative() {}

    /**
     * Starts the server on the abstract socket {@code @socketName} (normally
     * "facekiosk-bridge"), admitting root, shell and this app's uid, paired with the kiosk that
     * holds {@code pairingKey} (64 hex digits or base64 of 32 bytes). Returns false (and logs)
     * if it could not start or the key is missing or malformed; starting twice is a no-op that
     * returns true.
     */
    public static native boolean start(String socketName, String serial, String model,
            String pairingKey, int sdkInt);

    /** Stops the server: clients get SHUTTING_DOWN. */
    public static native void stop();

    /**
     * Pushes an event to every connected kiosk: "face_service_disconnected",
     * "face_service_reconnected" or "sdk_reinitialised".
     */
    public static native void event(String name);
}
