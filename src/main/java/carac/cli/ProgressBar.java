package carac.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn in place; messages interrupt it on their own line. */
final class ProgressBar {

  private static final int WIDTH = 30;
  private final PrintStream err;
  private final int total;
  private int done;

  ProgressBar(PrintStream err, int total) {
    this.err = err;
    this.total = Math.max(total, 1);
    draw();
  }

  void step() {
    done++;
    draw();
  }

  void interrupt(String message) {
    err.print("\r\033[K");
    err.println(message);
    draw();
  }

  void finish() {
    err.println();
  }

  private void draw() {
    int filled = done * WIDTH / total;
    err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total);
    err.flush();
  }
}
