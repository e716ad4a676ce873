package io.cotoami.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM options of a service process started from a checkout: the flags the images run with
 * ({@code docker/jvm.options}), the memory a pod has ({@code docker/jvm-local.options}, since no
 * container limits it here), then any {@code extra} options, whitespace-separated.
 */
public final class JvmOptions {
  private JvmOptions() {
  }

  public static List<String> of(Path home, String extra) {
    List<String> options = new ArrayList<>(List.of(
        "@" + home.resolve("docker/jvm.options"), "@" + home.resolve("docker/jvm-local.options")));
    if (!extra.isBlank()) {
      options.addAll(Arrays.asList(extra.strip().split("\\s+")));
    }
    return List.copyOf(options);
  }
}
