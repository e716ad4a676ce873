package io.cotoami.common.session;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The public key sessions are verified with, read once at start. Every service that reads
 * sessions refuses to start without one.
 *
 * @param keyId     the {@code kid} tokens must carry
 * @param publicKey PEM of the EC P-256 public key (ES256)
 */
public record SessionKeys(String keyId, String publicKey, String issuer, String audience) {
  public static final String ALGORITHM = "ES256";

  public static SessionKeys fromEnv(Env env) {
    String file = env.string("JWT_PUBLIC_KEY_FILE", null);
    if (file == null) {
      throw new ConfigException("JWT_PUBLIC_KEY_FILE is required: the PEM public key sessions are verified with "
          + "(./cotoami up generates a dev key; see docs/configuration.md)");
    }
    String pem;
    try {
      pem = Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new ConfigException("Invalid JWT_PUBLIC_KEY_FILE='" + file + "': cannot read it (" + e.getMessage() + ")");
    }
    if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
      throw new ConfigException("Invalid JWT_PUBLIC_KEY_FILE='" + file + "': expected a PEM public key");
    }
    return new SessionKeys(
        env.string("JWT_KEY_ID", "cotoami-1"),
        pem,
        env.string("JWT_ISSUER", "cotoami"),
        env.string("JWT_AUDIENCE", "cotoami"));
  }
}
