package android.content;

/** Host stand-in for android.content.Context (never packaged in the app). */
public class Context {
}
