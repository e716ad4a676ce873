package io.cotoami.auth.api;

import io.cotoami.auth.signin.SigninMail;
import io.cotoami.auth.signin.SigninTokens;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The page the emailed link opens. It changes nothing (mail scanners that follow links must not
 * burn the token): its button POSTs the token to {@code /api/auth/sessions}, then goes home. No
 * external resources; the one inline script runs under a per-response nonce.
 */
final class SigninPage {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SigninPage() {
  }

  static void send(RoutingContext ctx, String token) {
    boolean ja = SigninMail.language(ctx.request().getHeader("Accept-Language")) == SigninMail.Language.JA;
    boolean valid = SigninTokens.wellFormed(token);
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String nonce = Base64.getEncoder().encodeToString(bytes);
    ctx.response()
        .setStatusCode(valid ? 200 : 404)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; "
            + "style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        .end(valid ? page(ja, token, nonce) : invalid(ja));
  }

  private static String page(boolean ja, String token, String nonce) {
    String title = ja ? "Cotoami にサインイン" : "Sign in to Cotoami";
    String button = ja ? "サインイン" : "Sign in";
    String failed = ja ? "サインインできませんでした。" : "Could not sign in.";
    String elsewhere = ja ? "サインインしました。このリンクは申し込みをしたのとは別のブラウザで開かれたため、匿名のコトは保存していません。"
        + "保存するには、申し込んだブラウザからもう一度サインインしてください。"
        : "You are signed in. Your anonymous cotos were not saved: this link was opened in another browser than "
        + "the one that asked for it. To save them, sign in again from that browser.";
    String notMoved = ja ? "サインインしました。匿名のコトは今は保存できませんでした。"
        : "You are signed in. Your anonymous cotos could not be saved just now.";
    String home = ja ? "Cotoami へ進む" : "Continue to Cotoami";
    return head(ja, title)
        + "<h1>" + title + "</h1>"
        + "<p>" + (ja ? "ボタンを押すとサインインします。" : "Press the button to sign in.") + "</p>"
        // The token is [A-Za-z0-9_-] only (checked above), so it is safe in an attribute.
        + "<button id=\"signin\" data-token=\"" + token + "\">" + button + "</button>"
        + "<p id=\"message\" role=\"status\"></p>"
        + "<script nonce=\"" + nonce + "\">"
        + "const b=document.getElementById('signin'),m=document.getElementById('message');"
        + "b.addEventListener('click',async()=>{b.disabled=true;m.textContent='';"
        + "try{const r=await fetch('/api/auth/sessions',{method:'POST',credentials:'same-origin',"
        + "headers:{'Content-Type':'application/json'},body:JSON.stringify({token:b.dataset.token,client:'browser'})});"
        // Back where sign-in was asked from (auth-service validated it; checked again, same shapes).
        + "if(r.ok){const j=await r.json().catch(()=>({})),a=j.anonymousCotos||{};"
        + "const to=/^\\/cotonomas\\/[A-Za-z0-9_-]{16,64}$/.test(j.returnTo||'')?j.returnTo:'/';"
        + "if(a.skipped==='other-browser'||a.error){m.textContent=a.error?'" + notMoved + "':'" + elsewhere + "';"
        + "b.hidden=true;const l=document.createElement('a');l.href=to;l.textContent='" + home + "';"
        + "m.after(l);return;}location.replace(to);return;}"
        + "const p=await r.json().catch(()=>({}));m.textContent=p.detail||'" + failed + "';}"
        + "catch(e){m.textContent='" + failed + "';}b.disabled=false;});"
        + "</script></body></html>";
  }

  private static String invalid(boolean ja) {
    String title = ja ? "無効なリンク" : "Invalid link";
    return head(ja, title) + "<h1>" + title + "</h1><p>"
        + (ja ? "このサインインリンクは正しくありません。もう一度サインインを申し込んでください。"
            : "This sign-in link is not valid. Please ask for a new one.")
        + "</p><p><a href=\"/\">Cotoami</a></p></body></html>";
  }

  private static String head(boolean ja, String title) {
    return "<!doctype html><html lang=\"" + (ja ? "ja" : "en") + "\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + title + "</title>"
        // The web client's look (app/style.css), inline: this page loads nothing else.
        + "<style>:root{color:#1d2623;background:#f4f6f5;line-height:1.55;font-family:system-ui,-apple-system,"
        + "'Segoe UI',Roboto,'Hiragino Sans','Noto Sans JP',sans-serif}"
        + "body{max-width:28rem;margin:12vh auto;padding:1.5rem;background:#fff;border:1px solid #dde3e0;"
        + "border-radius:14px;box-shadow:0 1px 2px rgba(16,24,20,.06),0 2px 8px rgba(16,24,20,.04)}"
        + "body::before{content:'Cotoami';display:block;font-weight:700;color:#2f6f5e;margin-bottom:.5rem}"
        + "h1{font-size:1.3rem;margin:0 0 .5rem}a{color:#2f6f5e}"
        + "button{font:inherit;font-weight:600;border:1px solid #2f6f5e;background:#2f6f5e;color:#fff;"
        + "border-radius:999px;padding:.5rem 1.5rem;cursor:pointer}button:disabled{opacity:.5}"
        + ":focus-visible{outline:3px solid #f2c14e;outline-offset:2px}#message{color:#66736e}"
        + "@media (max-width:600px){body{margin:1rem;}}</style></head><body>";
  }
}
