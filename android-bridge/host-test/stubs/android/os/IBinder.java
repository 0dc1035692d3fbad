package android.os;

/** Host stand-in for android.os.IBinder (compile-only). */
public interface IBinder {
}
