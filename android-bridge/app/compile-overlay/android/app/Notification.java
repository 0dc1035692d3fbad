package android.app;

import android.content.Context;

/** Compile-only (see ../../README.md): the Builder as the app uses it, with API 26's constructor. */
public class Notification {
    public static class Builder {
        public Builder(Context context) {
            throw new RuntimeException("compile-only overlay");
        }

        public Builder(Context context, String channelId) {
            throw new RuntimeException("compile-only overlay");
        }

        public Builder setSmallIcon(int icon) {
            throw new RuntimeException("compile-only overlay");
        }

        public Builder setContentTitle(CharSequence title) {
            throw new RuntimeException("compile-only overlay");
        }

        public Builder setContentText(CharSequence text) {
            throw new RuntimeException("compile-only overlay");
        }

        public Builder setOngoing(boolean ongoing) {
            throw new RuntimeException("compile-only overlay");
        }

        public Notification build() {
            throw new RuntimeException("compile-only overlay");
        }
    }
}
