package io.cotoami.infra;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A session signing key pair for tests and the dev stack: an EC P-256 pair written as PEM files,
 * the variables that point services at them, and tokens signed with it.
 */
public final class SessionKeyPair {
  public static final String KEY_ID = "test-key-1";
  private final Path privateKey;
  private final Path publicKey;
  private final String keyId;

  private SessionKeyPair(Path privateKey, Path publicKey, String keyId) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = keyId;
  }

  /** A new key pair in a temporary directory. */
  public static SessionKeyPair generate() {
    try {
      return generateInto(Files.createTempDirectory("cotoami-jwt-"), KEY_ID);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key pair in {@code dir}, generated there the first time. */
  public static SessionKeyPair generateInto(Path dir, String keyId) {
    Path privatePem = dir.resolve("jwt-private.pem");
    Path publicPem = dir.resolve("jwt-public.pem");
    try {
      if (!Files.exists(privatePem) || !Files.exists(publicPem)) {
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        privatePem.toFile().setReadable(false, false);
        privatePem.toFile().setReadable(true, true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key pair", e);
    }
    return new SessionKeyPair(privatePem, publicPem, keyId);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  public Path privateKeyFile() {
    return privateKey;
  }

  public Path publicKeyFile() {
    return publicKey;
  }

  /** The variables a service verifying (and, for auth-service, issuing) sessions needs. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("JWT_PUBLIC_KEY_FILE", publicKey.toString());
    env.put("JWT_PRIVATE_KEY_FILE", privateKey.toString());
    env.put("JWT_KEY_ID", keyId);
    return env;
  }

  /** A valid token for a user, signed as auth-service signs them (for tests of other services). */
  public String token(Vertx vertx, String userId, String email, String name) {
    return sign(vertx, new JsonObject().put("sub", userId).put("email", email).put("name", name)
        .put("sid", UUID.randomUUID().toString()), new JWTOptions().setExpiresInMinutes(60));
  }

  /** Signs arbitrary claims with this pair (tests of bad tokens adjust the options). */
  public String sign(Vertx vertx, JsonObject claims, JWTOptions options) {
    try {
      JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
          .setAlgorithm("ES256").setId(keyId).setBuffer(Files.readString(privateKey))));
      JWTOptions signing = new JWTOptions(options.toJson()).setAlgorithm("ES256");
      if (signing.getIssuer() == null) {
        signing.setIssuer("cotoami");
      }
      if (signing.getAudience() == null || signing.getAudience().isEmpty()) {
        signing.setAudience(List.of("cotoami"));
      }
      signing.setHeader(new JsonObject().put("kid", keyId));
      return jwt.generateToken(claims, signing);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
