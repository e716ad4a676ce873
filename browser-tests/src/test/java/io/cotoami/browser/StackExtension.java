package io.cotoami.browser;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes one {@link BrowserStack} for the whole run: starting the four services and
 * the stores takes seconds, and each test works with fresh people and cotonomas anyway. JUnit
 * closes the stack (an {@link AutoCloseable} in the root store) when the run ends. After each
 * test, what the page sent or received that the API documents do not allow fails that test.
 */
final class StackExtension implements ParameterResolver, AfterEachCallback {

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    BrowserStack stack = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .get(BrowserStack.class, BrowserStack.class);
    if (stack == null) {
      return;
    }
    List<String> mismatches = stack.takeContractMismatches();
    if (!mismatches.isEmpty()) {
      throw new AssertionError(mismatches.size() + " exchange(s) of the page did not keep the API documents; "
          + "the first: " + mismatches.get(0) + (mismatches.size() > 1 ? "; the second: " + mismatches.get(1) : ""));
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == BrowserStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Chromium.requireInstalled(); // before the stack: no need to start it for nothing
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(BrowserStack.class, key -> {
          try {
            return BrowserStack.start();
          } catch (Exception e) {
            throw new IllegalStateException("could not start the stack", e);
          }
        }, BrowserStack.class);
  }
}
