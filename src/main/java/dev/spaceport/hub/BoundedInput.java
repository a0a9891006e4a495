package dev.spaceport.hub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body read up to a limit, for bodies that come without a Content-Length. */
final class BoundedInput extends FilterInputStream {

  static final class TooLarge extends IOException {
    TooLarge() {
      super("body larger than the limit");
    }
  }

  private long left;

  BoundedInput(InputStream in, long limit) {
    super(in);
    this.left = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0 && --left < 0) {
      throw new TooLarge();
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      left -= n;
      if (left < 0) {
        throw new TooLarge();
      }
    }
    return n;
  }
}
