package io.cotoami.auth.user;

import io.cotoami.auth.signin.Emails;
import io.cotoami.common.bus.Addresses;
import io.cotoami.common.bus.BusHeaders;
import io.cotoami.common.bus.FailureCodes;
import io.cotoami.common.bus.UserLanguage;
import io.cotoami.common.http.Languages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The language each person signed in with last: remembered at sign-in, given to coto-service
 * ({@link Addresses#USER_LANGUAGES_GET}) so that an invitation to them is written in it.
 */
public final class UserLanguages {
  private static final Logger LOG = LoggerFactory.getLogger(UserLanguages.class);
  private final UserRepository users;

  public UserLanguages(UserRepository users) {
    this.users = users;
  }

  /** Answers {@link Addresses#USER_LANGUAGES_GET} from now on. */
  public Future<Void> serve(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.USER_LANGUAGES_GET, this::answer).completion();
  }

  /**
   * Remembers the language of a sign-in's {@code Accept-Language} (nothing without one). Never
   * fails the sign-in: a language not saved only means English mail, or the sender's.
   */
  public Future<Void> remember(UUID userId, String acceptLanguage, String requestId) {
    String code = Languages.codeOf(acceptLanguage);
    if (code == null) {
      return Future.succeededFuture();
    }
    return users.setLanguage(userId, code).recover(e -> {
      LOG.atWarn().addKeyValue("requestId", requestId).log("Language of user {} not saved: {}", userId, e.toString());
      return Future.succeededFuture();
    });
  }

  private void answer(Message<JsonObject> message) {
    String email;
    try {
      email = Emails.normalize(UserLanguage.Query.fromJson(message.body()).email());
    } catch (RuntimeException e) {
      message.fail(FailureCodes.BAD_REQUEST, "A language query needs an email address.");
      return;
    }
    users.languageOf(email)
        .onSuccess(language -> message.reply(new UserLanguage(language.orElse(null)).toJson()))
        .onFailure(e -> {
          LOG.atWarn().addKeyValue("requestId", BusHeaders.requestId(message)).log("Language lookup failed: {}", e.toString());
          message.fail(FailureCodes.UNAVAILABLE, "The language cannot be read now.");
        });
  }
}
