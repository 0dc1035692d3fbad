package android.os;

/** Host stand-in for android.os.Build (compile-only; the values are not constants, as on a device). */
public class Build {
    public static final String MODEL = System.getProperty("os.name");
    public static final String SERIAL = System.getProperty("user.name");

    public static class VERSION {
        public static final int SDK_INT = Integer.getInteger("android.sdk_int", 0);
    }
}
