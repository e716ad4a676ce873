package io.cotoami.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands of the README's "Try it" section, exactly as written there, so a test can run them
 * against a started system and the README cannot drift from what the system does. Only the
 * addresses of the running system are put in: {@code http://localhost:8080/} becomes the test
 * gateway's, {@code <M>} its management port, {@code <token>} the token of the mailed link.
 */
final class ReadmeCommands {
  /** A command of a code block, and the comment lines just above it (what it promises). */
  record Command(String text, String comment) {
  }

  /** An inline example: {@code `curl ...` → 400 `urn:...`}. */
  record Example(String command, int status, String type) {
  }

  private static final Pattern EXAMPLE = Pattern.compile("`(curl [^`]+)`\\s*→\\s*(\\d{3})\\s*`(urn:[^`]+)`");

  private final String section;

  private ReadmeCommands(String section) {
    this.section = section;
  }

  static ReadmeCommands load() throws IOException {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path readme = Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("system-tests"))
        ? dir.resolve("README.md") : dir.getParent().resolve("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int start = text.indexOf("### Try it");
    if (start < 0) {
      throw new IllegalStateException("README.md has no '### Try it' section");
    }
    // To the next heading of its level or above (comment lines in its blocks start with '#' too).
    int end = text.indexOf("\n## ", start + 10);
    int sibling = text.indexOf("\n### ", start + 10);
    end = sibling >= 0 && (end < 0 || sibling < end) ? sibling : end;
    return new ReadmeCommands(text.substring(start, end < 0 ? text.length() : end));
  }

  /** Every command of the section's {@code sh} blocks, continuation lines joined, in order. */
  List<Command> commands() {
    List<Command> commands = new ArrayList<>();
    Matcher block = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      StringBuilder current = new StringBuilder();
      StringBuilder comment = new StringBuilder();
      for (String line : block.group(1).split("\n")) {
        String trimmed = line.strip();
        if (current.length() == 0 && trimmed.startsWith("#")) {
          comment.append(trimmed).append('\n');
          continue;
        }
        if (current.length() == 0 && trimmed.isEmpty()) {
          continue;
        }
        if (trimmed.endsWith("\\")) {
          current.append(trimmed, 0, trimmed.length() - 1).append(' ');
          continue;
        }
        current.append(trimmed);
        commands.add(new Command(current.toString(), comment.toString()));
        current.setLength(0);
        comment.setLength(0);
      }
    }
    return commands;
  }

  /** The inline examples of the section's prose. */
  List<Example> examples() {
    List<Example> examples = new ArrayList<>();
    Matcher example = EXAMPLE.matcher(section);
    while (example.find()) {
      examples.add(new Example(example.group(1), Integer.parseInt(example.group(2)), example.group(3)));
    }
    return examples;
  }

  /** The command with the running system's addresses put in. */
  static String bind(String command, int port, int managementPort, String token) {
    String bound = command.replace("http://localhost:8080/", "http://127.0.0.1:" + port + "/")
        .replace("127.0.0.1:<M>", "127.0.0.1:" + managementPort);
    return token == null ? bound : bound.replace("<token>", token);
  }

  /** What a command printed (stdout), its exit status, and every HTTP status curl saw. */
  record Run(int exit, String out, List<Integer> statuses) {
  }

  /**
   * Runs a command with bash in {@code dir} (where its cookie jar lives). {@code curl} is wrapped
   * to also write each response's status on stderr, so the test sees it without the command
   * being changed.
   */
  static Run run(String command, Path dir) throws IOException, InterruptedException {
    String wrapped = "curl() { command curl -w '%{stderr}HTTP-STATUS %{http_code}\\n' \"$@\"; }\nset -o pipefail\n"
        + command + "\n";
    Process process = new ProcessBuilder("bash", "-c", wrapped).directory(dir.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("did not finish within 60 s: " + command);
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    List<Integer> statuses = new ArrayList<>();
    Matcher status = Pattern.compile("HTTP-STATUS (\\d{3})").matcher(err);
    while (status.find()) {
      statuses.add(Integer.parseInt(status.group(1)));
    }
    return new Run(process.exitValue(), out, statuses);
  }
}
