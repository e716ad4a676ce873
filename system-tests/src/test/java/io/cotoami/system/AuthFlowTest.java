package io.cotoami.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.cotoami.auth.AuthServiceConfig;
import io.cotoami.auth.AuthServiceMain;
import io.cotoami.client.ApiClient;
import io.cotoami.client.ApiException;
import io.cotoami.client.api.AuthApi;
import io.cotoami.client.api.CotonomasApi;
import io.cotoami.client.api.CotosApi;
import io.cotoami.client.api.UsersApi;
import io.cotoami.client.model.AccessTokenPost;
import io.cotoami.client.model.CotoPage;
import io.cotoami.client.model.CotoPost;
import io.cotoami.client.model.CotonomaPost;
import io.cotoami.client.model.CreatedAccessToken;
import io.cotoami.client.model.CreatedCotonoma;
import io.cotoami.client.model.AddedMember;
import io.cotoami.client.model.MemberPost;
import io.cotoami.client.model.SessionRequest;
import io.cotoami.client.model.SignedIn;
import io.cotoami.client.model.SigninRequest;
import io.cotoami.common.bus.Addresses;
import io.cotoami.common.config.PgConfig;
import io.cotoami.common.runtime.ServiceInstance;
import io.cotoami.coto.CotoServiceConfig;
import io.cotoami.coto.CotoServiceMain;
import io.cotoami.gateway.GatewayConfig;
import io.cotoami.gateway.GatewayMain;
import io.cotoami.gateway.dev.DevMailRoutes;
import io.cotoami.infra.Eventually;
import io.cotoami.infra.PostgresServer;
import io.cotoami.infra.ReceivedMail;
import io.cotoami.infra.RedisServer;
import io.cotoami.infra.SessionKeyPair;
import io.cotoami.infra.SmtpServer;
import io.cotoami.infra.TestConfigs;
import io.cotoami.mail.MailServiceConfig;
import io.cotoami.mail.MailServiceMain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Sign-in end to end: a gateway, auth-service and mail-service as clustered nodes on embedded
 * PostgreSQL, Redis and SMTP, driven through the gateway as a browser would.
 */
