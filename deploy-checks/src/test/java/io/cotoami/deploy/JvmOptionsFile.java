package io.cotoami.deploy;

import java.util.Arrays;
import java.util.List;

/** The flags of a java argument file ({@code @file}): whitespace-separated, {@code #} to the end of a line a comment. */
final class JvmOptionsFile {
  private JvmOptionsFile() {
  }

  static List<String> flags(String file) {
    return Repo.read(file).lines().map(line -> line.replaceAll("#.*", "").strip()).filter(line -> !line.isEmpty())
        .flatMap(line -> Arrays.stream(line.split("\\s+"))).toList();
  }
}
