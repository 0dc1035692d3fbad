package android.content.pm;

/** Host stand-in for android.content.pm.PackageManager (compile-only). */
public abstract class PackageManager {
    public static class NameNotFoundException extends Exception {}

    public abstract PackageInfo getPackageInfo(String packageName, int flags)
            throws NameNotFoundException;
}
