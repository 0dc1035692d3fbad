package android.os;

import java.util.concurrent.LinkedBlockingQueue;

/** Host stand-in for android.os.Looper: a queue of Runnables drained by one thread. */
public final class Looper {
    final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<Runnable>();
    volatile boolean quit;

    Looper() {}

    void loop() {
        while (!quit) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
