package io.cotoami.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Proc")
class ProcTest {
  @Test
  @DisplayName("reads the heap in use from GC.heap_info for the serial, the parallel and the G1 collector")
  void heapUsedOfEveryCollector() {
    String serial = """
        12345:
         def new generation   total 3712K, used 1130K [0x00000000dc000000, 0x00000000dc400000, 0x00000000e8000000)
          eden space 3328K,  22% used [0x00000000dc000000, 0x00000000dc0ba928, 0x00000000dc340000)
         tenured generation   total 8192K, used 3296K [0x00000000e8000000, 0x00000000e8800000, 0x0000000100000000)
           the space 8192K,  40% used [0x00000000e8000000, 0x00000000e8338388, 0x00000000e8338400, 0x00000000e8800000)
         Metaspace       used 8977K, committed 9152K, reserved 1114112K
        """;
    assertEquals((1130 + 3296) * 1024L, Proc.heapUsed(serial));
    String parallel = """
         PSYoungGen      total 76288K, used 2621K [0x000000076ab00000, 0x0000000770000000, 0x00000007c0000000)
         ParOldGen       total 175104K, used 4000K [0x00000006c0000000, 0x00000006cab00000, 0x000000076ab00000)
         Metaspace       used 8977K, committed 9152K, reserved 1114112K
        """;
    assertEquals((2621 + 4000) * 1024L, Proc.heapUsed(parallel));
    String g1 = """
         garbage-first heap   total 258048K, used 2048K [0x0000000704000000, 0x0000000800000000)
          region size 2048K, 2 young (4096K), 0 survivors (0K)
         Metaspace       used 8977K, committed 9152K, reserved 1114112K
        """;
    assertEquals(2048 * 1024L, Proc.heapUsed(g1));
  }
}