class AuthFlowTest {
  private static final String CLUSTER = TestConfigs.newClusterName();
  private static final String ORIGIN = "http://localhost:8080";
  private static final Pattern LINK = Pattern.compile("http://localhost:8080/signin/([A-Za-z0-9_-]{43})");
  private static PostgresServer postgres;
  private static RedisServer redis;
  private static SmtpServer smtp;
  private static Map<String, String> mailEnv;
  private static ServiceInstance gateway;
  private static ServiceInstance auth;
  private static ServiceInstance mail;
  private static ServiceInstance coto;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    postgres = PostgresServer.startTemporary();
    redis = RedisServer.startTemporary();
    smtp = SmtpServer.start(0);
    PgConfig pg = postgres.ensureDatabase("cotoami", "cotoami", "secret");
    Map<String, String> authEnv = new HashMap<>(TestConfigs.stores(pg, redis));
    SessionKeyPair keys = SessionKeyPair.generate();
    authEnv.putAll(keys.env());
    Map<String, String> cotoEnv = new HashMap<>(TestConfigs.stores(pg, redis));
    cotoEnv.putAll(keys.env());
    // Every request comes from the gateway's 127.0.0.1 here.
    authEnv.put("SIGNIN_IP_LIMIT", "1000");
    mailEnv = new HashMap<>();
    mailEnv.put("REDIS_URL", redis.config().url());
    mailEnv.put("SMTP_HOST", "127.0.0.1");
    mailEnv.put("SMTP_PORT", String.valueOf(smtp.port()));
    mailEnv.put("SMTP_STARTTLS", "disabled");
    List<ServiceInstance> started = Http.await(Future.all(
        GatewayMain.start(GatewayConfig.fromEnv(TestConfigs.of(CLUSTER, Map.of("UPSTREAM_TIMEOUT", "3s")))),
        AuthServiceMain.start(AuthServiceConfig.fromEnv(TestConfigs.of(CLUSTER, authEnv))),
        startMail(),
        CotoServiceMain.start(CotoServiceConfig.fromEnv(TestConfigs.of(CLUSTER, cotoEnv))))).list();
    gateway = started.get(0);
    auth = started.get(1);
    mail = started.get(2);
    coto = started.get(3);
    http = new Http(gateway.httpPort());
    http.until("/api/instances", r -> r.bodyAsString().contains("auth-service")
        && r.bodyAsString().contains("coto-service"), 30);
    // Sessions are served once every instance has read the revoked ones from auth-service.
    Http.awaitReady(started, 30);
  }

  private static Future<ServiceInstance> startMail() {
    return MailServiceMain.start(MailServiceConfig.fromEnv(TestConfigs.of(CLUSTER, mailEnv)));
  }

  @AfterAll
  static void stop() throws Exception {
    Http.shutdown(gateway, auth, mail, coto);
    if (http != null) {
      http.close();
    }
    smtp.close();
    redis.close();
    postgres.close();
  }

  @Test
  @DisplayName("Through the gateway: ask for a link, read the mail, open the confirm page, sign in, read the session back, sign out")
  void wholeFlowThroughTheGateway() throws Exception {
    String email = "flow-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    assertEquals(202, requestSignin(email).statusCode());
    Eventually.holds(() -> mailsTo(email).size() == 1);
    ReceivedMail received = mailsTo(email).get(0);
    assertTrue(received.html().contains("/signin/"), received.html());
    Matcher link = LINK.matcher(received.text());
    assertTrue(link.find(), received.text());
    String token = link.group(1);

    HttpResponse<Buffer> page = http.get("/signin/" + token);
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("/api/auth/sessions"));

    HttpResponse<Buffer> created = http.send(http.client().post("/api/auth/sessions")
        .putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN),
            Buffer.buffer(new JsonObject().put("token", token).encode()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String setCookie = created.cookies().stream().filter(c -> c.startsWith("cotoami_session=")).findFirst().orElseThrow();
    assertFalse(setCookie.contains("Secure"), "plain-http localhost: no Secure flag");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    JsonObject session = http.send(http.client().get("/api/session").putHeader("Cookie", cookie))
        .bodyAsJsonObject();
    assertFalse(session.getBoolean("anonymous"));
    assertEquals(email, session.getJsonObject("user").getString("email"));

    assertEquals(204, http.send(http.client().post("/api/auth/signout").putHeader("Cookie", cookie)
        .putHeader("Origin", ORIGIN)).statusCode());
    assertTrue(http.send(http.client().get("/api/session").putHeader("Cookie", cookie)).bodyAsJsonObject()
        .getBoolean("anonymous"));
  }

  @Test
  @DisplayName("The README's Try it section, run exactly as written against this system: every command succeeds, the anonymous coto moves into the account, the bad-input example answers its problem")
  void readmeTryItWorks() throws Exception {
    ReadmeCommands readme = ReadmeCommands.load();
    List<ReadmeCommands.Command> commands = readme.commands();
    assertTrue(commands.size() >= 8, "the commands are read: " + commands);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cotoami-readme-");
    String email = null;
    String token = null;
    for (ReadmeCommands.Command command : commands) {
      if (command.text().contains("<token>") && token == null) {
        String to = email;
        Eventually.holds(() -> !mailsTo(to).isEmpty());
        Matcher link = LINK.matcher(mailsTo(to).get(mailsTo(to).size() - 1).text());
        assertTrue(link.find());
        token = link.group(1);
      }
      String bound = ReadmeCommands.bind(command.text(), gateway.httpPort(), gateway.managementPort(), token);
      ReadmeCommands.Run run = ReadmeCommands.run(bound, dir);
      String what = command.comment() + bound + "\n" + run.out();
      assertEquals(0, run.exit(), what);
      assertFalse(run.statuses().isEmpty(), what);
      assertTrue(run.statuses().stream().allMatch(s -> s < 400), run.statuses() + " " + what);
      Matcher asked = Pattern.compile("\"email\":\"([^\"]+)\"").matcher(command.text());
      if (command.text().contains("/api/auth/signin-requests") && asked.find()) {
        email = asked.group(1);
      }
      if (command.comment().contains("Post a coto")) {
        assertTrue(run.out().startsWith("HTTP/1.1 201"), what);
        assertTrue(run.out().contains("anonymous_id="), what);
      }
      if (command.text().endsWith("/api/session")) {
        assertTrue(run.out().contains("\"anonymous\":false"), what);
      }
    }
    assertNotNullToken(token);
    String home = ReadmeCommands.run(ReadmeCommands.bind("curl -b jar http://localhost:8080/api/cotos",
        gateway.httpPort(), 0, null), dir).out();
    assertTrue(home.contains("Hello, **Cotoami**") && home.contains("\"anonymous\":false"),
        "the anonymous coto moved into the account: " + home);
    List<ReadmeCommands.Example> examples = readme.examples();
    assertEquals(1, examples.size(), "the bad-input example is read");
    for (ReadmeCommands.Example example : examples) {
      ReadmeCommands.Run run = ReadmeCommands.run(ReadmeCommands.bind(example.command(), gateway.httpPort(), 0, null),
          dir);
      assertEquals(List.of(example.status()), run.statuses(), run.out());
      assertTrue(run.out().contains(example.type()), run.out());
    }
  }

  private static void assertNotNullToken(String token) {
    assertTrue(token != null, "the README signs in with the mailed link");
  }

  @Test
  @DisplayName("A client openapi-generator made from the document, strict about unknown fields, drives a mobile session: sign in, post, page through home, create a cotonoma, add a member, make a read token and read with it")
  void generatedClientDrivesASession() throws Exception {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + gateway.httpPort());
    // Strict: a field the server answers and the document does not describe fails the call.
    client.setObjectMapper(ApiClient.createDefaultObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true));
    // The generated API classes take the interceptor when made: it sends whichever token is current.
    java.util.concurrent.atomic.AtomicReference<String> bearer = new java.util.concurrent.atomic.AtomicReference<>();
    client.setRequestInterceptor(request -> {
      if (bearer.get() != null) {
        request.header("Authorization", "Bearer " + bearer.get());
      }
    });
    AuthApi authApi = new AuthApi(client);
    String email = "generated-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    assertEquals("accepted", authApi.requestSignin(new SigninRequest().email(email), null).getStatus());
    Eventually.holds(() -> mailsTo(email).size() == 1);
    Matcher link = LINK.matcher(mailsTo(email).get(0).text());
    assertTrue(link.find());
    SignedIn signedIn = authApi.createSession(new SessionRequest().token(link.group(1))
        .client(SessionRequest.ClientEnum.MOBILE));
    assertTrue(signedIn.getNewUser());
    bearer.set(signedIn.getToken());
    assertEquals(email, authApi.getSession().getUser().getEmail());

    CotosApi cotos = new CotosApi(client);
    for (int i = 1; i <= 3; i++) {
      cotos.postCoto(new CotoPost().content("generated " + i));
    }
    CotoPage first = cotos.home(null, 2);
    assertEquals(List.of("generated 3", "generated 2"), first.getCotos().stream().map(c -> c.getContent()).toList());
    CotoPage second = cotos.home(first.getNext(), 2);
    assertEquals(List.of("generated 1"), second.getCotos().stream().map(c -> c.getContent()).toList());

    CotonomasApi cotonomas = new CotonomasApi(client);
    CreatedCotonoma room = cotonomas.createCotonoma(new CotonomaPost().name("Generated room"));
    assertEquals("Generated room", room.getName());
    AddedMember member = cotonomas.addMember(room.getKey(), new MemberPost().email("friend@example.com"));
    assertEquals("friend@example.com", member.getEmail());
    assertNotNullValue(member.getAddedAt());
    assertTrue(member.getInvited(), "a new member is invited by mail");

    CreatedAccessToken token = new UsersApi(client).createAccessToken(new AccessTokenPost().name("generated")
        .scope(AccessTokenPost.ScopeEnum.READ));
    bearer.set(token.getToken());
    assertEquals(4, cotos.home(null, 10).getCotos().size(), "the read token reads the same home");
    ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> cotos.postCoto(new CotoPost().content("no")));
    assertEquals(403, refused.getCode());
  }

  private static void assertNotNullValue(Object value) {
    assertTrue(value != null);
  }

  @Test
  @DisplayName("Sign-ins requested while mail-service is stopped are mailed when it starts again, each exactly once")
  void mailServiceStoppedThenStarted() throws Exception {
    Http.await(mail.shutdown());
    List<String> emails = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        String email = "later-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        emails.add(email);
        assertEquals(202, requestSignin(email).statusCode());
      }
    } finally {
      mail = Http.await(startMail());
    }
    Eventually.holds(() -> emails.stream().allMatch(e -> mailsTo(e).size() == 1));
    Eventually.holds(() -> outboxEmpty());
    for (String email : emails) {
      assertEquals(1, mailsTo(email).size(), email);
    }
  }

  @Test
  @DisplayName("/dev/mail and /dev/mail.json show the launcher's inbox in dev mode, and do not exist otherwise")
  void devMail() throws Exception {
    assertEquals(404, http.get("/dev/mail.json").statusCode(), "not in dev mode");
    Vertx vertx = Vertx.vertx();
    try {
      Router inboxRoutes = Router.router(vertx);
      inboxRoutes.get("/mail.json").handler(ctx -> ctx.json(new JsonObject().put("mails", List.of())));
      inboxRoutes.get("/").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html").end("<h1>Mail inbox</h1>"));
      HttpServer inbox = Http.await(vertx.createHttpServer().requestHandler(inboxRoutes).listen(0, "127.0.0.1"));
      Router devRoutes = Router.router(vertx);
      DevMailRoutes.mount(devRoutes, vertx, URI.create("http://127.0.0.1:" + inbox.actualPort()));
      HttpServer dev = Http.await(vertx.createHttpServer().requestHandler(devRoutes).listen(0, "127.0.0.1"));
      try (Http devHttp = new Http(dev.actualPort())) {
        HttpResponse<Buffer> json = devHttp.get("/dev/mail.json");
        assertEquals(200, json.statusCode());
        assertTrue(json.bodyAsJsonObject().containsKey("mails"));
        HttpResponse<Buffer> page = devHttp.get("/dev/mail");
        assertTrue(page.bodyAsString().contains("Mail inbox"));
        assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
      }
    } finally {
      Http.await(vertx.close());
    }
  }

  @Test
  @DisplayName("Anonymous cotos move into the account at sign-in, in order and exactly once, though the sign-in is sent twice at once and the visitor signs in again")
  void anonymousCotosMoveOnce() throws Exception {
    String email = "anon-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    HttpResponse<Buffer> first = http.send(http.client().post("/api/cotos").putHeader("Content-Type", "application/json"),
        Buffer.buffer(new JsonObject().put("content", "first thought").encode()));
    String anonymous = first.cookies().stream().filter(c -> c.startsWith("anonymous_id=")).findFirst().orElseThrow();
    anonymous = anonymous.substring(0, anonymous.indexOf(';'));
    assertEquals(201, http.send(http.client().post("/api/cotos").putHeader("Content-Type", "application/json")
        .putHeader("Cookie", anonymous),
            Buffer.buffer(new JsonObject().put("content", "second thought").encode())).statusCode());

    String token = signinLink(email, anonymous, true);
    Buffer redeem = Buffer.buffer(new JsonObject().put("token", token).encode());
    List<HttpResponse<Buffer>> both = Http.await(Future.all(
        http.start(http.client().post("/api/auth/sessions").putHeader("Content-Type", "application/json")
            .putHeader("Origin", ORIGIN).putHeader("Cookie", anonymous), redeem),
        http.start(http.client().post("/api/auth/sessions").putHeader("Content-Type", "application/json")
            .putHeader("Origin", ORIGIN).putHeader("Cookie", anonymous), redeem))).list();
    List<Integer> statuses = both.stream().map(HttpResponse::statusCode).sorted().toList();
    assertEquals(List.of(201, 401), statuses, "one of two concurrent redemptions signs in");
    HttpResponse<Buffer> signedIn = both.stream().filter(r -> r.statusCode() == 201).findFirst().orElseThrow();
    String setCookie = signedIn.cookies().stream().filter(c -> c.startsWith("cotoami_session=")).findFirst().orElseThrow();
    String session = setCookie.substring(0, setCookie.indexOf(';'));

    // Someone signing in later from the same browser, box ticked again: nothing is left to move.
    String other = "other-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    String again = signinLink(other, anonymous, true);
    HttpResponse<Buffer> otherSignin = http.send(http.client().post("/api/auth/sessions")
        .putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN).putHeader("Cookie", anonymous),
            Buffer.buffer(new JsonObject().put("token", again).encode()));
    assertEquals(201, otherSignin.statusCode());
    String otherCookie = otherSignin.cookies().stream().filter(c -> c.startsWith("cotoami_session=")).findFirst()
        .orElseThrow();
    assertEquals(0, http.send(http.client().get("/api/cotos")
        .putHeader("Cookie", otherCookie.substring(0, otherCookie.indexOf(';'))))
        .bodyAsJsonObject().getJsonArray("cotos").size(), "the cotos were moved once, into the first account");

    JsonArray home = http.send(http.client().get("/api/cotos").putHeader("Cookie", session))
        .bodyAsJsonObject().getJsonArray("cotos");
    assertEquals(2, home.size(), home.encodePrettily());
    assertEquals("second thought", home.getJsonObject(0).getString("content"));
    assertEquals("first thought", home.getJsonObject(1).getString("content"));
    assertFalse(home.getJsonObject(0).getBoolean("anonymous"));
    assertEquals(0, http.send(http.client().get("/api/cotos").putHeader("Cookie", anonymous))
        .bodyAsJsonObject().getJsonArray("cotos").size(), "the anonymous copy is gone");
  }

  /** Asks for a sign-in link from a browser with that anonymous_id, and returns its token from the mail. */
  private static String signinLink(String email, String anonymousCookie, boolean save) throws Exception {
    int before = mailsTo(email).size();
    assertEquals(202, http.send(http.client().post("/api/auth/signin-requests")
        .putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN).putHeader("Cookie", anonymousCookie),
            Buffer.buffer(new JsonObject().put("email", email).put("saveAnonymousCotos", save).encode()))
        .statusCode());
    Eventually.holds(() -> mailsTo(email).size() == before + 1);
    List<ReceivedMail> mails = mailsTo(email);
    Matcher link = LINK.matcher(mails.get(mails.size() - 1).text());
    assertTrue(link.find());
    return link.group(1);
  }

  private static HttpResponse<Buffer> requestSignin(String email) throws Exception {
    return http.send(http.client().post("/api/auth/signin-requests")
        .putHeader("Content-Type", "application/json").putHeader("Origin", ORIGIN),
            Buffer.buffer(new JsonObject().put("email", email).encode()));
  }

  private static List<ReceivedMail> mailsTo(String email) {
    return smtp.inbox().stream().filter(m -> m.to().contains(email)).toList();
  }

  /** Every outbox entry is acknowledged and removed: nothing more can be sent. */
  private static boolean outboxEmpty() {
    Vertx vertx = Vertx.vertx();
    try {
      return Http.await(RedisAPI.api(Redis.createClient(vertx, redis.config().url()))
          .xlen(Addresses.MAIL_OUTBOX_STREAM)).toLong() == 0;
    } catch (Exception e) {
      return false;
    } finally {
      vertx.close();
    }
  }
}
