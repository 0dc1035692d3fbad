package android.os;

/** Host stand-in for android.os.Handler: post() queues onto the Looper's thread. */
public class Handler {
    private final Looper looper;

    public Handler(Looper looper) {
        this.looper = looper;
    }

    public final boolean post(Runnable r) {
        return !looper.quit && looper.queue.offer(r);
    }
}
