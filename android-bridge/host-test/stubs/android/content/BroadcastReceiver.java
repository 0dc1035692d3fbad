package android.content;

/** Host stand-in for android.content.BroadcastReceiver (compile-only). */
public abstract class BroadcastReceiver {
    public abstract void onReceive(Context context, Intent intent);
}
