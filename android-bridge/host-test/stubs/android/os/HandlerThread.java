package android.os;

/** Host stand-in for android.os.HandlerThread (a daemon thread running a Looper). */
public class HandlerThread extends Thread {
    private final Looper looper = new Looper();

    public HandlerThread(String name) {
        super(name);
        setDaemon(true);
    }

    @Override
    public void run() {
        looper.loop();
    }

    public Looper getLooper() {
        return looper;
    }

    public boolean quit() {
        looper.quit = true;
        interrupt();
        return true;
    }
}
