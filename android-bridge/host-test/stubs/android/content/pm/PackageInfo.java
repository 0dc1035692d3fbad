package android.content.pm;

/** Host stand-in for android.content.pm.PackageInfo (compile-only). */
public class PackageInfo {
    public String versionName;
}
