package android.content;

/** Host stand-in for android.content.ComponentName (compile-only). */
public final class ComponentName {
}
