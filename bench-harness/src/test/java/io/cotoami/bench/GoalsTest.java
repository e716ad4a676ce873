package io.cotoami.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The goals table judges each goal of issue 17 from the run's rows, the right way round. */
class GoalsTest {
  private static Map<String, String> verdicts(List<Report.Row> rows) {
    return Goals.judge(rows).stream().collect(Collectors.toMap(Goals.Line::goal, Goals.Line::verdict));
  }

  @Test
  @DisplayName("Ratios and absolute bounds are judged met or not met, and a goal without a figure says not measured")
  void judged() {
    List<Report.Row> rows = List.of(
        new Report.Row("1. post path", "requests/s, cold (the first 6 s)", 100, "pgbench tps", 1000, "/s"),
        new Report.Row("1. post path", "requests/s, 16 connections", 850, "pgbench tps", 1000, "/s"),
        new Report.Row("3. connections", "heap per connection", 12, "bare", 10, "KiB"),
        new Report.Row("5. event bus", "round trip p99, two processes", 6.3, "one process", 0.1, "ms"),
        new Report.Row("6. start-up", "gateway: start → ready", 4000, "bare", 500, "ms"),
        new Report.Row("6. start-up", "coto-service: start → ready", 6000, "bare", 500, "ms"),
        new Report.Row("6. start-up", "gateway: RSS at idle", 150, "bare", 50, "MiB"));
    Map<String, String> v = verdicts(rows);
    assertEquals(Goals.MET, v.get("1. post through the gateway"), "0.85× pgbench, not the cold 0.1×");
    assertEquals(Goals.NOT_MET, v.get("6. heap per idle WebSocket"), "1.2× the bare server");
    assertEquals(Goals.NOT_MET, v.get("7. clustered request/reply p99"), "6.3 ms > 1 ms");
    assertEquals(Goals.NOT_MET, v.get("8. start-up, slowest service"), "the slowest, 6 s, not the gateway's 4 s");
    assertEquals(Goals.MET, v.get("8. idle RSS, largest service"));
    assertEquals(Goals.NOT_MEASURED, v.get("4. a 10,000-viewer room"), "no fan-out figures");
    assertEquals(Goals.NOT_MEASURED, v.get("5. a room across two gateways"));
  }

  @Test
  @DisplayName("The largest room is judged: delivery against the bare broadcast, and a set-up that did not finish is not met")
  void room() {
    Map<String, String> v = verdicts(List.of(
        new Report.Row("2. fan-out 1000 (cotonoma)", "set-up: all subscribed", 100, "bare", 100, "ms"),
        new Report.Row("2. fan-out 1000 (cotonoma)", "delivery p99, from the post sent", 1, "bare", 1, "ms"),
        new Report.Row("2. fan-out 1000 (cotonoma)", "delivered messages/s (burst)", 1, "bare", 1, "/s"),
        new Report.Row("2. fan-out 10000 (cotonoma)", "subscribed within 45 s", 6297, "wanted", 10000, "")));
    assertEquals(Goals.NOT_MET, v.get("4. a 10000-viewer room: all subscribed"), v.toString());
    Map<String, String> smaller = verdicts(List.of(
        new Report.Row("2. fan-out 1000 (cotonoma)", "set-up: all subscribed", 150, "bare", 100, "ms"),
        new Report.Row("2. fan-out 1000 (cotonoma)", "delivery p99, from the post sent", 1.5, "bare", 1, "ms"),
        new Report.Row("2. fan-out 1000 (cotonoma)", "delivered messages/s (burst)", 0.9, "bare", 1, "/s")));
    assertEquals(Goals.MET, smaller.get("4. a 1000-viewer room: set-up"));
    assertEquals(Goals.NOT_MET, smaller.get("4. a 1000-viewer room: delivery p99"));
    assertEquals(Goals.MET, smaller.get("4. a 1000-viewer room: delivered/s"));
  }
}
