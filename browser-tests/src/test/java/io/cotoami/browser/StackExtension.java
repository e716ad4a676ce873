package io.cotoami.browser;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes one {@link BrowserStack} for the whole run: starting the four services and
 * the stores takes seconds, and each test works with fresh people and cotonomas anyway. JUnit
 * closes the stack (an {@link AutoCloseable} in the root store) when the run ends.
 */
final class StackExtension implements ParameterResolver {

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
