package io.cotoami.common.http;

import io.cotoami.common.config.ConfigException;
import io.cotoami.common.config.Env;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who a request comes from, in a way a client cannot forge: the peer of the connection, unless
 * that peer is a trusted proxy ({@code TRUSTED_PROXIES}); then {@code X-Forwarded-For} is read
 * from right to left, skipping only hops that are trusted proxies themselves, and the first hop
 * that is not is the client. Hops left of it were written by the client and are ignored. The
 * gateway and auth-service use this one rule.
 */
public final class ClientAddress {
  /** Loopback only: on a laptop the gateway and the services talk over 127.0.0.1. */
  public static final String DEFAULT_TRUSTED = "127.0.0.0/8,::1/128";
  /** Characters an IP literal may have; anything else is not looked up (no DNS, ever). */
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private final List<Cidr> trusted;

  private ClientAddress(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** {@code TRUSTED_PROXIES}: comma-separated CIDRs (or single addresses); default loopback only. */
  public static ClientAddress fromEnv(Env env) {
    String raw = env.string("TRUSTED_PROXIES", DEFAULT_TRUSTED);
    try {
      return of(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid TRUSTED_PROXIES='" + raw
          + "': expected comma-separated CIDRs such as 10.0.0.0/8,::1/128 (" + e.getMessage() + ")");
    }
  }

  /** Parses a CIDR list; {@code none} (or an empty list) trusts no proxy at all. */
  public static ClientAddress of(String cidrs) {
    List<Cidr> list = new ArrayList<>();
    if (!cidrs.isBlank() && !cidrs.trim().equalsIgnoreCase("none")) {
      for (String part : cidrs.split(",")) {
        list.add(Cidr.parse(part.trim()));
      }
    }
    return new ClientAddress(list);
  }

  /** The client's address: see the class comment. "unknown" when the connection has no peer address. */
  public String of(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    if (peer == null) {
      return "unknown";
    }
    return resolve(peer, request.headers().getAll("X-Forwarded-For"));
  }

  /** The same rule on plain values, for tests and for callers without a request. */
  public String resolve(String peer, List<String> forwardedFor) {
    InetAddress current = parse(peer);
    if (current == null || !trusts(current)) {
      return peer;
    }
    String client = peer;
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = parse(hops.get(i));
      if (hop == null) {
        // Garbage written by someone: the last hop a trusted proxy vouched for is all we know.
        return client;
      }
      client = hop.getHostAddress();
      if (!trusts(hop)) {
        return client;
      }
    }
    return client;
  }

  public boolean trusts(String address) {
    InetAddress parsed = parse(address);
    return parsed != null && trusts(parsed);
  }

  private boolean trusts(InetAddress address) {
    for (Cidr cidr : trusted) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** An IP literal (IPv6 possibly in brackets), never a host name; null when it is not one. */
  static InetAddress parse(String text) {
    if (text == null) {
      return null;
    }
    String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!LITERAL.matcher(s).matches() || (!s.contains(":") && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
      return null;
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** One network: its address bytes and prefix length. IPv4-mapped IPv6 peers match IPv4 networks. */
  record Cidr(byte[] network, int prefix) {
    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      InetAddress address = ClientAddress.parse(slash < 0 ? text : text.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("'" + text + "' is not an IP network");
      }
      int bits = address.getAddress().length * 8;
      int prefix;
      try {
        prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("'" + text + "' has a prefix length over " + bits);
      }
      return new Cidr(address.getAddress(), prefix);
    }

    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (bytes[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (bytes[full] & mask) == (network[full] & mask);
    }
  }
}
